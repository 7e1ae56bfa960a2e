/**
 * Reverberation: an algorithmic reverb built as a feedback delay network (Jot & Chaigne 1991,
 * "Digital delay networks for designing artificial reverberators", AES 90th Convention), a
 * convolution reverb over the partitioned convolver of dsp, a synthetic room impulse
 * response, and the Schroeder decay-time measurement that both are tested against.
 *
 * The FDN has eight delay lines of mutually prime lengths fed back through an orthogonal
 * (normalised Hadamard) matrix, so the loop is lossless until each line's absorption gain
 * g = 10^(−3·m / (fs·T60)) makes every path lose 60 dB in T60 seconds whatever its length;
 * a one-pole filter in each line sets a shorter decay at high frequencies (Jot's two-band
 * absorption). The wet output is scaled so that the impulse response carries unit energy: a
 * wet level of −12 dB puts the reverberation 12 dB below the dry signal in energy.
 */
import { PartitionedConvolver } from '../dsp/index.js';
import { ZhiyinError } from '../errors/index.js';
import type { PlanarAudio } from '../audio/index.js';

export interface ReverbSettings {
  /** Time for the reverberation to decay by 60 dB at low and middle frequencies, seconds (0.1–10). */
  rt60Seconds: number;
  /** Decay time at high frequencies as a fraction of `rt60Seconds` (default 0.5; 1 = no damping). */
  highFrequencyRatio?: number;
  /** Gap before the reverberation starts, seconds (default 0.02). */
  preDelaySeconds?: number;
  /** Level of the reverberation against the dry signal, dB (default −12). */
  wetDb?: number;
  /** Level of the dry signal, dB (default 0; −Infinity for the reverberation alone). */
  dryDb?: number;
  /** Room size: scales the delay lines (default 1; 0.5–2). Larger sounds sparser and bigger. */
  size?: number;
}

/** Delay lengths at 48 kHz (primes, 29–53 ms): no two share a factor, so echoes never pile up. */
const BASE_DELAYS = [1423, 1601, 1789, 1933, 2113, 2281, 2447, 2557];
const N = BASE_DELAYS.length;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function checkReverb(s: ReverbSettings, sampleRate: number): void {
  const bad = (what: string) => new ZhiyinError('INVALID_ARGUMENT', `reverb: ${what}.`);
  if (!(s.rt60Seconds >= 0.1 && s.rt60Seconds <= 10))
    throw bad(`the decay time must be 0.1–10 s, got ${s.rt60Seconds}`);
  const ratio = s.highFrequencyRatio ?? 0.5;
  if (!(ratio >= 0.05 && ratio <= 1))
    throw bad(`the high-frequency ratio must be 0.05–1, got ${ratio}`);
  const pre = s.preDelaySeconds ?? 0.02;
  if (!(pre >= 0 && pre <= 0.5)) throw bad(`the pre-delay must be 0–0.5 s, got ${pre}`);
  const size = s.size ?? 1;
  if (!(size >= 0.5 && size <= 2)) throw bad(`the size must be 0.5–2, got ${size}`);
  if (!(sampleRate >= 8000 && sampleRate <= 384_000))
    throw bad(`the sample rate must be 8–384 kHz, got ${sampleRate}`);
}

/**
 * A streaming stereo FDN reverb: any number of input channels (summed to mono for the network,
 * as most plate and hall reverbs do), two output channels. State carries across blocks.
 */
export class FdnReverb {
  readonly sampleRate: number;
  private readonly lines: Float32Array[];
  private readonly lengths: Int32Array;
  private readonly positions: Int32Array;
  private readonly gains: Float64Array;
  private readonly poles: Float64Array;
  private readonly filterState: Float64Array;
  private readonly pre: Float32Array;
  private prePos = 0;
  private readonly wet: number;
  private readonly dry: number;

  constructor(settings: ReverbSettings, sampleRate: number) {
    checkReverb(settings, sampleRate);
    this.sampleRate = sampleRate;
    const scale = (sampleRate / 48_000) * (settings.size ?? 1);
    this.lengths = Int32Array.from(BASE_DELAYS, (d) => {
      let m = Math.max(17, Math.round(d * scale));
      while (!isPrime(m)) m++;
      return m;
    });
    this.lines = Array.from(this.lengths, (m) => new Float32Array(m));
    this.positions = new Int32Array(N);
    const t60 = settings.rt60Seconds;
    const t60High = t60 * (settings.highFrequencyRatio ?? 0.5);
    this.gains = new Float64Array(N);
    this.poles = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const m = this.lengths[i]!;
      const g0 = 10 ** ((-3 * m) / (sampleRate * t60));
      const gN = 10 ** ((-3 * m) / (sampleRate * t60High));
      // One-pole g·(1 − b)/(1 − b·z⁻¹): gain g0 at DC and gN at Nyquist.
      this.gains[i] = g0;
      this.poles[i] = (g0 - gN) / (g0 + gN);
    }
    this.filterState = new Float64Array(N);
    this.pre = new Float32Array(
      Math.max(1, Math.round((settings.preDelaySeconds ?? 0.02) * sampleRate)),
    );
    this.dry = settings.dryDb === -Infinity ? 0 : 10 ** ((settings.dryDb ?? 0) / 20);
    // Unit energy for the impulse response: measure the network's own response once.
    this.wet = 1;
    const probe = new Float32Array(
      Math.round(Math.min(10, t60 * 1.2) * sampleRate) + this.pre.length,
    );
    probe[0] = 1;
    const [l, r] = this.wetOnly(probe);
    let energy = 0;
    for (let i = 0; i < probe.length; i++) energy += (l![i]! ** 2 + r![i]! ** 2) / 2;
    this.reset();
    this.wet = 10 ** ((settings.wetDb ?? -12) / 20) / Math.sqrt(energy || 1);
  }

  /** Clears the network, as if it had only heard silence. */
  reset(): void {
    for (const line of this.lines) line.fill(0);
    this.positions.fill(0);
    this.filterState.fill(0);
    this.pre.fill(0);
    this.prePos = 0;
  }

  private wetOnly(mono: Float32Array): [Float32Array, Float32Array] {
    const n = mono.length;
    const left = new Float32Array(n),
      right = new Float32Array(n);
    const { lines, lengths, positions, gains, poles, filterState: z, pre } = this;
    const wet = this.wet;
    let prePos = this.prePos;
    // The eight lines, their read/write positions and filter states in locals: the loop runs
    // once per sample, and indirection through arrays of arrays was most of its cost.
    const [l0, l1, l2, l3, l4, l5, l6, l7] = lines as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const [m0, m1, m2, m3, m4, m5, m6, m7] = lengths;
    let [p0, p1, p2, p3, p4, p5, p6, p7] = positions;
    let [z0, z1, z2, z3, z4, z5, z6, z7] = z;
    // One-pole absorption per line: z ← g·(1 − b)·v + b·z.
    const ga = Array.from(gains, (g, i) => g * (1 - poles[i]!));
    const [g0, g1, g2, g3, g4, g5, g6, g7] = ga;
    const [b0, b1, b2, b3, b4, b5, b6, b7] = poles;
    const k = 0.3535533905932738; // 1/√8
    const clean = (v: number) => (v < 1e-30 && v > -1e-30 ? 0 : v); // no denormals in long tails
    for (let t = 0; t < n; t++) {
      const input = pre[prePos]!;
      pre[prePos] = mono[t]!;
      if (++prePos === pre.length) prePos = 0;
      // Each line's output through its absorption filter.
      const a0 = (z0 = g0! * l0[p0!]! + b0! * z0!),
        a1 = (z1 = g1! * l1[p1!]! + b1! * z1!),
        a2 = (z2 = g2! * l2[p2!]! + b2! * z2!),
        a3 = (z3 = g3! * l3[p3!]! + b3! * z3!),
        a4 = (z4 = g4! * l4[p4!]! + b4! * z4!),
        a5 = (z5 = g5! * l5[p5!]! + b5! * z5!),
        a6 = (z6 = g6! * l6[p6!]! + b6! * z6!),
        a7 = (z7 = g7! * l7[p7!]! + b7! * z7!);
      // Stereo taps: two orthogonal sign patterns over the eight lines.
      left[t] = wet * (a0 - a1 + a2 - a3 + a4 - a5 + a6 - a7);
      right[t] = wet * (a0 + a1 - a2 - a3 + a4 + a5 - a6 - a7);
      // Normalised 8×8 Hadamard feedback by the fast Walsh–Hadamard butterfly.
      const c0 = a0 + a1 + (a2 + a3),
        c1 = a0 - a1 + (a2 - a3),
        c2 = a0 + a1 - (a2 + a3),
        c3 = a0 - a1 - (a2 - a3),
        c4 = a4 + a5 + (a6 + a7),
        c5 = a4 - a5 + (a6 - a7),
        c6 = a4 + a5 - (a6 + a7),
        c7 = a4 - a5 - (a6 - a7);
      l0[p0!] = clean((c0 + c4) * k + input);
      l1[p1!] = clean((c1 + c5) * k + input);
      l2[p2!] = clean((c2 + c6) * k + input);
      l3[p3!] = clean((c3 + c7) * k + input);
      l4[p4!] = clean((c0 - c4) * k + input);
      l5[p5!] = clean((c1 - c5) * k + input);
      l6[p6!] = clean((c2 - c6) * k + input);
      l7[p7!] = clean((c3 - c7) * k + input);
      if (++p0! === m0) p0 = 0;
      if (++p1! === m1) p1 = 0;
      if (++p2! === m2) p2 = 0;
      if (++p3! === m3) p3 = 0;
      if (++p4! === m4) p4 = 0;
      if (++p5! === m5) p5 = 0;
      if (++p6! === m6) p6 = 0;
      if (++p7! === m7) p7 = 0;
    }
    positions.set([p0!, p1!, p2!, p3!, p4!, p5!, p6!, p7!]);
    z.set([z0!, z1!, z2!, z3!, z4!, z5!, z6!, z7!]);
    this.prePos = prePos;
    return [left, right];
  }

  /**
   * Processes a block: returns two channels, the dry input (mono input on both sides) plus
   * the reverberation.
   */
  process(channels: Float32Array[]): [Float32Array, Float32Array] {
    const n = channels[0]?.length ?? 0;
    const mono = new Float32Array(n);
    const share = 1 / Math.max(1, channels.length);
    for (const c of channels) for (let i = 0; i < n; i++) mono[i]! += c[i]! * share;
    const [l, r] = this.wetOnly(mono);
    const dl = channels[0] ?? mono,
      dr = channels[1] ?? dl;
    if (this.dry)
      for (let i = 0; i < n; i++) {
        l[i]! += this.dry * dl[i]!;
        r[i]! += this.dry * dr[i]!;
      }
    return [l, r];
  }
}

/**
 * A copy of `audio` through the FDN reverb, with its tail (`tailSeconds`, default the decay
 * time) appended.
 * @example const hall = reverberate(vocal, { rt60Seconds: 1.8, wetDb: -10 });
 */
export function reverberate(
  audio: PlanarAudio,
  settings: ReverbSettings,
  tailSeconds = settings.rt60Seconds,
): PlanarAudio {
  const r = new FdnReverb(settings, audio.sampleRate);
  const n = audio.channels[0]?.length ?? 0;
  const tail = Math.round(tailSeconds * audio.sampleRate);
  const padded = audio.channels.map((c) => {
    const x = new Float32Array(n + tail);
    x.set(c);
    return x;
  });
  return { sampleRate: audio.sampleRate, channels: r.process(padded) };
}

/**
 * A synthetic room impulse response: decorrelated noise per channel under an exponential
 * envelope that falls 60 dB in `rt60Seconds` (the statistical model of late reverberation,
 * Polack 1988), with a direct sound of 1 at t = 0 when `direct` is true. Seeded.
 * @example const ir = syntheticRoomImpulse({ rt60Seconds: 0.6, sampleRate: 48000 });
 */
export function syntheticRoomImpulse(options: {
  rt60Seconds: number;
  sampleRate: number;
  channels?: number;
  seed?: number;
  /** Energy of the reverberant part against the direct sound, dB (default −6). */
  reverberantDb?: number;
  direct?: boolean;
}): Float32Array[] {
  const { rt60Seconds, sampleRate } = options;
  if (!(rt60Seconds >= 0.05 && rt60Seconds <= 10))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `room: the decay time must be 0.05–10 s, got ${rt60Seconds}.`,
    );
  const length = Math.round(rt60Seconds * 1.1 * sampleRate);
  let a = (options.seed ?? 1) >>> 0;
  const rand = () => {
    // mulberry32, then a sum of two uniforms (triangular): cheap, and decorrelated per seed.
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const decay = (-3 * Math.LN10) / (rt60Seconds * sampleRate); // amplitude: 60 dB in T60
  const level = 10 ** ((options.reverberantDb ?? -6) / 20);
  return Array.from({ length: options.channels ?? 2 }, () => {
    const ir = new Float32Array(length);
    let energy = 0;
    for (let i = 1; i < length; i++) {
      ir[i] = (rand() + rand() - 1) * Math.exp(decay * i);
      energy += ir[i]! ** 2;
    }
    const g = level / Math.sqrt(energy || 1);
    for (let i = 1; i < length; i++) ir[i]! *= g;
    if (options.direct ?? true) ir[0] = 1;
    return ir;
  });
}

/**
 * A copy of `audio` convolved with an impulse response (exact linear convolution, output
 * length input + IR − 1), mixed at the given wet and dry levels.
 * @example const roomy = convolveReverb(vocal, syntheticRoomImpulse({ rt60Seconds: 0.8, sampleRate: 48000 }), { wetDb: -6, dryDb: 0 });
 */
export function convolveReverb(
  audio: PlanarAudio,
  impulse: Float32Array[],
  options: { wetDb?: number; dryDb?: number } = {},
): PlanarAudio {
  const wet = 10 ** ((options.wetDb ?? 0) / 20);
  const dry =
    options.dryDb === undefined || options.dryDb === -Infinity ? 0 : 10 ** (options.dryDb / 20);
  const n = audio.channels[0]?.length ?? 0;
  const mono = new Float32Array(n);
  for (const c of audio.channels)
    for (let i = 0; i < n; i++) mono[i]! += c[i]! / audio.channels.length;
  const outs = [0, 1].map((c) => {
    const conv = new PartitionedConvolver(impulse[c] ?? impulse[0]!);
    const head = conv.process(mono),
      tail = conv.flush();
    const y = new Float32Array(head.length + tail.length);
    y.set(head);
    y.set(tail, head.length);
    const d = audio.channels[c] ?? audio.channels[0]!;
    for (let i = 0; i < y.length; i++) y[i] = wet * y[i]! + (i < n ? dry * d[i]! : 0);
    return y;
  });
  return { sampleRate: audio.sampleRate, channels: outs };
}

/**
 * Reverberation time of an impulse response by Schroeder backward integration (ISO 3382-1):
 * the energy decay curve is fitted by least squares between −5 and −35 dB (T30) and
 * extrapolated to 60 dB. Returns NaN when the response does not decay 35 dB.
 * @example decayTimeSeconds(ir, 48000) // ≈ the T60 the room was built with
 */
export function decayTimeSeconds(
  impulse: Float32Array,
  sampleRate: number,
  range: [number, number] = [-5, -35],
): number {
  const n = impulse.length;
  const edc = new Float64Array(n);
  let acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    acc += impulse[i]! * impulse[i]!;
    edc[i] = acc;
  }
  if (!(acc > 0)) return NaN;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0,
    count = 0;
  for (let i = 0; i < n; i++) {
    const db = 10 * Math.log10(edc[i]! / acc);
    if (db > range[0]) continue;
    if (db < range[1]) break;
    const t = i / sampleRate;
    sx += t;
    sy += db;
    sxx += t * t;
    sxy += t * db;
    count++;
  }
  if (count < 10) return NaN;
  const slope = (count * sxy - sx * sy) / (count * sxx - sx * sx); // dB per second
  return slope < 0 ? -60 / slope : NaN;
}
