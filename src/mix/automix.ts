/**
 * One-click vocal mix: a vocal take (a phone recording, say) over a backing track.
 *
 * 1. Offset: found from the backing's bleed in the take (offset.ts), with a confidence; under
 *    no bleed (headphones) or too short a take there is none, and the take is used as recorded.
 * 2. Cleaning: where the backing was heard, its bleed is estimated and subtracted (bleed.ts);
 *    then the take is brought to a working loudness, high-passed, pauses away from voiced sound
 *    gated, its noise reduced by spectral gating with its own noise profile; optionally late
 *    reverberation suppressed.
 * 3. Tone and dynamics: sibilance tamed by a de-esser, a standard starting vocal EQ (mud cut near 300 Hz, presence near
 *    3.5 kHz, as in mixing texts) and an RMS compressor, then the user's words (`warmer`).
 * 4. Space: an FDN reverb whose decay time and level follow the backing's spaciousness
 *    (1 − inter-channel coherence): a dry backing gets a short, quiet room, a wet one a longer,
 *    louder hall. The mapping is a Zhiyin heuristic, stated in the report.
 * 5. Balance and master: the processed vocal and the backing become a two-object mix rendered
 *    for the listener profile (render.ts): lead-vocal level in LU, loudness target, true peak.
 *
 * Every decision and measured value goes into the report. Portable: no Node built-ins.
 */
import { ZhiyinError } from '../errors/index.js';
import { resampleAudio, type PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { runChain, type ChainStep, type StepReport } from './chain.js';
import { cancelBleed, type BleedReport } from './bleed.js';
import { spaciousness as spaciousnessOf } from './features.js';
import { estimateOffset, type OffsetEstimate, type OffsetOptions } from './offset.js';
import type { ListenerProfile, MixOverrides } from './profiles.js';
import type { MixProject } from './project.js';
import { renderMix, type MixReport } from './render.js';
import { reverberate } from './reverb.js';
import { applySemantic, parseSemantic, type Lexicon } from './semantic.js';

export interface AutomixOptions {
  profile: ListenerProfile;
  overrides?: MixOverrides;
  /** Needed for `vocalDescriptors`. */
  lexicon?: Lexicon;
  /** Words for the vocal after the standard processing ("warmer", "更清晰"). */
  vocalDescriptors?: string[];
  /** Suppress the take's own room (default false). */
  dereverb?: boolean;
  /** Use this offset instead of estimating it, seconds (take late: positive). */
  offsetSeconds?: number;
  /** Below this confidence the estimated offset is not applied (default 0.3). */
  minConfidence?: number;
  offsetSearch?: OffsetOptions;
  maxSeconds?: number;
  onProgress?: (fraction: number, stage: string) => void;
  /** Also return the cleaned vocal (aligned, mono, before tone and space) and the mastered buses. */
  keepIntermediate?: boolean;
}

export interface AutomixReport {
  profile: string;
  take: {
    sampleRate: number;
    channels: number;
    seconds: number;
    integratedLufs: number;
    truePeakDbtp: number;
    /** Share of samples at or near full scale in runs of three or more. */
    clippedShare: number;
  };
  backing: {
    sampleRate: number;
    channels: number;
    seconds: number;
    integratedLufs: number;
    spaciousness: number;
  };
  offset: OffsetEstimate & { applied: boolean; appliedSeconds: number; source: string };
  vocal: {
    /** Bleed cancellation, when the backing was heard in the take. */
    bleed: BleedReport | null;
    /** The cleaning, tone and dynamics steps, with what each measured. */
    steps: StepReport[];
    descriptors: string[];
    reverb: { rt60Seconds: number; wetDb: number; basis: string };
  };
  mix: MixReport;
  warnings: string[];
}

export interface AutomixResult {
  audio: PlanarAudio;
  report: AutomixReport;
  cleanedVocal?: PlanarAudio;
  buses?: { lead: PlanarAudio; accompaniment: PlanarAudio };
}

/** Working loudness of the take before its level-dependent steps (de-esser, compressor). */
const WORKING_LUFS = -20;

/**
 * The cleaning chain for a take: to the working loudness, high-passed, pauses gated by voice
 * activity (before the noise reducer: its residue in the pauses can look periodic to the
 * gate), noise reduced, optionally de-reverberated.
 */
export function cleaningChain(dereverb = false): ChainStep[] {
  return [
    { type: 'loudness', targetLufs: WORKING_LUFS },
    { type: 'eq', bands: [{ type: 'highpass', frequencyHz: 80, slopeDbPerOctave: 24 }] },
    // YIN's threshold raised from 0.15 so that voice in loud noise still opens the gate; hold
    // and threshold chosen on the automix evaluation (BENCHMARKS.md gives held-out figures too).
    { type: 'voicegate', rangeDb: 18, holdSeconds: 0.15, threshold: 0.2 },
    { type: 'denoise', reductionDb: 24 },
    ...(dereverb ? [{ type: 'dereverb' } as ChainStep] : []),
  ];
}

export interface CleanedTake {
  audio: PlanarAudio;
  /** What bleed cancellation did (null when it was not tried: no bleed was heard). */
  bleed: BleedReport | null;
  steps: StepReport[];
}

/**
 * Cleans an aligned mono take: the backing's bleed cancelled (when `backing` is given: the take
 * sample i was recorded while backing sample i + `backingStart` played), then the cleaning
 * chain.
 * @example const { audio } = cleanTake(alignedTake, backing, 0);
 */
export function cleanTake(
  take: PlanarAudio,
  backing: PlanarAudio | null,
  backingStart = 0,
  dereverb = false,
): CleanedTake {
  let audio = take;
  let bleed: BleedReport | null = null;
  if (backing) {
    const n = backing.channels[0]?.length ?? 0;
    const mono = new Float32Array(n);
    for (const c of backing.channels)
      for (let i = 0; i < n; i++) mono[i]! += c[i]! / backing.channels.length;
    const r = cancelBleed(take.channels[0]!, mono, take.sampleRate, backingStart);
    audio = { sampleRate: take.sampleRate, channels: [r.audio] };
    bleed = r.report;
  }
  const cleaned = runChain(audio, cleaningChain(dereverb));
  return { audio: cleaned.audio, bleed, steps: cleaned.reports };
}

/** Tone and dynamics after cleaning: sibilance tamed, a starting vocal EQ, an RMS compressor. */
export const TONE_CHAIN: ChainStep[] = [
  { type: 'deesser', frequencyHz: 5500, thresholdDb: -34, ratio: 4, rangeDb: 10 },
  {
    type: 'eq',
    bands: [
      { type: 'peak', frequencyHz: 300, gainDb: -2, q: 1 },
      { type: 'peak', frequencyHz: 3500, gainDb: 2, q: 0.9 },
    ],
  },
  {
    type: 'compressor',
    thresholdDb: WORKING_LUFS - 6,
    ratio: 3,
    kneeDb: 6,
    attackSeconds: 0.005,
    releaseSeconds: 0.12,
    detector: 'rms',
  },
];

/** Reverb for the vocal from the backing's spaciousness (0 dry … 1 diffuse). */
export function matchedReverb(spaciousness: number): { rt60Seconds: number; wetDb: number } {
  const s = Math.min(1, Math.max(0, spaciousness));
  return { rt60Seconds: 0.8 + 1.6 * s, wetDb: -22 + 10 * s };
}

function clippedShare(audio: PlanarAudio): number {
  let clipped = 0,
    total = 0;
  for (const c of audio.channels) {
    let run = 0;
    for (let i = 0; i < c.length; i++) {
      if (Math.abs(c[i]!) >= 0.999) run++;
      else {
        if (run >= 3) clipped += run;
        run = 0;
      }
    }
    if (run >= 3) clipped += run;
    total += c.length;
  }
  return total ? clipped / total : 0;
}

/**
 * Mixes a vocal take over a backing track for a listener profile.
 * @example const { audio, report } = await automix(take, backing, { profile });
 */
export async function automix(
  take: PlanarAudio,
  backing: PlanarAudio,
  options: AutomixOptions,
): Promise<AutomixResult> {
  const progress = options.onProgress ?? (() => undefined);
  const warnings: string[] = [];
  const frames = (a: PlanarAudio) => a.channels[0]?.length ?? 0;
  const seconds = (a: PlanarAudio) => frames(a) / a.sampleRate;
  if (frames(take) === 0 || take.channels.length === 0)
    throw new ZhiyinError('EMPTY_INPUT', 'the vocal take holds no audio: record it again.');
  if (frames(backing) === 0 || backing.channels.length === 0)
    throw new ZhiyinError('EMPTY_INPUT', 'the backing track holds no audio.');
  const maxSeconds = options.maxSeconds ?? 1200;
  for (const [what, a] of [
    ['vocal take', take],
    ['backing track', backing],
  ] as const)
    if (seconds(a) > maxSeconds)
      throw new ZhiyinError(
        'LIMIT_EXCEEDED',
        `the ${what} is ${(seconds(a) / 60).toFixed(1)} min long; automix takes at most ${maxSeconds < 600 ? `${maxSeconds.toFixed(0)} s` : `${(maxSeconds / 60).toFixed(0)} min`}.`,
      );

  progress(0.02, 'measuring');
  const takeLoudness = measureLoudness(take);
  if (!Number.isFinite(takeLoudness.integratedLufs))
    throw new ZhiyinError(
      'EMPTY_INPUT',
      'the vocal take is silent (below −70 LUFS): check the microphone and record again.',
    );
  const backingLufs = measureLoudness(backing, { truePeak: false }).integratedLufs;
  if (!Number.isFinite(backingLufs))
    throw new ZhiyinError('EMPTY_INPUT', 'the backing track is silent (below −70 LUFS).');
  const clipped = clippedShare(take);
  if (clipped > 0.0005)
    warnings.push(
      `${(clipped * 100).toFixed(2)} % of the take is clipped (flat at full scale); Zhiyin does not restore clipped peaks: record it again a little quieter.`,
    );
  if (takeLoudness.integratedLufs < -45)
    warnings.push(
      `the take is very quiet (${takeLoudness.integratedLufs.toFixed(1)} LUFS): it was raised, and its noise with it.`,
    );
  if (seconds(take) > seconds(backing) + 0.5)
    warnings.push(
      `the take is ${(seconds(take) - seconds(backing)).toFixed(1)} s longer than the backing; the mix keeps all of it.`,
    );
  if (take.sampleRate !== backing.sampleRate)
    warnings.push(
      `the take (${take.sampleRate} Hz) was resampled to the backing's ${backing.sampleRate} Hz.`,
    );

  // 1. Mono take at the backing's rate.
  const sr = backing.sampleRate;
  let mono: PlanarAudio = {
    sampleRate: take.sampleRate,
    channels: [
      take.channels.length === 1
        ? take.channels[0]!
        : (() => {
            const m = new Float32Array(frames(take));
            for (const c of take.channels)
              for (let i = 0; i < m.length; i++) m[i]! += c[i]! / take.channels.length;
            return m;
          })(),
    ],
  };
  if (mono.sampleRate !== sr) mono = resampleAudio(mono, sr);

  // 2. Offset, and the take aligned by it.
  progress(0.05, 'finding the offset');
  const estimate = estimateOffset(mono, backing, options.offsetSearch);
  const minConfidence = options.minConfidence ?? 0.3;
  let appliedSeconds = 0,
    source: string;
  if (options.offsetSeconds !== undefined) {
    appliedSeconds = options.offsetSeconds;
    source = 'given';
  } else if (estimate.confidence >= minConfidence) {
    appliedSeconds = estimate.seconds;
    source = 'estimated from the backing heard in the take';
  } else {
    source = estimate.tooShort
      ? 'none: the take is too short to find an offset in; give --offset-ms if it is late'
      : 'none: no backing heard in the take (headphones?); give --offset-ms if it is late';
    warnings.push(
      `no reliable offset found (confidence ${estimate.confidence.toFixed(2)}): the take is used as recorded.`,
    );
  }
  const shift = Math.round(appliedSeconds * sr);
  if (shift >= frames(mono))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `an offset of ${(appliedSeconds * 1000).toFixed(0)} ms is longer than the take (${(frames(mono) / sr).toFixed(2)} s): nothing of the vocal would be left.`,
    );
  const startAt = shift < 0 ? -shift / sr : 0;
  if (shift > 0) mono = { sampleRate: sr, channels: [mono.channels[0]!.slice(shift)] };

  // 3. Clean, tone, words.
  progress(0.15, 'cleaning the vocal');
  const bleedHeard = options.offsetSeconds !== undefined || estimate.confidence >= minConfidence;
  const cleaned = cleanTake(
    mono,
    bleedHeard ? backing : null,
    Math.round(startAt * sr),
    options.dereverb,
  );
  progress(0.45, 'vocal tone');
  const toned = runChain(cleaned.audio, TONE_CHAIN);
  let vocal = toned.audio;
  const descriptors = options.vocalDescriptors ?? [];
  if (descriptors.length) {
    if (!options.lexicon)
      throw new ZhiyinError('INVALID_ARGUMENT', 'vocal descriptors need the lexicon.');
    const lexicon = options.lexicon;
    vocal = applySemantic(
      vocal,
      descriptors.flatMap((w) => parseSemantic(w, lexicon)),
      lexicon,
    ).audio;
  }

  // 4. Space matched to the backing.
  progress(0.55, 'reverb');
  const spaciousness = spaciousnessOf(backing);
  const space = matchedReverb(spaciousness);
  const stereoVocal = reverberate(
    vocal,
    { ...space, preDelaySeconds: 0.03, highFrequencyRatio: 0.5 },
    0,
  );

  // 5. Balance and master.
  progress(0.65, 'balance and master');
  const project: MixProject = {
    format: 'zhiyin-mix',
    version: 1,
    sampleRate: sr,
    objects: [
      { id: 'vocal', file: 'vocal', role: 'lead-vocal', importance: 3, offsetSeconds: startAt },
      { id: 'backing', file: 'backing', role: 'other', importance: 2 },
    ],
  };
  const rendered = await renderMix(project, (o) => (o.id === 'vocal' ? stereoVocal : backing), {
    profile: options.profile,
    overrides: options.overrides ?? {},
    maxSeconds: maxSeconds + 5,
    keepBuses: Boolean(options.keepIntermediate),
    onProgress: (f) => progress(0.65 + 0.35 * f, 'balance and master'),
  });
  progress(1, 'done');
  return {
    audio: rendered.audio,
    ...(options.keepIntermediate && { cleanedVocal: cleaned.audio }),
    ...(rendered.buses && { buses: rendered.buses }),
    report: {
      profile: options.profile.id,
      take: {
        sampleRate: take.sampleRate,
        channels: take.channels.length,
        seconds: seconds(take),
        integratedLufs: takeLoudness.integratedLufs,
        truePeakDbtp: takeLoudness.truePeakDbtp,
        clippedShare: clipped,
      },
      backing: {
        sampleRate: backing.sampleRate,
        channels: backing.channels.length,
        seconds: seconds(backing),
        integratedLufs: backingLufs,
        spaciousness,
      },
      offset: {
        ...estimate,
        applied: appliedSeconds !== 0,
        appliedSeconds: shift / sr,
        source,
      },
      vocal: {
        bleed: cleaned.bleed,
        steps: [...cleaned.steps, ...toned.reports],
        descriptors,
        reverb: {
          ...space,
          basis:
            'zhiyin-default heuristic: decay 0.8 + 1.6·s seconds and level −22 + 10·s dB for the backing’s spaciousness s',
        },
      },
      mix: rendered.report,
      warnings: [...warnings, ...rendered.report.warnings],
    },
  };
}
