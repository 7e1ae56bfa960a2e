/**
 * The audio preview of an adapted melody: a small synthesiser with one simple voice per
 * instrument family that plays a score's notes and honours its marks.
 *
 * - plucked (pipa, guzheng, guitar): a Karplus–Strong string (noise burst into a fractional
 *   delay loop with a two-point low-pass and a pitch-dependent decay);
 * - bowed (erhu, violin): a band-limited sawtooth-like wavetable (1/k harmonics shaped by a
 *   formant-ish low-pass, only harmonics below Nyquist), 60 ms attack, band-passed bow noise;
 * - blown (dizi, flute): a sine with weak 2nd and 3rd harmonics and band-passed breath noise with
 *   a chiff, 40 ms attack;
 * - struck (yangqin, bells): seven slightly inharmonic partials, each with its own exponential
 *   decay, and a short mallet thump.
 *
 * Marks: grace notes (runs of them, as the advisor writes a guzheng glissando, as fast plucks),
 * vibrato, slides (logistic portamento, legato into the next note), tremolo (轮指 / 轮音
 * re-articulation, bowed tremolo), trills, press-bends (按音), staccato, accents, mordents and
 * turns. The plan (notes → lines of pitch steps, glides and articulations) is separate from the
 * voices, which render each line block by block with no per-sample allocation. Noise is seeded,
 * so the same input gives the same samples. Portable: no Node built-ins.
 */
import { ZhiyinError, requireInRange, requireInteger } from '../errors/index.js';
import { dbToGain, designBiquad, type BiquadCoefficients } from '../dsp/index.js';
import { soundingMidi, toNumber, type Mark, type MarkKind, type Score } from '../notation/index.js';
import type { OrchestralFamily } from '../atlas/index.js';

export type PreviewVoice = 'plucked' | 'bowed' | 'blown' | 'struck';

/** Options of {@link renderPreview}. */
export interface PreviewOptions {
  voice: PreviewVoice;
  /** Output sample rate, Hz (default 44100; 8000–384000). */
  sampleRate?: number;
  /** Quarter notes per minute (default `score.tempo`, else 90; 10–400). */
  tempo?: number;
  /** Seed of the noise (an integer; default 1): bow, breath, pluck bursts. Same seed, same samples. */
  seed?: number;
}

/** Longest preview rendered, seconds (20 minutes, tail included). */
export const MAX_PREVIEW_SECONDS = 20 * 60;
/** Silence-to-be (release tails) after the last note, seconds. */
const TAIL_SECONDS = 0.5;
const PEAK = dbToGain(-1);
const ACCENT = dbToGain(4);
/** Grace notes: at most 70 ms each, and together at most a third of their main note. */
const GRACE_SECONDS = 0.07;
/** Slides: the glide takes the last 120 ms of the note (or its last 30 %). */
const GLIDE_SECONDS = 0.12;
const GLIDE_FRACTION = 0.3;
/** Vibrato: rate, onset delay, fade-in, and depth (± cents) per voice. */
const VIBRATO_HZ = 5.8;
const VIBRATO_DELAY = 0.12;
const VIBRATO_FADE_IN = 0.25;
const VIBRATO_FADE_OUT = 0.04;
/** Press-bend settle: from 15 cents flat up to the pitch over 60 ms. */
const SETTLE_CENTS = 15;
const SETTLE_SECONDS = 0.06;
/** Trill: alternations (main + upper) per second. */
const TRILL_HZ = 8;
/** Mordents and turns: length of each quick note, seconds. */
const ORNAMENT_SECONDS = 0.06;
/** Pitch changes are smoothed by a one-pole of this time constant (no clicks, no zippering). */
const PITCH_SMOOTH_SECONDS = 0.003;
/** Samples rendered per block (the pitch curve is computed a block at a time). */
const BLOCK = 1024;

/** Per-voice constants: release after the note ends (s), attack (s) and vibrato depth (± cents). */
const VOICE: Record<PreviewVoice, { release: number; attack: number; vibratoCents: number }> = {
  plucked: { release: 0.08, attack: 0, vibratoCents: 30 },
  bowed: { release: 0.08, attack: 0.06, vibratoCents: 40 },
  blown: { release: 0.06, attack: 0.04, vibratoCents: 30 },
  struck: { release: 0.15, attack: 0, vibratoCents: 30 },
};

/**
 * The preview voice for an orchestral family (atlas `family.orchestral`): wind → blown,
 * keyboard and percussion → struck.
 * @example previewVoiceFor('wind') // 'blown'
 */
export function previewVoiceFor(family: OrchestralFamily): PreviewVoice {
  switch (family) {
    case 'bowed':
      return 'bowed';
    case 'plucked':
      return 'plucked';
    case 'wind':
      return 'blown';
    case 'struck':
    case 'keyboard':
    case 'percussion':
      return 'struck';
    default:
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `Unknown instrument family "${String(family)}": use bowed, plucked, struck, wind, percussion or keyboard.`,
      );
  }
}

/**
 * Renders a score as a mono preview in one of four simple voices, honouring its ornaments and
 * techniques. Peak-normalised to −1 dBFS, with 0.5 s of release tail after the last note.
 * @example
 * const samples = renderPreview(score, { voice: previewVoiceFor('plucked'), tempo: 72 });
 * const wav = encodeWav({ sampleRate: 44100, channels: [samples] });
 */
export function renderPreview(score: Score, options: PreviewOptions): Float32Array {
  const voice = options.voice;
  if (!(voice in VOICE))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `Unknown preview voice "${String(voice)}": use plucked, bowed, blown or struck.`,
    );
  const sampleRate = options.sampleRate ?? 44_100;
  requireInteger('sampleRate', sampleRate, 8000, 384_000);
  const tempo = options.tempo ?? score.tempo ?? 90;
  requireInRange('tempo', tempo, 10, 400);
  const seed = options.seed ?? 1;
  requireInRange('seed', seed, -(2 ** 53), 2 ** 53);

  const { notes, seconds } = planNotes(score, 60 / tempo);
  const total = seconds + TAIL_SECONDS;
  if (total > MAX_PREVIEW_SECONDS)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `The preview would last ${(total / 60).toFixed(1)} minutes; previews stop at ${MAX_PREVIEW_SECONDS / 60}: render a shorter excerpt or at a faster tempo.`,
    );
  const out = new Float32Array(Math.ceil(total * sampleRate));
  const lines = planLines(notes, voice, sampleRate);
  const noise = new Noise(seed);
  const synth: Synth =
    voice === 'plucked'
      ? new PluckedSynth(sampleRate, noise)
      : voice === 'struck'
        ? new StruckSynth(sampleRate, noise)
        : new SustainedSynth(sampleRate, noise, voice);
  const pitch = new PitchCurve(sampleRate, VOICE[voice].vibratoCents);
  const inc = new Float64Array(BLOCK);
  for (const line of lines) {
    const end = Math.min(line.gate + line.release, out.length - line.start);
    if (end <= 0) continue;
    pitch.begin(line);
    synth.begin(line);
    for (let n0 = 0; n0 < end; n0 += BLOCK) {
      const count = Math.min(BLOCK, end - n0);
      const steady = pitch.fill(inc, n0, count);
      synth.render(inc, n0, count, out, line.start + n0, steady);
    }
  }
  let peak = 0;
  for (let i = 0; i < out.length; i++) peak = Math.max(peak, Math.abs(out[i]!));
  if (peak > 0) {
    const g = PEAK / peak;
    for (let i = 0; i < out.length; i++) out[i]! *= g;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The plan: notes in seconds (ties joined, grace notes gathered), then lines of samples.

/** A sounding note: ties joined, its grace notes (sounding MIDI) gathered before it. */
interface PlannedNote {
  start: number;
  end: number;
  midi: number;
  marks: Mark[];
  graces: number[];
  tieOpen: boolean;
}

/** The pitched notes of a score in seconds, and its length. */
function planNotes(
  score: Score,
  secondsPerQuarter: number,
): { notes: PlannedNote[]; seconds: number } {
  const notes: PlannedNote[] = [];
  let t = 0;
  let graces: number[] = [];
  for (const note of score.notes) {
    const midi = soundingMidi(score, note);
    if (midi !== undefined && !Number.isFinite(midi))
      throw new ZhiyinError('INVALID_ARGUMENT', 'A note has no valid pitch: check the score.');
    if (note.grace) {
      if (midi !== undefined) graces.push(midi);
      continue;
    }
    const d = toNumber(note.duration) * secondsPerQuarter;
    if (!Number.isFinite(d) || d < 0)
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `A note lasts ${note.duration.n}/${note.duration.d} quarters: durations must be zero or more.`,
      );
    if (d === 0) continue;
    if (midi === undefined) {
      graces = []; // grace notes before a rest are left out
      t += d;
      continue;
    }
    const prev = notes[notes.length - 1];
    const tied =
      prev &&
      graces.length === 0 &&
      (prev.tieOpen || note.tieStop) &&
      prev.midi === midi &&
      Math.abs(prev.end - t) < 1e-9 * Math.max(1, t);
    if (tied) {
      prev.end = t + d;
      prev.marks.push(...(note.marks ?? []));
      prev.tieOpen = !!note.tieStart;
    } else {
      notes.push({
        start: t,
        end: t + d,
        midi,
        marks: [...(note.marks ?? [])],
        graces,
        tieOpen: !!note.tieStart,
      });
    }
    graces = [];
    t += d;
  }
  return { notes, seconds: t };
}

type HitKind = 'start' | 'full' | 'soft' | 'stroke';

/** An articulation: a pluck, strike, re-pluck or bow/breath re-attack. */
interface Hit {
  /** Sample offset from the line's start. */
  at: number;
  kind: HitKind;
  strength: number;
  /** Stroke: samples until the next stroke. */
  period: number;
}

/**
 * One continuously sounding gesture: from an attack to its release, through any legato
 * (slide) connections. Offsets are samples from `start`.
 */
interface Line {
  start: number;
  /** Offset of the note-off; the release follows. */
  gate: number;
  release: number;
  /** Attack length (bowed, blown), samples. */
  attack: number;
  /** MIDI number the timbre is set for (the first main note) and the highest reached. */
  refMidi: number;
  maxMidi: number;
  steps: { at: number; midi: number }[];
  glides: { from: number; to: number; a: number; b: number }[];
  vibratos: { from: number; to: number }[];
  settles: number[];
  levels: { at: number; level: number }[];
  hits: Hit[];
}

const hasMark = (n: PlannedNote, kind: MarkKind) => n.marks.some((m) => m.kind === kind);
const findMark = (n: PlannedNote, kind: MarkKind) => n.marks.find((m) => m.kind === kind);

/** Quick neighbour notes (semitones from the main note) of mordents and turns; the last holds. */
const ORNAMENTS: Partial<Record<MarkKind, number[]>> = {
  mordent: [0, -1, 0],
  'inverted-mordent': [0, 2, 0],
  turn: [2, 0, -1, 0],
};
/** Tremolo: strokes (slashes) → re-articulations per second. */
const tremoloRate = (strokes: number) => [12, 14, 16][Math.min(3, strokes) - 1]!;
/** 轮指: the four fingers do not pluck equally hard. */
const LUNZHI = [1, 0.9, 0.85, 0.9];

/** Lines of samples for a voice from the planned notes. */
function planLines(notes: PlannedNote[], voice: PreviewVoice, sampleRate: number): Line[] {
  const S = (t: number) => Math.round(t * sampleRate);
  const sustained = voice === 'bowed' || voice === 'blown';
  const lines: Line[] = [];
  let line: Line | undefined;
  for (let i = 0; i < notes.length; i++) {
    const p = notes[i]!;
    const next = notes[i + 1];
    const length = p.end - p.start;
    const graceCount = p.graces.length;
    const graceLength = graceCount ? Math.min(GRACE_SECONDS, length / 3 / graceCount) : 0;
    const mainStart = p.start + graceCount * graceLength;
    const staccato = hasMark(p, 'staccato');
    const gateEnd = staccato ? p.start + 0.5 * length : p.end;
    const level = hasMark(p, 'accent') ? ACCENT : 1;
    const legatoIn = line !== undefined;
    const l: Line = (line ??= {
      start: S(p.start),
      gate: 0,
      release: S(VOICE[voice].release),
      attack: 0,
      refMidi: p.midi,
      maxMidi: -Infinity,
      steps: [],
      glides: [],
      vibratos: [],
      settles: [],
      levels: [],
      hits: [],
    });
    const at = (t: number) => Math.max(0, S(t) - l.start);
    const step = (t: number, midi: number) => {
      l.steps.push({ at: at(t), midi });
      l.maxMidi = Math.max(l.maxMidi, midi);
    };
    const hit = (t: number, kind: HitKind, strength: number, period = 0) =>
      l.hits.push({ at: at(t), kind, strength, period });
    l.levels.push({ at: at(p.start), level });
    if (!legatoIn) hit(p.start, 'start', level * (graceCount ? 0.8 : 1));
    // Grace notes: fast plucks/strikes, or slurred into the main note (bowed, blown).
    for (let k = 0; k < graceCount; k++) {
      const t = p.start + k * graceLength;
      step(t, p.graces[k]!);
      if (k > 0 && !sustained) hit(t, 'full', level * 0.8);
    }
    step(mainStart, p.midi);
    if (graceCount && !sustained) hit(mainStart, 'full', level);
    else if (legatoIn && !sustained) hit(mainStart, 'soft', level * 0.5);
    const span = gateEnd - mainStart;
    // Ornaments: mordent, inverted mordent, turn.
    const ornament = p.marks.map((m) => ORNAMENTS[m.kind]).find((o) => o !== undefined);
    const trill = findMark(p, 'trill');
    if (trill) {
      const semitones = clampOr(trill.value, 1, 12, 2);
      let halves = Math.max(3, Math.round(span * 2 * TRILL_HZ));
      if (halves % 2 === 0) halves++; // start and end on the main note
      const h = span / halves;
      for (let k = 1; k < halves; k++) {
        const t = mainStart + k * h;
        step(t, p.midi + (k % 2 ? semitones : 0));
        if (voice === 'plucked') hit(t, 'soft', level * 0.6);
        else if (voice === 'struck') hit(t, 'full', level * 0.75);
      }
    } else if (ornament) {
      const u = Math.min(ORNAMENT_SECONDS, span / (ornament.length + 1));
      for (let k = 0; k < ornament.length; k++) {
        const t = mainStart + k * u;
        if (k > 0 || ornament[0] !== 0) step(t, p.midi + ornament[k]!);
        if (k === 0) continue;
        if (voice === 'plucked') hit(t, 'soft', level * 0.6);
        else if (voice === 'struck') hit(t, 'full', level * 0.75);
      }
    }
    const tremolo = findMark(p, 'tremolo');
    if (tremolo) {
      const rate = tremoloRate(Math.round(clampOr(tremolo.value, 1, 8, 3)));
      const count = Math.max(2, Math.round(span * rate));
      const period = span / count;
      for (let k = sustained ? 0 : 1; k < count; k++) {
        const t = mainStart + k * period;
        hit(t, sustained ? 'stroke' : 'full', level * LUNZHI[k % 4]!, S(period));
      }
    }
    if (hasMark(p, 'vibrato') && gateEnd - mainStart > VIBRATO_DELAY)
      l.vibratos.push({ from: at(mainStart + VIBRATO_DELAY), to: at(gateEnd) });
    if (hasMark(p, 'bend')) l.settles.push(at(mainStart));
    // A slide to the next note: a logistic glide over the end of this one.
    const slide = p.marks.some((m) => m.kind === 'slide' && m.type !== 'stop');
    let legatoOut = false;
    if (slide && next) {
      const g = Math.min(GLIDE_SECONDS, GLIDE_FRACTION * span);
      const from = at(gateEnd - g),
        to = at(gateEnd);
      if (to > from) {
        l.glides.push({ from, to, a: p.midi, b: next.midi });
        step(gateEnd, next.midi);
      }
      legatoOut =
        !staccato &&
        next.graces.length === 0 &&
        Math.abs(next.start - p.end) < 1e-9 * Math.max(1, p.end);
    }
    if (legatoOut) continue;
    l.gate = Math.max(1, at(gateEnd));
    l.attack = Math.min(S(VOICE[voice].attack), Math.round(0.4 * l.gate));
    l.hits.sort((a, b) => a.at - b.at);
    l.steps.sort((a, b) => a.at - b.at);
    lines.push(l);
    line = undefined;
  }
  // One player, one note at a time: a bowed or blown note followed at once by another ends 20 ms
  // early with a 30 ms release, so the next attack does not sound over its tail.
  if (sustained) {
    const short = S(0.03);
    for (let i = 0; i + 1 < lines.length; i++) {
      const l = lines[i]!;
      if (lines[i + 1]!.start - (l.start + l.gate) < l.release) {
        l.release = Math.min(l.release, short);
        l.gate = Math.max(1, l.gate - S(0.02));
      }
    }
  }
  return lines;
}

/** `value` clamped to [min, max], or `fallback` when it is not a finite number. */
function clampOr(value: number | undefined, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, value))
    : fallback;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces: a sine table, seeded noise, the pitch curve of a line, the release.

const TABLE_SIZE = 2048;
/** One cycle of a sine, with a guard point for interpolation. */
const SINE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, i) =>
  Math.sin((2 * Math.PI * i) / TABLE_SIZE),
);

/** A table read with linear interpolation at phase `ph` ∈ [0, 1). */
function lookup(table: Float32Array, ph: number): number {
  const x = ph * TABLE_SIZE;
  const i = x | 0;
  const a = table[i]!;
  return a + (x - i) * (table[i + 1]! - a);
}

/**
 * Seeded uniform noise in [−1, 1): xorshift32, whose state hot loops may also step inline.
 * The seed is hashed (mulberry32's finaliser) so that neighbouring seeds give unrelated noise.
 */
class Noise {
  state: number;
  constructor(seed: number) {
    let t = (Math.floor(Math.abs(seed)) + 0x6d2b79f5) >>> 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    this.state = (t ^ (t >>> 14)) >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (x | 0) / 2147483648;
  }
}

/** A raised-cosine fade from 1 to 0, tabulated (1024 steps and a guard point). */
const FADE = Float32Array.from({ length: 1026 }, (_, i) =>
  i >= 1024 ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * i) / 1024),
);

/** The release: 1 until the gate, then a raised-cosine fade over `release` samples. */
function releaseGain(n: number, gate: number, release: number): number {
  if (n < gate) return 1;
  const x = ((n - gate) / release) * 1024;
  if (x >= 1024) return 0;
  const i = x | 0;
  return FADE[i]! + (x - i) * (FADE[i + 1]! - FADE[i]!);
}

/** 5–95 % of the logistic over the middle 80 % of a glide, scaled to run exactly 0 → 1. */
const GLIDE_K = (2 * Math.log(19)) / 0.8;
const GLIDE_LO = 1 / (1 + Math.exp(GLIDE_K / 2));
const GLIDE_SCALE = 1 / (1 - 2 * GLIDE_LO);
const ease = (x: number) => (1 / (1 + Math.exp(-GLIDE_K * (x - 0.5))) - GLIDE_LO) * GLIDE_SCALE;

/** The pitch curve is computed every CONTROL samples and interpolated linearly between. */
const CONTROL = 16;

/**
 * Per-sample phase increments (cycles per sample) of a line: its pitch steps (smoothed), glides,
 * vibrato and press-bend settles, evaluated at a control rate of sampleRate / 16.
 */
class PitchCurve {
  private line!: Line;
  private si = 0;
  private gi = 0;
  private vi = 0;
  private ti = 0;
  private smooth = 0;
  /** The control point ahead (offset) and the increments there and one control period before. */
  private next = 0;
  private incBefore = 0;
  private incNext = 0;
  private readonly alpha: number;
  private readonly settleLength: number;
  private readonly minInc: number;
  private readonly maxInc = 0.45;
  private readonly depth: number;

  constructor(
    private readonly sampleRate: number,
    vibratoCents: number,
  ) {
    this.alpha = 1 - Math.exp(-CONTROL / (PITCH_SMOOTH_SECONDS * sampleRate));
    this.settleLength = Math.round(SETTLE_SECONDS * sampleRate);
    this.minInc = 20 / sampleRate;
    this.depth = vibratoCents / 100;
  }

  begin(line: Line): void {
    this.line = line;
    this.si = this.gi = this.vi = this.ti = 0;
    this.smooth = line.steps[0]!.midi;
    this.next = 0;
    this.incNext = this.incBefore = this.control(0);
  }

  /** Fills `count` increments from offset `n0`; true when they are all the same (a steady pitch). */
  fill(inc: Float64Array, n0: number, count: number): boolean {
    let next = this.next,
      before = this.incBefore,
      after = this.incNext;
    let steady = before === after;
    for (let j = 0; j < count; j++) {
      const n = n0 + j;
      if (n >= next) {
        next += CONTROL;
        before = after;
        after = this.control(next);
        steady &&= before === after;
      }
      inc[j] = after + ((before - after) * (next - n)) / CONTROL;
    }
    this.next = next;
    this.incBefore = before;
    this.incNext = after;
    return steady;
  }

  /** The increment at offset n (called with increasing n, once per control period). */
  private control(n: number): number {
    const { steps, glides, vibratos, settles } = this.line;
    const sr = this.sampleRate;
    while (this.si + 1 < steps.length && steps[this.si + 1]!.at <= n) this.si++;
    let target = steps[this.si]!.midi;
    while (this.gi < glides.length && glides[this.gi]!.to <= n) this.gi++;
    const g = glides[this.gi];
    if (g !== undefined && g.from <= n)
      target = g.a + (g.b - g.a) * ease((n - g.from) / (g.to - g.from));
    const gap = target - this.smooth;
    this.smooth = Math.abs(gap) < 1e-6 ? target : this.smooth + gap * this.alpha;
    let midi = this.smooth;
    while (this.vi < vibratos.length && vibratos[this.vi]!.to <= n) this.vi++;
    const v = vibratos[this.vi];
    if (v !== undefined && v.from <= n) {
      const age = (n - v.from) / sr,
        left = (v.to - n) / sr;
      let fade =
        age < VIBRATO_FADE_IN ? 0.5 - 0.5 * Math.cos((Math.PI * age) / VIBRATO_FADE_IN) : 1;
      if (left < VIBRATO_FADE_OUT) fade *= left / VIBRATO_FADE_OUT;
      midi += this.depth * fade * Math.sin(2 * Math.PI * VIBRATO_HZ * age);
    }
    while (this.ti < settles.length && settles[this.ti]! + this.settleLength <= n) this.ti++;
    const s = settles[this.ti];
    if (s !== undefined && s <= n) {
      const x = (n - s) / this.settleLength;
      midi -= (SETTLE_CENTS / 100) * (0.5 + 0.5 * Math.cos(Math.PI * x));
    }
    const f = (440 / sr) * Math.exp((midi - 69) * (Math.LN2 / 12));
    return f < this.minInc ? this.minInc : f > this.maxInc ? this.maxInc : f;
  }
}

interface Synth {
  begin(line: Line): void;
  /**
   * Adds `count` samples of the line from offset `n0` into `out` at `at`; `steady` says that all
   * the increments are equal.
   */
  render(
    inc: Float64Array,
    n0: number,
    count: number,
    out: Float32Array,
    at: number,
    steady: boolean,
  ): void;
}

const hz = (midi: number) => 440 * Math.pow(2, (midi - 69) / 12);
/** Per-sample gain for a 60 dB decay over `seconds`. */
const decayPerSample = (seconds: number, sampleRate: number) =>
  Math.exp((-3 * Math.LN10) / (seconds * sampleRate));

// ---------------------------------------------------------------------------------------------
// Plucked: Karplus–Strong.

/** Where along the string (fraction of its length) the excitation's triangle peaks. */
const PLUCK_AT = 0.27;

class PluckedSynth implements Synth {
  private readonly ring: Float32Array;
  private readonly mask: number;
  private readonly burst: Float32Array;
  private line!: Line;
  private w = 0;
  private prevRead = 0;
  private burstLength = 0;
  private burstPos = 0;
  private damp = 0;
  private hi = 0;
  /** Loop low-pass weight (its delay, samples) and log loop gains per sample. */
  private b = 0.5;
  private logGain = 0;
  private readonly logGainReleased: number;

  constructor(
    private readonly sampleRate: number,
    private readonly rand: Noise,
  ) {
    let size = 1;
    while (size < sampleRate / 15 + 8) size *= 2;
    this.ring = new Float32Array(size);
    this.mask = size - 1;
    this.burst = new Float32Array(size);
    this.logGainReleased = Math.log(decayPerSample(0.1, sampleRate));
  }

  begin(line: Line): void {
    this.line = line;
    this.ring.fill(0);
    this.w = 0;
    this.prevRead = 0;
    this.burstLength = this.burstPos = this.damp = this.hi = 0;
    const f0 = hz(line.refMidi);
    // Low notes ring longer; high ones are damped more by the loop filter, so brighten it.
    const t60 = Math.min(6, Math.max(0.6, 3 * Math.pow(262 / f0, 0.5)));
    this.logGain = Math.log(decayPerSample(t60, this.sampleRate));
    this.b = f0 < 500 ? 0.5 : Math.max(0.2, 0.5 * Math.sqrt(500 / f0));
  }

  /**
   * A pluck: one period of the string's displacement (a triangle, plucked near a quarter of its
   * length, which gives a strong fundamental) with noise, low-passed and made zero-mean, into the
   * loop; a full pluck mutes what was ringing first.
   */
  private excite(hit: Hit, period: number): void {
    const soft = hit.kind === 'soft';
    const length = Math.max(2, Math.min(this.burst.length, Math.round(period)));
    const bright = soft ? 0.25 : 0.35 + 0.4 * Math.min(1, hit.strength);
    let lp = 0,
      mean = 0;
    for (let i = 0; i < length; i++) {
      const x = i / length;
      const shape = x < PLUCK_AT ? x / PLUCK_AT : (1 - x) / (1 - PLUCK_AT);
      lp += bright * (0.7 * shape + 0.3 * this.rand.next() - lp);
      this.burst[i] = lp;
      mean += lp / length;
    }
    let peak = 1e-9;
    for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs((this.burst[i]! -= mean)));
    const scale = (hit.strength * (soft ? 0.35 : 0.8)) / peak;
    for (let i = 0; i < length; i++) this.burst[i]! *= scale;
    this.burstLength = length;
    this.burstPos = 0;
    this.damp = soft ? 0 : length;
  }

  render(inc: Float64Array, n0: number, count: number, out: Float32Array, at: number): void {
    const { hits, gate, release } = this.line;
    const { ring, mask, burst, b } = this;
    const period0 = 1 / inc[0]!;
    const gain = Math.exp(this.logGain * period0),
      gainReleased = Math.exp(this.logGainReleased * period0);
    for (let j = 0; j < count; j++) {
      const n = n0 + j;
      const period = 1 / inc[j]!;
      while (this.hi < hits.length && hits[this.hi]!.at <= n) this.excite(hits[this.hi++]!, period);
      const delay = period - b;
      const d = Math.floor(delay),
        fr = delay - d;
      const read = (1 - fr) * ring[(this.w - d) & mask]! + fr * ring[(this.w - d - 1) & mask]!;
      const filtered = (1 - b) * read + b * this.prevRead;
      this.prevRead = read;
      let feedback = n >= gate ? gainReleased : gain;
      if (this.damp > 0) {
        feedback *= 0.03;
        this.damp--;
      }
      const x = this.burstPos < this.burstLength ? burst[this.burstPos++]! : 0;
      const y = x + feedback * filtered;
      ring[this.w] = y;
      this.w = (this.w + 1) & mask;
      out[at + j]! += n < gate ? y : y * releaseGain(n, gate, release);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Struck: inharmonic partials with exponential decays.

const PARTIALS = 7;
/** Stiffness: partial k sits at k·√((1 + B·k²)/(1 + B)) times the fundamental. */
const INHARMONICITY = 0.0006;
const PARTIAL_RATIO = Float64Array.from({ length: PARTIALS }, (_, i) => {
  const k = i + 1;
  return k * Math.sqrt((1 + INHARMONICITY * k * k) / (1 + INHARMONICITY));
});
const PARTIAL_AMP = Float64Array.from([1, 0.5, 0.32, 0.2, 0.12, 0.08, 0.05]);
/** Share of a strike in the prompt sound, and that sound's decay (T60, fundamental), s. */
const PROMPT = 0.6;
const STRUCK_PROMPT_T60 = 0.35;
/** A strike reaches its amplitude over 1 ms (no click beyond the mallet's own). */
const STRIKE_RAMP_SECONDS = 0.001;

class StruckSynth implements Synth {
  private readonly phase = new Float64Array(PARTIALS);
  /** Two-stage decay, as struck strings have: a prompt sound and a long aftersound. */
  private readonly fast = new Float64Array(PARTIALS);
  private readonly slow = new Float64Array(PARTIALS);
  private readonly fastDecay = new Float64Array(PARTIALS);
  private readonly slowDecay = new Float64Array(PARTIALS);
  private readonly fastRamp = new Float64Array(PARTIALS);
  private readonly slowRamp = new Float64Array(PARTIALS);
  private readonly acc = new Float64Array(BLOCK);
  private rampLeft = 0;
  private readonly rampLength: number;
  private thump = 0;
  private thumpLp = 0;
  private readonly thumpDecay: number;
  private line!: Line;
  private hi = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly rand: Noise,
  ) {
    this.rampLength = Math.max(1, Math.round(STRIKE_RAMP_SECONDS * sampleRate));
    this.thumpDecay = decayPerSample(0.015, sampleRate);
  }

  begin(line: Line): void {
    this.line = line;
    this.phase.fill(0);
    this.fast.fill(0);
    this.slow.fill(0);
    this.rampLeft = this.hi = 0;
    this.thump = this.thumpLp = 0;
    const f0 = hz(line.refMidi);
    const t60 = Math.min(5, Math.max(0.6, 2.5 * Math.pow(262 / f0, 0.5)));
    for (let k = 0; k < PARTIALS; k++) {
      const higher = 1 + 0.5 * Math.pow(k, 1.3);
      this.slowDecay[k] = decayPerSample(t60 / higher, this.sampleRate);
      this.fastDecay[k] = decayPerSample(STRUCK_PROMPT_T60 / higher, this.sampleRate);
    }
  }

  /** A strike sets the partials ringing (a full one damps what was ringing); soft adds to it. */
  private strike(hit: Hit): void {
    const soft = hit.kind === 'soft';
    const s = hit.strength * (soft ? 0.5 : 1);
    for (let k = 0; k < PARTIALS; k++) {
      const a = s * PARTIAL_AMP[k]!;
      const fast = soft ? this.fast[k]! + PROMPT * a : PROMPT * a;
      const slow = (soft ? this.slow[k]! : 0.3 * this.slow[k]!) + (1 - PROMPT) * a;
      this.fastRamp[k] = (fast - this.fast[k]!) / this.rampLength;
      this.slowRamp[k] = (slow - this.slow[k]!) / this.rampLength;
    }
    this.rampLeft = this.rampLength;
    this.thump = (soft ? 0.05 : 0.15) * hit.strength;
  }

  render(
    inc: Float64Array,
    n0: number,
    count: number,
    out: Float32Array,
    at: number,
    steady: boolean,
  ): void {
    const { hits, gate, release } = this.line;
    const { phase, fast, slow, fastDecay, slowDecay, fastRamp, slowRamp, acc } = this;
    acc.fill(0, 0, count);
    // Between strikes, partial by partial (tight loops), into the block accumulator.
    for (let a = 0; a < count;) {
      while (this.hi < hits.length && hits[this.hi]!.at <= n0 + a) this.strike(hits[this.hi++]!);
      const nextHit = this.hi < hits.length ? hits[this.hi]!.at - n0 : count;
      const b = Math.min(count, Math.max(a + 1, nextHit));
      for (let k = 0; k < PARTIALS; k++) {
        let rampLeft = this.rampLeft;
        let f = fast[k]!,
          sl = slow[k]!;
        if (f + sl < 1e-7 && rampLeft === 0) continue;
        const ratio = PARTIAL_RATIO[k]!,
          df = fastDecay[k]!,
          ds = slowDecay[k]!,
          rf = fastRamp[k]!,
          rs = slowRamp[k]!;
        let ph = phase[k]!;
        if (steady) {
          // A steady pitch: a rotating phasor, exact and cheaper than the table.
          const fk = inc[0]! * ratio;
          if (fk >= 0.45) continue;
          const cw = Math.cos(2 * Math.PI * fk),
            sw = Math.sin(2 * Math.PI * fk);
          let c = Math.cos(2 * Math.PI * ph),
            sn = Math.sin(2 * Math.PI * ph);
          for (let j = a; j < b; j++) {
            const c1 = c * cw - sn * sw;
            sn = sn * cw + c * sw;
            c = c1;
            acc[j]! += (f + sl) * sn;
            f *= df;
            sl *= ds;
            if (rampLeft > 0) {
              f += rf;
              sl += rs;
              rampLeft--;
            }
          }
          ph = Math.atan2(sn, c) / (2 * Math.PI);
          if (ph < 0) ph += 1;
        } else {
          for (let j = a; j < b; j++) {
            const fk = inc[j]! * ratio;
            ph += fk;
            if (ph >= 1) ph -= 1;
            if (fk < 0.45) {
              const x = ph * TABLE_SIZE;
              const i = x | 0;
              const s0 = SINE[i]!;
              acc[j]! += (f + sl) * (s0 + (x - i) * (SINE[i + 1]! - s0));
            }
            f *= df;
            sl *= ds;
            if (rampLeft > 0) {
              f += rf;
              sl += rs;
              rampLeft--;
            }
          }
        }
        phase[k] = ph;
        fast[k] = f;
        slow[k] = sl;
      }
      this.rampLeft = Math.max(0, this.rampLeft - (b - a));
      // The mallet's thump: a short burst of low-passed noise.
      for (let j = a; j < b && this.thump > 1e-6; j++) {
        this.thumpLp += 0.3 * (this.rand.next() - this.thumpLp);
        acc[j]! += this.thump * this.thumpLp;
        this.thump *= this.thumpDecay;
      }
      a = b;
    }
    for (let j = 0; j < count; j++) {
      const n = n0 + j;
      out[at + j]! += n < gate ? acc[j]! : acc[j]! * releaseGain(n, gate, release);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bowed and blown: a band-limited wavetable with an attack, bow or breath noise, re-attacks.

/** Harmonic amplitudes (1-based k) of a voice at fundamental f0, up to `count` harmonics. */
function harmonicWeights(
  voice: 'bowed' | 'blown',
  f0: number,
  count: number,
  sampleRate: number,
): Float64Array {
  const w = new Float64Array(count + 1);
  for (let k = 1; k <= count; k++) {
    const f = k * f0;
    if (voice === 'blown') {
      w[k] = k === 1 ? 1 : k === 2 ? 0.1 : k === 3 ? 0.05 : 0;
    } else {
      // A sawtooth's 1/k, through a formant-ish low-pass: a body resonance near 1.1 kHz and
      // a fourth-order roll-off above 3.2 kHz.
      const lowpass = 1 / Math.sqrt(1 + Math.pow(f / 3200, 4));
      const formant = 1 + 1.5 * Math.exp(-0.5 * Math.pow(Math.log2(f / 1100) / 0.45, 2));
      w[k] = (lowpass * formant) / k;
    }
    if (f >= 0.45 * sampleRate) w[k] = 0;
  }
  return w;
}

/** One cycle of the harmonics `w` (sine phase), peak-normalised, with a guard point. */
function harmonicTable(w: Float64Array): Float32Array {
  const table = new Float32Array(TABLE_SIZE + 1);
  let peak = 1e-9;
  for (let i = 0; i < TABLE_SIZE; i++) {
    let v = 0;
    for (let k = 1; k < w.length; k++) if (w[k]) v += w[k]! * SINE[(k * i) % TABLE_SIZE]!;
    table[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  for (let i = 0; i < TABLE_SIZE; i++) table[i]! /= peak;
  table[TABLE_SIZE] = table[0]!;
  return table;
}

class SustainedSynth implements Synth {
  private readonly tables = new Map<string, Float32Array>();
  private table!: Float32Array;
  private line!: Line;
  private hi = 0;
  private li = 0;
  private phase = 0;
  private level = 1;
  private strokeAge = -1;
  private strokePeriod = 0;
  private jitter = 0;
  private noise: BiquadCoefficients = { b0: 0, b1: 0, b2: 0, a1: 0, a2: 0 };
  private z1 = 0;
  private z2 = 0;
  private readonly levelAlpha: number;
  private readonly jitterAlpha: number;
  private readonly jitterScale: number;
  private readonly strokeDip: number;
  /** Blown: extra breath at the attack (a chiff), decaying over ~30 ms. */
  private chiff = 0;
  private readonly chiffDecay: number;

  constructor(
    private readonly sampleRate: number,
    private readonly rand: Noise,
    private readonly voice: 'bowed' | 'blown',
  ) {
    this.levelAlpha = 1 - Math.exp(-1 / (0.015 * sampleRate));
    // Slow bow-pressure / breath wander: noise low-passed at ~6 Hz, about 3 % deep.
    this.jitterAlpha = 1 - Math.exp((-2 * Math.PI * 6 * 32) / sampleRate);
    this.jitterScale = 0.03 / (0.577 * Math.sqrt(this.jitterAlpha / (2 - this.jitterAlpha)));
    this.strokeDip = Math.round(0.008 * sampleRate);
    this.chiffDecay = Math.exp(-1 / (0.03 * sampleRate));
  }

  begin(line: Line): void {
    this.line = line;
    this.hi = this.li = 0;
    this.phase = 0;
    this.level = line.levels[0]?.level ?? 1;
    this.strokeAge = -1;
    this.jitter = 0;
    this.z1 = this.z2 = 0;
    this.chiff = this.voice === 'blown' ? 0.12 : 0;
    const sr = this.sampleRate;
    // Harmonics stay below 0.45·sampleRate at the highest pitch the line reaches (+ vibrato).
    const fMax = hz(line.maxMidi + 0.5);
    const count = Math.max(
      1,
      Math.min(this.voice === 'blown' ? 3 : 48, Math.floor((0.45 * sr) / fMax)),
    );
    const ref = Math.round(line.refMidi);
    const key = `${ref}:${count}`;
    let table = this.tables.get(key);
    if (!table) {
      table = harmonicTable(harmonicWeights(this.voice, hz(ref), count, sr));
      this.tables.set(key, table);
    }
    this.table = table;
    const centre =
      this.voice === 'bowed' ? 2500 : Math.min(Math.max(2 * hz(line.refMidi), 1000), 6000);
    this.noise = designBiquad({
      type: 'bandpass',
      frequencyHz: Math.min(centre, 0.4 * sr),
      q: this.voice === 'bowed' ? 0.8 : 0.7,
      sampleRate: sr,
    });
  }

  render(inc: Float64Array, n0: number, count: number, out: Float32Array, at: number): void {
    const { hits, levels, gate, release, attack } = this.line;
    const { table, noise, strokeDip, levelAlpha, chiffDecay, jitterAlpha, jitterScale } = this;
    const { b0, b1, b2, a1, a2 } = noise;
    const noiseLevel = this.voice === 'blown' ? 0.06 : 0.04;
    let { phase, level, chiff, z1, z2, jitter, hi, li, strokeAge } = this;
    let state = this.rand.state; // the noise, stepped inline (xorshift32)
    for (let j = 0; j < count; j++) {
      const n = n0 + j;
      while (hi < hits.length && hits[hi]!.at <= n) {
        const h = hits[hi++]!;
        if (h.kind === 'stroke') {
          strokeAge = 0;
          this.strokePeriod = h.period;
        }
      }
      while (li + 1 < levels.length && levels[li + 1]!.at <= n) li++;
      level += (levels[li]!.level - level) * levelAlpha;
      let env = n < attack ? 0.5 - 0.5 * Math.cos((Math.PI * n) / attack) : 1;
      if (strokeAge >= 0) {
        // Bowed tremolo: each stroke dips to a quarter at the bow change and swells back.
        const age = strokeAge++,
          left = this.strokePeriod - age;
        if (left <= 0) strokeAge = -1;
        else env *= 1 - 0.75 * Math.max(0, 1 - age / strokeDip, 1 - left / strokeDip);
      }
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const x = (state | 0) / 2147483648;
      if ((n & 31) === 0) jitter += (x - jitter) * jitterAlpha;
      env *= level * (1 + jitter * jitterScale);
      if (n >= gate) env *= releaseGain(n, gate, release);
      phase += inc[j]!;
      if (phase >= 1) phase -= 1;
      // Noise through the band-pass (transposed direct form II).
      const y = b0 * x + z1;
      z1 = b1 * x - a1 * y + z2;
      z2 = b2 * x - a2 * y;
      out[at + j]! += env * (lookup(table, phase) + (noiseLevel + chiff) * y);
      chiff *= chiffDecay;
    }
    this.phase = phase;
    this.level = level;
    this.chiff = chiff;
    this.z1 = z1;
    this.z2 = z2;
    this.jitter = jitter;
    this.hi = hi;
    this.li = li;
    this.strokeAge = strokeAge;
    this.rand.state = state >>> 0;
  }
}
