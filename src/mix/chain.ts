/**
 * A processing chain: the effect units as JSON steps, so a mix project can say what each
 * object goes through ("eq", then "compressor", then "reverb" …). Each step runs on a copy;
 * the output keeps the input's length (reverb and delay tails are cut at the end, as a DAW
 * cuts at the end of the song). `runChain` reports what each step measured.
 */
import { ZhiyinError } from '../errors/index.js';
import { applyGain, type PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { Compressor, type CompressorSettings } from './compressor.js';
import { DeEsser, type DeEsserSettings } from './deesser.js';
import { reduceNoise, type NoiseReducerSettings } from './denoise.js';
import { dereverberate, type DereverbSettings } from './dereverb.js';
import { equalize, type EqBand } from './eq.js';
import { Expander, type ExpanderSettings } from './gate.js';
import { limitTruePeak, type LimiterSettings } from './limiter.js';
import { reverberate, type ReverbSettings } from './reverb.js';
import { applyDelay, stereoWidth, type DelaySettings } from './space.js';
import { shapeTransients } from './transient.js';
import { gateByVoice, type VoiceGateSettings } from './voicegate.js';

export type ChainStep =
  | { type: 'gain'; db: number }
  /** Automatic gain: brings the integrated loudness to `targetLufs`. */
  | { type: 'loudness'; targetLufs: number }
  | { type: 'eq'; bands: EqBand[] }
  | ({ type: 'compressor' } & CompressorSettings)
  | ({ type: 'gate' } & ExpanderSettings)
  | ({ type: 'deesser' } & DeEsserSettings)
  | ({ type: 'denoise' } & NoiseReducerSettings)
  | ({ type: 'voicegate' } & VoiceGateSettings)
  | ({ type: 'dereverb' } & DereverbSettings)
  | { type: 'transient'; attackDb: number }
  | ({ type: 'reverb' } & ReverbSettings)
  | ({ type: 'delay' } & DelaySettings)
  | { type: 'width'; factor: number }
  | ({ type: 'limiter' } & LimiterSettings);

export const CHAIN_STEP_TYPES = [
  'gain',
  'loudness',
  'eq',
  'compressor',
  'gate',
  'deesser',
  'denoise',
  'voicegate',
  'dereverb',
  'transient',
  'reverb',
  'delay',
  'width',
  'limiter',
] as const;

/** What one step did, for reports. */
export interface StepReport {
  type: ChainStep['type'];
  [measure: string]: number | string;
}

function copy(audio: PlanarAudio): Float32Array[] {
  return audio.channels.map((c) => c.slice());
}

/**
 * Gain that brings `audio` to `targetLufs` (0 for silence), applied to a copy.
 * @example const { audio: level, gainDb } = gainToLoudness(stem, -23);
 */
export function gainToLoudness(
  audio: PlanarAudio,
  targetLufs: number,
): { audio: PlanarAudio; gainDb: number; measuredLufs: number } {
  if (!(targetLufs >= -70 && targetLufs <= 0))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `loudness target must be −70 to 0 LUFS, got ${targetLufs}.`,
    );
  const measured = measureLoudness(audio, { truePeak: false }).integratedLufs;
  if (!Number.isFinite(measured)) return { audio, gainDb: 0, measuredLufs: measured };
  const gainDb = targetLufs - measured;
  return {
    audio: applyGain(audio, gainDb),
    gainDb,
    measuredLufs: measured,
  };
}

/** Runs one step; returns the new audio and what it measured. */
export function runStep(
  audio: PlanarAudio,
  step: ChainStep,
): { audio: PlanarAudio; report: StepReport } {
  const { sampleRate } = audio;
  const n = audio.channels[0]?.length ?? 0;
  const done = (channels: Float32Array[], extra: Record<string, number | string> = {}) => ({
    audio: { sampleRate, channels },
    report: { type: step.type, ...extra },
  });
  switch (step.type) {
    case 'gain': {
      if (!(Math.abs(step.db) <= 60))
        throw new ZhiyinError('INVALID_ARGUMENT', `gain must be −60 to 60 dB, got ${step.db}.`);
      return done(applyGain(audio, step.db).channels);
    }
    case 'loudness': {
      const r = gainToLoudness(audio, step.targetLufs);
      return done(r.audio.channels, { gainDb: r.gainDb, measuredLufs: r.measuredLufs });
    }
    case 'eq':
      return done(equalize(audio, step.bands).channels);
    case 'compressor': {
      const { type: _t, ...s } = step;
      const c = new Compressor(s, sampleRate);
      const channels = copy(audio);
      const gains = c.gainCurve(channels);
      let min = 1;
      for (const ch of channels) for (let i = 0; i < n; i++) ch[i] = ch[i]! * gains[i]!;
      for (const g of gains) if (g < min) min = g;
      return done(channels, { maxReductionDb: -20 * Math.log10(min) + (s.makeupDb ?? 0) });
    }
    case 'gate': {
      const { type: _t, ...s } = step;
      return done(new Expander(s, sampleRate).process(copy(audio)));
    }
    case 'deesser': {
      const { type: _t, ...s } = step;
      const d = new DeEsser(s, sampleRate, audio.channels.length);
      const channels = d.process(copy(audio));
      return done(channels, { maxReductionDb: d.maxReductionDb });
    }
    case 'denoise': {
      const { type: _t, ...s } = step;
      const r = reduceNoise(audio, s);
      return done(r.audio.channels, { quietFramesReductionDb: r.report.quietFramesReductionDb });
    }
    case 'voicegate': {
      const { type: _t, ...s } = step;
      const r = gateByVoice(audio, s);
      return done(r.audio.channels, { openShare: r.report.openShare });
    }
    case 'dereverb': {
      const { type: _t, ...s } = step;
      return done(dereverberate(audio, s).channels);
    }
    case 'transient':
      return done(shapeTransients(audio, { attackDb: step.attackDb }).channels);
    case 'reverb': {
      const { type: _t, ...s } = step;
      return done(reverberate(audio, s, 0).channels.map((c) => c.subarray(0, n).slice()));
    }
    case 'delay': {
      const { type: _t, ...s } = step;
      return done(audio.channels.map((c) => applyDelay(c, sampleRate, s).subarray(0, n).slice()));
    }
    case 'width': {
      if (audio.channels.length !== 2) return done(copy(audio));
      return done(stereoWidth(audio.channels[0]!, audio.channels[1]!, step.factor));
    }
    case 'limiter': {
      const { type: _t, ...s } = step;
      const r = limitTruePeak(audio, s);
      return done(r.audio.channels, { maxReductionDb: r.report.maxReductionDb });
    }
    default:
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `unknown processing step "${(step as { type: unknown }).type}" (known: ${CHAIN_STEP_TYPES.join(', ')}).`,
      );
  }
}

/** Runs a chain in order. */
export function runChain(
  audio: PlanarAudio,
  steps: ChainStep[],
): { audio: PlanarAudio; reports: StepReport[] } {
  const reports: StepReport[] = [];
  let y = audio;
  for (const step of steps) {
    const r = runStep(y, step);
    y = r.audio;
    reports.push(r.report);
  }
  return { audio: y, reports };
}
