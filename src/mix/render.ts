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
import {
  LoudnessMeter,
  TruePeakMeter,
  measureLoudness,
  truePeakDesign,
  type LoudnessResult,
} from '../loudness/index.js';
import { runChain, type StepReport } from './chain.js';
import { Compressor } from './compressor.js';
import { ParametricEq } from './eq.js';
import { TruePeakLimiter } from './limiter.js';
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
  /** Also return the lead and accompaniment buses as mastered (they sum to the mix). */
  keepBuses?: boolean;
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

/** True peak of audio, dBTP. */
function truePeakDbtp(audio: PlanarAudio): number {
  let peak = 0;
  for (const c of audio.channels) {
    const meter = new TruePeakMeter(truePeakDesign(audio.sampleRate));
    meter.push(c);
    peak = Math.max(peak, meter.truePeakLinear());
  }
  return 20 * Math.log10(peak);
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
    return [scaled(x, gl), scaled(x, gr)];
  }
  const gl = pan > 0 ? 1 - pan : 1,
    gr = pan < 0 ? 1 + pan : 1;
  return [scaled(ch[0]!, gl), scaled(ch[1]!, gr)];
}

/** A copy of `x` times `g` (a plain loop: TypedArray.map with a callback is several times slower). */
function scaled(x: Float32Array, g: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! * g;
  return y;
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
): Promise<{
  audio: PlanarAudio;
  report: MixReport;
  buses?: { lead: PlanarAudio; accompaniment: PlanarAudio };
}> {
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
  const leadLufs = lead.used ? loudness(lead.channels, sampleRate) : -Infinity;
  const restLufs = rest.used ? loudness(rest.channels, sampleRate) : -Infinity;
  // Only two buses that both sound can be balanced (a silent lead has no level to set).
  const canBalance = Number.isFinite(leadLufs) && Number.isFinite(restLufs);
  if (canBalance) {
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
  let compressorGains: Float32Array | null | undefined;
  let compressorAt: number | undefined;
  // Master the sum; if the lead level still drifted in mastering, correct it once more.
  let result = master(leadGainDb, { correctLead: true, limiterLossDb: 0 });
  if (
    result.measuredLu !== null &&
    Number.isFinite(result.measuredLu) &&
    Math.abs(result.measuredLu - targetLu) > 0.3
  )
    result = master(result.leadGainDb + targetLu - result.measuredLu, {
      correctLead: false,
      limiterLossDb: result.limiterLossDb,
    });
  leadGainDb = result.leadGainDb;

  /** Integrated loudness of `bus · busGain · curve`, metered in blocks (no copy of the bus). */
  function scaledLoudness(bus: Stereo, busGain: number, curve: Float32Array | null): number {
    const meter = new LoudnessMeter({ sampleRate, channelCount: 2, truePeak: false });
    const block = 1 << 16;
    const scratch: Stereo = [new Float32Array(block), new Float32Array(block)];
    for (let at = 0; at < n; at += block) {
      const m = Math.min(block, n - at);
      for (let ch = 0; ch < 2; ch++) {
        const from = bus[ch]!,
          to = scratch[ch]!;
        if (curve) for (let i = 0; i < m; i++) to[i] = from[at + i]! * busGain * curve[at + i]!;
        else for (let i = 0; i < m; i++) to[i] = from[at + i]! * busGain;
      }
      meter.push(m === block ? scratch : [scratch[0].subarray(0, m), scratch[1].subarray(0, m)]);
    }
    return meter.result().integratedLufs;
  }

  /**
   * One pass of the master at a lead gain. `correctLead`: after the first limiting, measure
   * the lead as mastered and set it again (the compressor and the limiter take most from the
   * loudest moments, often the singer's), so that a second pass is rarely needed.
   * `limiterLossDb`: how much loudness the limiter took on an earlier pass, to start the
   * normalisation near its answer.
   */
  function master(gDb: number, start: { correctLead: boolean; limiterLossDb: number }) {
    const l = lead.channels,
      r = rest.channels;
    let g = 10 ** (gDb / 20);
    const mix: Stereo = [new Float32Array(n), new Float32Array(n)];
    let gains: Float32Array | null = null;
    let compDb = 0;
    const c = profile.masterCompressor;
    /** The balanced sum, through the project's master chain and the compressor. */
    const build = () => {
      for (let ch = 0; ch < 2; ch++) {
        const m = mix[ch]!,
          lc = l[ch]!,
          rc = r[ch]!;
        for (let i = 0; i < n; i++) m[i] = g * lc[i]! + rc[i]!;
      }
      if (masterExtras) {
        let m: PlanarAudio = { sampleRate, channels: mix };
        if (project.master?.chain?.length) m = runChain(m, project.master.chain).audio;
        m = semantic(project.master?.descriptors, m, 'master');
        mix[0] = m.channels[0]!;
        mix[1] = m.channels[1] ?? m.channels[0]!;
      }
      if (!c) return;
      // The compressor's gain curve is found once and kept while the lead moves by less than
      // 1 dB (its correction, usually a fraction of a dB, would barely move the detector).
      if (compressorAt !== undefined && Math.abs(gDb - compressorAt) > 1)
        compressorGains = undefined;
      if (compressorGains === undefined) compressorAt = gDb;
      compressorGains ??= (() => {
        const lufs = loudness(mix, sampleRate);
        return Number.isFinite(lufs)
          ? new Compressor(
              {
                thresholdDb: lufs + c.offsetDb,
                ratio: c.ratio,
                detector: 'rms',
                attackSeconds: c.attackSeconds ?? 0.02,
                releaseSeconds: c.releaseSeconds ?? 0.25,
              },
              sampleRate,
            ).gainCurve(mix)
          : null;
      })();
      gains = compressorGains;
      if (!gains) return;
      let min = 1;
      for (let i = 0; i < n; i++) if (gains[i]! < min) min = gains[i]!;
      compDb = -20 * Math.log10(min);
      for (const ch of mix) for (let i = 0; i < n; i++) ch[i] = ch[i]! * gains[i]!;
    };
    build();
    let before = loudness(mix, sampleRate);
    if (!Number.isFinite(before))
      throw new ZhiyinError('EMPTY_INPUT', 'the mix is silent (below −70 LUFS): check the stems.');
    // Normalise, limit, measure; again until within 0.1 LU. The limiter finds the mix's
    // inter-sample peaks once and only recomputes its gain curve for each normalisation gain.
    let limiter = new TruePeakLimiter(mix, sampleRate, { ceilingDbtp: ceiling });
    const out: Stereo = [new Float32Array(n), new Float32Array(n)];
    let normDb = targetLufs - before + start.limiterLossDb;
    let limited!: { gain: Float32Array; maxReductionDb: number };
    let iterations = 0;
    let correctLead = start.correctLead && canBalance && !masterExtras;
    // Secant steps: the limiter takes more as the gain rises, so loudness grows by less than
    // the gain; the slope of the last two tries predicts the next.
    let previous: { normDb: number; got: number } | undefined;
    let measured!: LoudnessResult;
    for (; ; iterations++) {
      const gn = 10 ** (normDb / 20);
      limited = limiter.gainCurve(gn);
      const lg = limited.gain;
      if (correctLead) {
        correctLead = false;
        const total = new Float32Array(n);
        for (let i = 0; i < n; i++) total[i] = lg[i]! * gn * (gains ? gains[i]! : 1);
        const drift = scaledLoudness(l, g, total) - scaledLoudness(r, 1, total) - targetLu;
        if (Number.isFinite(drift) && Math.abs(drift) > 0.2) {
          gDb -= drift;
          g = 10 ** (gDb / 20);
          const loss = normDb - (targetLufs - before);
          build();
          before = loudness(mix, sampleRate);
          limiter = new TruePeakLimiter(mix, sampleRate, { ceilingDbtp: ceiling });
          normDb = targetLufs - before + loss;
          continue;
        }
      }
      for (let ch = 0; ch < 2; ch++) {
        const o = out[ch]!,
          m = mix[ch]!;
        for (let i = 0; i < n; i++) o[i] = m[i]! * gn * lg[i]!;
      }
      measured = measureLoudness({ sampleRate, channels: out }, { truePeak: false });
      const got = measured.integratedLufs;
      if (Math.abs(got - targetLufs) <= 0.1 || iterations >= 4) break;
      // (A first guess of 0.8, typical of a mix the limiter works on, saves a try.)
      const slope = previous
        ? Math.min(1, Math.max(0.3, (got - previous.got) / (normDb - previous.normDb || 1)))
        : 0.8;
      previous = { normDb, got };
      normDb += (targetLufs - got) / slope;
    }
    // Every gain the master gave the sum, per sample, to measure (or keep) each bus as mastered.
    const gn = 10 ** (normDb / 20);
    const total = new Float32Array(n);
    for (let i = 0; i < n; i++) total[i] = limited.gain[i]! * gn * (gains ? gains[i]! : 1);
    let measuredLu: number | null = null;
    let buses: { lead: Stereo; accompaniment: Stereo } | undefined;
    if (canBalance) {
      if (options.keepBuses) {
        const through = (bus: Stereo, busGain: number) =>
          bus.map((ch) => {
            const y = new Float32Array(n);
            for (let i = 0; i < n; i++) y[i] = ch[i]! * busGain * total[i]!;
            return y;
          }) as Stereo;
        buses = { lead: through(l, g), accompaniment: through(r, 1) };
        measuredLu = loudness(buses.lead, sampleRate) - loudness(buses.accompaniment, sampleRate);
      } else measuredLu = scaledLoudness(l, g, total) - scaledLoudness(r, 1, total);
    }
    return {
      mix: out,
      leadGainDb: gDb,
      limiterLossDb: normDb - (targetLufs - before),
      comp: compDb,
      norm: normDb,
      lim: limited.maxReductionDb,
      iterations: iterations + 1,
      measured,
      measuredLu,
      ...(buses && { buses }),
    };
  }

  const out: PlanarAudio = { sampleRate, channels: result.mix };
  // The last normalisation try measured the output; its true peak is found alone (fast: the
  // meter skips stretches that cannot beat the peak so far).
  const final = { ...result.measured, truePeakDbtp: truePeakDbtp(out) };
  progress(1, 'done');
  const buses = result.buses && {
    lead: { sampleRate, channels: result.buses.lead },
    accompaniment: { sampleRate, channels: result.buses.accompaniment },
  };
  return {
    audio: out,
    ...(buses && { buses }),
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
