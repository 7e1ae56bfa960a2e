/**
 * Renders a mix project for a listener profile. Objects are loaded one at a time (only the
 * two buses stay in memory): each is conformed (resampled to the mix rate, mono panned with
 * a constant-power law, stereo balanced, more channels folded to stereo), put through its
 * chain and descriptors, given its gain and the profile's importance gain, and added to the
 * lead bus (lead vocal; dialogue when there is none) or the accompaniment bus.
 *
 * Master: the profile's EQ and width act on each bus (they are linear, so the sum is the
 * same), so the lead is balanced against what the listener will hear; the lead bus is then set
 * to the profile's lead-vocal level against the accompaniment (in LU, integrated loudness).
 * The compressor and the true-peak limiter run on the sum, and their gains are applied to both
 * buses alike, so the balance survives mastering and is measured after it. Loudness is
 * normalised to the target and checked after the limiter (repeated until within 0.1 LU, at
 * most four times); the lead level likewise. A project's own master chain and descriptors act on
 * the balanced sum before the compressor, so the target and ceiling still hold.
 */
import { ZhiyinError } from '../errors/index.js';
import { remix, remixMatrix, resampleAudio, type PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { runChain, type StepReport } from './chain.js';
import { Compressor } from './compressor.js';
import { ParametricEq } from './eq.js';
import { limitTruePeak } from './limiter.js';
import type { ListenerProfile, MixOverrides } from './profiles.js';
import { importanceOf, SPEECH_ROLES, type MixObject, type MixProject } from './project.js';
import { applySemantic, parseSemantic, type Lexicon } from './semantic.js';
import { stereoWidth } from './space.js';

export interface RenderOptions {
  profile: ListenerProfile;
  overrides?: MixOverrides;
  /** Needed when objects or the master carry descriptors. */
  lexicon?: Lexicon;
  /** Longest mix allowed, seconds (default 1200): beyond it LIMIT_EXCEEDED. */
  maxSeconds?: number;
  onProgress?: (fraction: number, stage: string) => void;
}

export interface ObjectReport {
  id: string;
  role: string;
  importance: number;
  /** Gain from the project, the overrides and the importance, dB. */
  gainDb: number;
  /** After its chain and gain, before the master, LUFS. */
  loudnessLufs: number;
  resampledFrom?: number;
  steps: StepReport[];
  descriptors: string[];
}

export interface MixReport {
  profile: string;
  sampleRate: number;
  durationSeconds: number;
  objects: ObjectReport[];
  leadVocal: {
    objects: string[];
    targetLu: number;
    /** Gain given to the lead bus, dB. */
    gainDb: number;
    /** Lead minus accompaniment after mastering, LU (null without a lead or accompaniment). */
    measuredLu: number | null;
  };
  master: {
    targetLufs: number;
    ceilingDbtp: number;
    integratedLufs: number;
    truePeakDbtp: number;
    loudnessRangeLu: number;
    compressorMaxReductionDb: number;
    normalisationGainDb: number;
    limiterMaxReductionDb: number;
    iterations: number;
  };
  warnings: string[];
}

type Stereo = [Float32Array, Float32Array];

const span = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

function loudness(channels: Float32Array[], sampleRate: number): number {
  return measureLoudness({ sampleRate, channels }, { truePeak: false }).integratedLufs;
}

/** Folds an object to stereo at its pan. */
function toStereo(audio: PlanarAudio, pan: number): Stereo {
  let ch = audio.channels;
  if (ch.length > 2) ch = remix(audio, remixMatrix(ch.length, 2)).channels;
  if (ch.length === 1) {
    const x = ch[0]!;
    const angle = ((pan + 1) * Math.PI) / 4; // constant power, unity on each side at the centre
    const gl = Math.cos(angle) * Math.SQRT2,
      gr = Math.sin(angle) * Math.SQRT2;
    return [x.map((v) => v * gl), x.map((v) => v * gr)];
  }
  const gl = pan > 0 ? 1 - pan : 1,
    gr = pan < 0 ? 1 + pan : 1;
  return [ch[0]!.map((v) => v * gl), ch[1]!.map((v) => v * gr)];
}

/** A bus that grows as longer objects arrive. */
class Bus {
  channels: Stereo = [new Float32Array(0), new Float32Array(0)];
  used = false;
  add(x: Stereo, offset: number): void {
    const end = offset + x[0].length;
    if (end > this.channels[0].length) this.resize(end);
    for (let c = 0; c < 2; c++) {
      const to = this.channels[c]!,
        from = x[c]!;
      for (let i = 0; i < from.length; i++) to[offset + i]! += from[i]!;
    }
    this.used = true;
  }
  resize(n: number): void {
    if (n <= this.channels[0].length) return;
    this.channels = this.channels.map((c) => {
      const y = new Float32Array(n);
      y.set(c);
      return y;
    }) as Stereo;
  }
}

function scale(channels: Float32Array[], g: number): void {
  if (g === 1) return;
  for (const c of channels) for (let i = 0; i < c.length; i++) c[i] = c[i]! * g;
}

/**
 * Renders the project; `load` decodes one object's file.
 * @example const { audio, report } = await renderMix(project, (o) => readAudioFile(join(dir, o.file)), { profile });
 */
export async function renderMix(
  project: MixProject,
  load: (object: MixObject) => Promise<PlanarAudio> | PlanarAudio,
  options: RenderOptions,
): Promise<{ audio: PlanarAudio; report: MixReport }> {
  const { profile, overrides = {}, lexicon } = options;
  const maxSeconds = options.maxSeconds ?? 1200;
  const progress = options.onProgress ?? (() => undefined);
  const warnings: string[] = [];
  const live = project.objects.filter((o) => !o.mute);
  if (live.length === 0)
    throw new ZhiyinError('INVALID_ARGUMENT', 'every object of the mix is muted: unmute one.');
  const hasLead = live.some((o) => o.role === 'lead-vocal');
  const isLead = (o: MixObject) => o.role === (hasLead ? 'lead-vocal' : 'dialogue');
  const lead = new Bus(),
    rest = new Bus();
  const objects: ObjectReport[] = [];
  let sampleRate = project.sampleRate ?? 0;
  const semantic = (words: string[] | undefined, audio: PlanarAudio, at: string) => {
    if (!words?.length) return audio;
    if (!lexicon)
      throw new ZhiyinError('INVALID_ARGUMENT', `${at} uses descriptors but no lexicon was given.`);
    return applySemantic(
      audio,
      words.flatMap((w) => parseSemantic(w, lexicon)),
      lexicon,
    ).audio;
  };

  for (const [k, o] of live.entries()) {
    progress(k / (live.length + 2), `object ${o.id}`);
    let audio = await load(o);
    const frames = audio.channels[0]?.length ?? 0;
    if (!sampleRate) sampleRate = audio.sampleRate;
    const report: ObjectReport = {
      id: o.id,
      role: o.role,
      importance: importanceOf(o),
      gainDb: 0,
      loudnessLufs: -Infinity,
      steps: [],
      descriptors: o.descriptors ?? [],
    };
    if (frames === 0 || audio.channels.length === 0) {
      warnings.push(`${o.id}: the file holds no audio; it was left out.`);
      continue;
    }
    if ((o.offsetSeconds ?? 0) + frames / audio.sampleRate > maxSeconds)
      throw new ZhiyinError(
        'LIMIT_EXCEEDED',
        `${o.id} would make the mix ${span((o.offsetSeconds ?? 0) + frames / audio.sampleRate)} long; the limit is ${span(maxSeconds)} (raise it with --max-minutes).`,
      );
    if (audio.sampleRate !== sampleRate) {
      report.resampledFrom = audio.sampleRate;
      warnings.push(
        `${o.id}: resampled from ${audio.sampleRate} Hz to the mix's ${sampleRate} Hz.`,
      );
      audio = resampleAudio(audio, sampleRate);
    }
    const stereo = toStereo(audio, o.pan ?? 0);
    audio = undefined as unknown as PlanarAudio; // let the decoded stem go
    let x: PlanarAudio = { sampleRate, channels: stereo };
    if (o.chain?.length) {
      const r = runChain(x, o.chain);
      x = r.audio;
      report.steps = r.reports;
    }
    if (SPEECH_ROLES.has(o.role) && profile.speechEq?.length)
      x = {
        sampleRate,
        channels: new ParametricEq(profile.speechEq, sampleRate, 2).process(x.channels),
      };
    x = semantic(o.descriptors, x, o.id);
    const gainDb =
      (o.gainDb ?? 0) +
      profile.importanceLu[report.importance]! +
      (overrides.gainDb?.[o.id] ?? 0) +
      (overrides.gainDb?.[o.role] ?? 0);
    scale(x.channels, 10 ** (gainDb / 20));
    report.gainDb = gainDb;
    report.loudnessLufs = loudness(x.channels, sampleRate);
    if (!Number.isFinite(report.loudnessLufs)) warnings.push(`${o.id}: silent (below −70 LUFS).`);
    (isLead(o) ? lead : rest).add(
      x.channels as Stereo,
      Math.round((o.offsetSeconds ?? 0) * sampleRate),
    );
    objects.push(report);
  }
  const n = Math.max(lead.channels[0].length, rest.channels[0].length);
  if (n === 0) throw new ZhiyinError('EMPTY_INPUT', 'no object of the mix holds audio.');
  lead.resize(n);
  rest.resize(n);
  progress(live.length / (live.length + 2), 'master');

  // Master EQ and width, per bus.
  const width = overrides.width ?? profile.width;
  for (const bus of [lead, rest]) {
    if (!bus.used) continue;
    if (profile.masterEq.length)
      new ParametricEq(profile.masterEq, sampleRate, 2).process(bus.channels);
    if (width !== 1) bus.channels = stereoWidth(bus.channels[0], bus.channels[1], width);
  }
  const masterExtras = Boolean(
    project.master?.chain?.length || project.master?.descriptors?.length,
  );
  if (masterExtras)
    warnings.push(
      'the master chain and descriptors act on the balanced sum before the compressor; the lead level is measured without them.',
    );

  // Balance the lead against the accompaniment.
  const targetLu = profile.leadVocalLu + (overrides.leadVocalLu ?? 0);
  let leadGainDb = 0;
  const canBalance = lead.used && rest.used;
  const leadLufs = lead.used ? loudness(lead.channels, sampleRate) : -Infinity;
  const restLufs = rest.used ? loudness(rest.channels, sampleRate) : -Infinity;
  if (canBalance && Number.isFinite(leadLufs) && Number.isFinite(restLufs)) {
    leadGainDb = targetLu - (leadLufs - restLufs);
  } else if (lead.used || rest.used) {
    warnings.push(
      hasLead || live.some((o) => o.role === 'dialogue')
        ? 'the lead or the accompaniment is silent or missing: no lead-vocal balance was made.'
        : 'no lead-vocal or dialogue object: no lead-vocal balance was made.',
    );
  }

  const targetLufs = overrides.targetLufs ?? profile.targetLufs;
  const ceiling = overrides.truePeakDbtp ?? profile.truePeakDbtp;
  let result!: {
    mix: Stereo;
    comp: number;
    norm: number;
    lim: number;
    iterations: number;
    measuredLu: number | null;
  };
  // Master the sum; if the lead level drifted in mastering, correct the lead gain once.
  for (let pass = 0; pass < 2; pass++) {
    result = master(lead.channels, rest.channels, leadGainDb, canBalance);
    if (result.measuredLu === null || Math.abs(result.measuredLu - targetLu) <= 0.3) break;
    leadGainDb += targetLu - result.measuredLu;
  }

  function master(l: Stereo, r: Stereo, gDb: number, measureLead: boolean) {
    const g = 10 ** (gDb / 20);
    const mix: Stereo = [new Float32Array(n), new Float32Array(n)];
    for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) mix[c]![i] = g * l[c]![i]! + r[c]![i]!;
    if (masterExtras) {
      let m: PlanarAudio = { sampleRate, channels: mix };
      if (project.master?.chain?.length) m = runChain(m, project.master.chain).audio;
      m = semantic(project.master?.descriptors, m, 'master');
      mix[0] = m.channels[0]!;
      mix[1] = m.channels[1] ?? m.channels[0]!;
    }
    let gains: Float32Array | undefined;
    let compDb = 0;
    const c = profile.masterCompressor;
    if (c) {
      const lufs = loudness(mix, sampleRate);
      if (Number.isFinite(lufs)) {
        gains = new Compressor(
          {
            thresholdDb: lufs + c.offsetDb,
            ratio: c.ratio,
            detector: 'rms',
            attackSeconds: c.attackSeconds ?? 0.02,
            releaseSeconds: c.releaseSeconds ?? 0.25,
          },
          sampleRate,
        ).gainCurve(mix);
        let min = 1;
        for (const v of gains) if (v < min) min = v;
        compDb = -20 * Math.log10(min);
        for (const ch of mix) for (let i = 0; i < n; i++) ch[i] = ch[i]! * gains[i]!;
      }
    }
    const before = loudness(mix, sampleRate);
    if (!Number.isFinite(before))
      throw new ZhiyinError('EMPTY_INPUT', 'the mix is silent (below −70 LUFS): check the stems.');
    let normDb = targetLufs - before;
    let limited!: ReturnType<typeof limitTruePeak>;
    let iterations = 0;
    for (; iterations < 4; iterations++) {
      const gn = 10 ** (normDb / 20);
      const scaled = mix.map((ch) => ch.map((v) => v * gn));
      limited = limitTruePeak({ sampleRate, channels: scaled }, { ceilingDbtp: ceiling });
      const got = loudness(limited.audio.channels, sampleRate);
      if (Math.abs(got - targetLufs) <= 0.1) break;
      normDb += targetLufs - got;
    }
    let measuredLu: number | null = null;
    if (measureLead) {
      // The master's gains applied to each bus, to measure the lead after mastering.
      const gn = 10 ** (normDb / 20);
      const through = (bus: Stereo, busGain: number) =>
        bus.map((ch) =>
          ch.map((v, i) => v * busGain * gn * (gains ? gains[i]! : 1) * limited.gain[i]!),
        );
      measuredLu = loudness(through(l, g), sampleRate) - loudness(through(r, 1), sampleRate);
    }
    return {
      mix: limited.audio.channels as Stereo,
      comp: compDb,
      norm: normDb,
      lim: limited.report.maxReductionDb,
      iterations: iterations + 1,
      measuredLu,
    };
  }

  const out: PlanarAudio = { sampleRate, channels: result.mix };
  const final = measureLoudness(out);
  progress(1, 'done');
  return {
    audio: out,
    report: {
      profile: profile.id,
      sampleRate,
      durationSeconds: n / sampleRate,
      objects,
      leadVocal: {
        objects: live.filter(isLead).map((o) => o.id),
        targetLu,
        gainDb: leadGainDb,
        measuredLu: result.measuredLu,
      },
      master: {
        targetLufs,
        ceilingDbtp: ceiling,
        integratedLufs: final.integratedLufs,
        truePeakDbtp: final.truePeakDbtp,
        loudnessRangeLu: final.loudnessRangeLu,
        compressorMaxReductionDb: result.comp,
        normalisationGainDb: result.norm,
        limiterMaxReductionDb: result.lim,
        iterations: result.iterations,
      },
      warnings,
    },
  };
}
