/**
 * A transient shaper: turns the attacks of notes and hits up or down without touching their
 * sustain, after the differential-envelope principle of SPL's Transient Designer (two envelope
 * followers, the slow one smoothing the fast one's rises: where the fast one runs ahead of the
 * slow one a note is starting). The gain in dB is `attackDb` times how far the fast envelope
 * leads beyond 1 dB, counted in units of 6 dB (at most one unit), so a sustained tone is left
 * exactly as it was. Channels are linked, so the stereo image stays put.
 */
import { ZhiyinError } from '../errors/index.js';
import type { PlanarAudio } from '../audio/index.js';

export interface TransientSettings {
  /** Gain at a sharp attack, dB (−12 to 12; positive: punchier, negative: softer). */
  attackDb: number;
  /** Attack time of the slow envelope, seconds (default 0.02): the length of a boosted attack. */
  attackWindowSeconds?: number;
}

/**
 * A copy of `audio` with its attacks shaped.
 * @example const punchier = shapeTransients(drums, { attackDb: 4 });
 */
export function shapeTransients(audio: PlanarAudio, settings: TransientSettings): PlanarAudio {
  const { attackDb } = settings;
  const window = settings.attackWindowSeconds ?? 0.02;
  if (!(attackDb >= -12 && attackDb <= 12))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `transient shaper: attack must be −12 to 12 dB, got ${attackDb}.`,
    );
  if (!(window >= 0.002 && window <= 0.2))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `transient shaper: the attack window must be 0.002–0.2 s, got ${window}.`,
    );
  const { sampleRate, channels } = audio;
  const n = channels[0]?.length ?? 0;
  const coef = (s: number) => Math.exp(-1 / (s * sampleRate));
  const fastA = coef(0.0005),
    slowA = coef(window),
    rel = coef(0.08);
  const out = channels.map((c) => c.slice());
  let fast = 0,
    slow = 0;
  for (let i = 0; i < n; i++) {
    let peak = 0;
    for (const c of channels) peak = Math.max(peak, Math.abs(c[i]!));
    fast = peak > fast ? fastA * fast + (1 - fastA) * peak : rel * fast + (1 - rel) * peak;
    // The slow envelope follows the fast one (not the ripply rectified signal) with a slow
    // attack and at once when it falls, so only a rise counts as a lead.
    slow = fast > slow ? slowA * slow + (1 - slowA) * fast : fast;
    if (!(fast > 1e-9 && slow > 0)) continue;
    const leadDb = 20 * Math.log10(fast / Math.max(slow, fast * 1e-3));
    // A lead below 1 dB is the ripple of a steady tone, not an attack.
    const g = 10 ** ((attackDb * Math.min(1, Math.max(0, leadDb - 1) / 6)) / 20);
    for (const c of out) c[i] = c[i]! * g;
  }
  return { sampleRate, channels: out };
}
