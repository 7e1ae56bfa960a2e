/**
 * The audio preview, heard through our own pitch tracker and performance analysis: each voice
 * plays the written pitches on time, and the marks come out as the events the analysis knows
 * (vibrato, portamento, trill, grace notes) or as the envelope they should make (tremolo,
 * ties, staccato, accents).
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_PREVIEW_SECONDS,
  previewVoiceFor,
  renderPreview,
  type PreviewVoice,
} from './preview.js';
import {
  frac,
  melodyToScore,
  spellInKey,
  type Mark,
  type Score,
  type ScoreNote,
} from '../notation/index.js';
import { analyzePerformance, type PerformanceAnalysis } from '../analysis/index.js';
import { RealFft } from '../dsp/index.js';
import { isZhiyinError } from '../errors/index.js';

const SR = 44_100;
const VOICES: PreviewVoice[] = ['plucked', 'bowed', 'blown', 'struck'];

/** A score from [MIDI (undefined: rest), quarters, marks]. */
function score(notes: [number | undefined, number, Mark[]?][], tempo = 60): Score {
  const s = melodyToScore(
    notes.map(([midi, duration]) => (midi === undefined ? { duration } : { midi, duration })),
    { tempo },
  );
  s.notes.forEach((n, i) => {
    const marks = notes[i]![2];
    if (marks) n.marks = marks;
  });
  return s;
}

const grace = (midi: number): ScoreNote => ({
  pitch: spellInKey(midi, 0),
  duration: frac(0),
  grace: { slash: true },
});

const analyse = (x: Float32Array): PerformanceAnalysis =>
  analyzePerformance({ sampleRate: SR, channels: [x] });

/** RMS level (dB) of consecutive frames between two times. */
function envelopeDb(x: Float32Array, from: number, to: number, frameSeconds = 0.005): number[] {
  const h = Math.round(frameSeconds * SR);
  const out: number[] = [];
  for (let i = Math.round(from * SR); i + h <= Math.round(to * SR); i += h) {
    let s = 0;
    for (let k = 0; k < h; k++) s += x[i + k]! ** 2;
    out.push(10 * Math.log10(s / h + 1e-20));
  }
  return out;
}

/** Largest rise (dB) from one frame to the next. */
const largestRise = (env: number[]) => Math.max(...env.slice(1).map((v, i) => v - env[i]!));

/** Frequency (Hz) of the strongest modulation of an envelope between lo and hi (a DFT scan). */
function modulationHz(env: number[], frameRate: number, lo: number, hi: number): number {
  const mean = env.reduce((a, b) => a + b, 0) / env.length;
  let best = lo,
    bestPower = -1;
  for (let f = lo; f <= hi; f += 0.05) {
    let re = 0,
      im = 0;
    env.forEach((v, i) => {
      re += (v - mean) * Math.cos((2 * Math.PI * f * i) / frameRate);
      im -= (v - mean) * Math.sin((2 * Math.PI * f * i) / frameRate);
    });
    if (re * re + im * im > bestPower) {
      bestPower = re * re + im * im;
      best = f;
    }
  }
  return best;
}

/** Sample-for-sample equality (cheaper than a deep `toEqual` on long arrays). */
function identical(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The analysed note that overlaps [from, to] most. */
function noteAt(a: PerformanceAnalysis, from: number, to: number) {
  let best: PerformanceAnalysis['notes'][number] | undefined,
    overlap = 0;
  for (const n of a.notes) {
    const o = Math.min(to, n.end) - Math.max(from, n.start);
    if (o > overlap) {
      overlap = o;
      best = n;
    }
  }
  return best;
}

describe('renderPreview: pitches and timing', () => {
  const melody = [62, 66, 69, 74, 71, 67, 64, 57];
  it.each(VOICES)('%s plays each written pitch (within 20 cents) on time', (voice) => {
    const x = renderPreview(
      score(
        melody.map((m) => [m, 1]),
        120,
      ),
      { voice },
    );
    expect(x.length).toBe(Math.ceil((melody.length * 0.5 + 0.5) * SR));
    const a = analyse(x);
    expect(a.notes).toHaveLength(melody.length);
    melody.forEach((midi, i) => {
      const t = i * 0.5;
      const n = noteAt(a, t + 0.15, t + 0.4)!;
      expect(n, `note ${i}`).toBeDefined();
      expect(Math.abs(n.cents - midi * 100), `note ${i} cents`).toBeLessThan(20);
      // Plucked and struck notes speak at once; bowed and blown ones through their attack.
      const tolerance = voice === 'plucked' || voice === 'struck' ? 0.03 : 0.06;
      expect(Math.abs(n.start - t), `note ${i} onset`).toBeLessThan(tolerance);
    });
  });

  it('sounds transposing scores at their sounding pitch, and rests as silence', () => {
    const s = score([
      [74, 1],
      [undefined, 1],
      [74, 1],
    ]);
    s.transpose = -2; // written D5 sounds C5 (B♭ clarinet)
    const x = renderPreview(s, { voice: 'blown' });
    const a = analyse(x);
    expect(a.notes).toHaveLength(2);
    for (const n of a.notes) expect(Math.abs(n.cents - 7200)).toBeLessThan(20);
    expect(Math.max(...envelopeDb(x, 1.2, 1.95))).toBeLessThan(-199);
  });
});

describe('renderPreview: marks', () => {
  it.each(VOICES)('%s: vibrato where marked (5–7 Hz), none where not', (voice) => {
    const x = renderPreview(
      score([
        [69, 2, [{ kind: 'vibrato' }]],
        [undefined, 0.5],
        [69, 2],
      ]),
      { voice },
    );
    const a = analyse(x);
    const vibrato = a.events.filter((e) => e.kind === 'vibrato');
    expect(vibrato).toHaveLength(1);
    const v = vibrato[0]!;
    expect(v.start).toBeLessThan(0.5);
    expect(v.end).toBeLessThan(2.1);
    expect(Number(v.params.rateHz)).toBeGreaterThan(5);
    expect(Number(v.params.rateHz)).toBeLessThan(7);
    // ±30 cents (bowed ±40): 60 (80) cents peak to peak.
    const extent = voice === 'bowed' ? 80 : 60;
    expect(Math.abs(Number(v.params.extentCents) - extent)).toBeLessThan(15);
    expect(a.events.some((e) => e.start >= 2.4)).toBe(false);
  });

  it.each(VOICES)('%s: a slide is a portamento into the next note', (voice) => {
    const x = renderPreview(
      score([
        [67, 1, [{ kind: 'slide', type: 'start' }]],
        [72, 1, [{ kind: 'slide', type: 'stop' }]],
      ]),
      { voice },
    );
    const a = analyse(x);
    const p = a.events.filter((e) => e.kind === 'portamento');
    expect(p).toHaveLength(1);
    expect(Math.abs(Number(p[0]!.params.spanCents) - 500)).toBeLessThan(30);
    // Over the last 120 ms of the first note: the logistic's midpoint near 0.94 s.
    expect(Math.abs(Number(p[0]!.params.midpointSeconds) - 0.94)).toBeLessThan(0.03);
    expect(Number(p[0]!.params.durationSeconds)).toBeGreaterThan(0.06);
    expect(Number(p[0]!.params.durationSeconds)).toBeLessThan(0.12);
    if (voice === 'bowed' || voice === 'blown') {
      // Legato: no new attack (the level does not dip between the notes).
      const env = envelopeDb(x, 0.8, 1.2);
      expect(Math.max(...env) - Math.min(...env)).toBeLessThan(3);
    }
  });

  it('plays an unmarked step as a change of note, not a portamento', () => {
    const a = analyse(
      renderPreview(
        score([
          [67, 1],
          [72, 1],
        ]),
        { voice: 'bowed' },
      ),
    );
    expect(a.events.filter((e) => e.kind === 'portamento')).toHaveLength(0);
    expect(a.notes.map((n) => n.midi)).toEqual([67, 72]);
  });

  it.each(VOICES)('%s: a trill alternates with the note a whole tone up at about 8 Hz', (voice) => {
    const x = renderPreview(
      score([
        [72, 1.5, [{ kind: 'trill' }]],
        [undefined, 0.5],
      ]),
      { voice },
    );
    const a = analyse(x);
    const trill = a.events.find((e) => e.kind === 'trill')!;
    expect(trill).toBeDefined();
    expect(Math.abs(Number(trill.params.rateHz) - 8)).toBeLessThan(1);
    expect(Math.abs(Number(trill.params.intervalCents) - 200)).toBeLessThan(30);
    // The frames sit on the two pitches, both often.
    const { times, f0Hz } = a.track;
    let main = 0,
      upper = 0,
      frames = 0;
    for (let i = 0; i < times.length; i++) {
      if (times[i]! < 0.1 || times[i]! > 1.4) continue;
      const cents = 1200 * Math.log2(f0Hz[i]! / 440) + 6900;
      frames++;
      if (Math.abs(cents - 7200) < 50) main++;
      if (Math.abs(cents - 7400) < 50) upper++;
    }
    expect(main / frames).toBeGreaterThan(0.3);
    expect(upper / frames).toBeGreaterThan(0.3);
  });

  it('a trill value sets the interval (1: a semitone)', () => {
    const a = analyse(
      renderPreview(score([[72, 1.5, [{ kind: 'trill', value: 1 }]]]), { voice: 'blown' }),
    );
    const trill = a.events.find((e) => e.kind === 'trill')!;
    expect(Math.abs(Number(trill.params.intervalCents) - 100)).toBeLessThan(30);
  });

  it.each(['plucked', 'bowed'] as PreviewVoice[])(
    '%s: a grace note sounds briefly before its main note, which is not delayed',
    (voice) => {
      const s = score([
        [67, 1],
        [72, 1],
      ]);
      s.notes.splice(1, 0, grace(74));
      const a = analyse(renderPreview(s, { voice }));
      const g = a.events.filter((e) => e.kind === 'grace-note');
      expect(g).toHaveLength(1);
      expect(Math.abs(Number(g[0]!.params.cents) - 7400)).toBeLessThan(20);
      // 70 ms taken from the start of the main note, at 1 s.
      expect(Math.abs(g[0]!.start - 1)).toBeLessThan(0.04);
      const main = a.notes.find((n) => n.midi === 72)!;
      expect(Math.abs(main.start - 1.07)).toBeLessThan(0.04);
    },
  );

  it('plucked: a run of grace notes (a glissando) is heard as fast plucks up to the main note', () => {
    const run = [62, 64, 67, 69, 72];
    const s = score([
      [60, 1],
      [74, 1],
    ]);
    s.notes.splice(1, 0, ...run.map(grace));
    s.notes[1]!.marks = [{ kind: 'glissando', type: 'start' }];
    s.notes[6]!.marks = [{ kind: 'glissando', type: 'stop' }];
    const a = analyse(renderPreview(s, { voice: 'plucked' }));
    // Each grace: min(70 ms, 1 s / 3 / 5) ≈ 67 ms, from 1 s.
    const heard = a.notes.filter((n) => n.start > 0.95 && n.end < 1.35).map((n) => n.midi);
    expect(heard.filter((m) => run.includes(m)).length).toBeGreaterThanOrEqual(4);
    expect(heard).toEqual([...heard].sort((p, q) => p - q));
    const main = a.notes.find((n) => n.midi === 74)!;
    expect(Math.abs(main.start - (1 + 5 / 15))).toBeLessThan(0.04);
  });

  it('mordents and turns sound their quick neighbour notes', () => {
    const x = renderPreview(
      score([
        [67, 1, [{ kind: 'inverted-mordent' }]],
        [69, 1, [{ kind: 'mordent' }]],
        [72, 1, [{ kind: 'turn' }]],
      ]),
      { voice: 'plucked' },
    );
    const quick = (from: number) =>
      analyse(x)
        .notes.filter(
          (n) => n.start >= from - 0.01 && n.start < from + 0.25 && n.end - n.start < 0.1,
        )
        .map((n) => n.midi);
    expect(quick(0)).toContain(69); // upper: +2
    expect(quick(1)).toContain(68); // lower: −1
    const turn = quick(2);
    expect(turn.indexOf(74)).toBeGreaterThanOrEqual(0);
    expect(turn.indexOf(71)).toBeGreaterThan(turn.indexOf(74)); // upper, then lower
  });

  it.each([
    ['plucked', 3, 16],
    ['plucked', 1, 12],
    ['struck', 2, 14],
    ['bowed', 3, 16],
    ['blown', 2, 14],
  ] as [PreviewVoice, number, number][])(
    '%s: tremolo of %i strokes re-articulates at %i Hz',
    (voice, strokes, rateHz) => {
      const x = renderPreview(score([[67, 2, [{ kind: 'tremolo', value: strokes }]]]), { voice });
      const env = envelopeDb(x, 0.1, 1.9);
      expect(Math.abs(modulationHz(env, 200, 6, 30) - rateHz)).toBeLessThan(0.5);
      // A plain note has no such modulation: its envelope is smooth.
      const plain = envelopeDb(renderPreview(score([[67, 2]]), { voice }), 0.1, 1.9);
      expect(largestRise(plain)).toBeLessThan(1);
      expect(largestRise(env)).toBeGreaterThan(2);
    },
  );

  it.each(VOICES)('%s: tied notes sound as one, not re-articulated', (voice) => {
    const tied = score([
      [67, 1],
      [67, 1],
    ]);
    tied.notes[0]!.tieStart = true;
    tied.notes[1]!.tieStop = true;
    const x = renderPreview(tied, { voice });
    const y = renderPreview(
      score([
        [67, 1],
        [67, 1],
      ]),
      { voice },
    );
    const tiedEnv = envelopeDb(x, 0.8, 1.2),
      untiedEnv = envelopeDb(y, 0.8, 1.2);
    // Untied, the second note is played again: a new attack (plucked, struck) or a dip (bowed,
    // blown); tied, the note rings on (decaying, for plucked and struck) or holds.
    expect(largestRise(tiedEnv)).toBeLessThan(1);
    if (voice === 'plucked' || voice === 'struck') {
      expect(largestRise(untiedEnv)).toBeGreaterThan(10);
    } else {
      expect(Math.max(...tiedEnv) - Math.min(...tiedEnv)).toBeLessThan(3);
      expect(Math.max(...untiedEnv) - Math.min(...untiedEnv)).toBeGreaterThan(10);
    }
    expect(analyse(x).notes).toHaveLength(1);
  });

  it('staccato sounds half the note; accent is 4 dB louder', () => {
    const x = renderPreview(
      score([
        [67, 1, [{ kind: 'staccato' }]],
        [undefined, 1],
        [67, 1],
        [67, 1, [{ kind: 'accent' }]],
      ]),
      { voice: 'bowed' },
    );
    expect(Math.max(...envelopeDb(x, 0.45, 0.5))).toBeGreaterThan(-20);
    expect(Math.max(...envelopeDb(x, 0.6, 1))).toBeLessThan(-199);
    const level = (from: number) => {
      const e = envelopeDb(x, from, from + 0.5, 0.5);
      return e[0]!;
    };
    expect(Math.abs(level(3.3) - level(2.3) - 4)).toBeLessThan(0.5);
  });

  it('a press-bend (按音) settles up 15 cents into its pitch over the first 60 ms', () => {
    const x = renderPreview(score([[67, 1, [{ kind: 'bend', value: 2 }]]]), { voice: 'plucked' });
    const { times, f0Hz } = analyse(x).track;
    const cents = (from: number, to: number) => {
      const c: number[] = [];
      for (let i = 0; i < times.length; i++)
        if (times[i]! >= from && times[i]! < to) c.push(1200 * Math.log2(f0Hz[i]! / 440) + 6900);
      c.sort((p, q) => p - q);
      return c[c.length >> 1]!;
    };
    const early = cents(0.01, 0.035),
      steady = cents(0.2, 0.8);
    expect(Math.abs(steady - 6700)).toBeLessThan(5);
    expect(steady - early).toBeGreaterThan(4);
    expect(steady - early).toBeLessThan(16);
  });

  it('fermata, technique and glissando on main notes change nothing', () => {
    const plain = renderPreview(
      score([
        [67, 1],
        [72, 1],
      ]),
      { voice: 'plucked' },
    );
    const marked = renderPreview(
      score([
        [
          67,
          1,
          [
            { kind: 'technique', text: '轮指 lunzhi' },
            { kind: 'glissando', type: 'stop' },
          ],
        ],
        [72, 1, [{ kind: 'fermata' }]],
      ]),
      { voice: 'plucked' },
    );
    expect(identical(marked, plain)).toBe(true);
  });
});

describe('renderPreview: output', () => {
  const s = score([
    [62, 1, [{ kind: 'vibrato' }]],
    [64, 0.5, [{ kind: 'slide', type: 'start' }]],
    [67, 0.5, [{ kind: 'slide', type: 'stop' }]],
    [69, 1, [{ kind: 'tremolo', value: 3 }]],
    [72, 1, [{ kind: 'trill' }]],
  ]);

  it.each(VOICES)('%s: deterministic, peak at −1 dBFS, finite, silent at the end', (voice) => {
    const x = renderPreview(s, { voice });
    expect(identical(renderPreview(s, { voice }), x)).toBe(true);
    let peak = 0,
      finite = true;
    for (const v of x) {
      finite &&= Number.isFinite(v);
      peak = Math.max(peak, Math.abs(v));
    }
    expect(finite).toBe(true);
    expect(20 * Math.log10(peak)).toBeCloseTo(-1, 3);
    expect(x.length).toBe(Math.ceil((4 + 0.5) * SR));
    expect(Math.max(...envelopeDb(x, 4.3, 4.5))).toBeLessThan(-199);
  });

  it('the seed changes the noise, and only the noise', () => {
    const a = renderPreview(s, { voice: 'bowed', seed: 1 }),
      b = renderPreview(s, { voice: 'bowed', seed: 2 });
    expect(identical(a, b)).toBe(false);
    let diff = 0,
      sum = 0;
    for (let i = 0; i < a.length; i++) {
      diff += (a[i]! - b[i]!) ** 2;
      sum += a[i]! ** 2;
    }
    expect(10 * Math.log10(diff / sum)).toBeLessThan(-15);
  });

  it.each([
    ['bowed', 100],
    ['struck', 108],
    ['blown', 118],
  ] as [PreviewVoice, number][])(
    '%s: band-limited (no partial folds back below Nyquist at MIDI %i)',
    (voice, midi) => {
      // At these pitches the top partials of each voice would pass Nyquist and fold back as
      // spectral lines between the partials; band-limited, the only lines are the partials.
      const x = renderPreview(score([[midi, 2]]), { voice });
      // Struck: a short frame at the start, before its top partials die away.
      const N = voice === 'struck' ? 4096 : 32_768;
      const from = Math.round((voice === 'struck' ? 0.005 : 0.5) * SR);
      const frame = Float32Array.from(
        { length: N },
        (_, i) => x[from + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N)),
      );
      const fft = new RealFft(N);
      const re = new Float64Array(fft.bins),
        im = new Float64Array(fft.bins);
      fft.forward(frame, re, im);
      const mag = Float64Array.from({ length: fft.bins }, (_, k) => Math.hypot(re[k]!, im[k]!));
      // A line: a local maximum 25 dB over the median of its 256-bin neighbourhood (noise), and
      // within 100 dB of the strongest (not float rounding).
      const top = Math.max(...mag);
      const lines: number[] = [];
      for (let block = 0; block < fft.bins - 1; block += 256) {
        const sorted = Array.from(mag.subarray(block, block + 256)).sort((p, q) => p - q);
        const floor = sorted[sorted.length >> 1]!;
        for (let k = Math.max(1, block); k < Math.min(fft.bins - 1, block + 256); k++)
          if (
            mag[k]! > Math.max(18 * floor, 1e-5 * top) &&
            mag[k]! >= mag[k - 1]! &&
            mag[k]! >= mag[k + 1]!
          )
            lines.push((k * SR) / N);
      }
      const f0 = 440 * Math.pow(2, (midi - 69) / 12);
      // Partials: near-multiples of f0 (struck's stiffness raises the 7th by 1.4 %).
      const partial = (hz: number) => {
        const k = Math.round(hz / f0);
        return k >= 1 && Math.abs(hz - k * f0) < 0.016 * k * f0 + 10;
      };
      expect(lines.some((hz) => Math.abs(hz - f0) < 5)).toBe(true);
      expect(lines.filter((hz) => !partial(hz))).toEqual([]);
    },
  );

  it('renders a minute of ornamented melody whole in every voice (speed is in npm run bench)', () => {
    const notes: [number, number][] = [];
    for (let i = 0; i < 120; i++) notes.push([60 + ((i * 7) % 15), 1]);
    const long = score(notes, 120);
    long.notes.forEach((n, i) => {
      if (i % 5 === 0) n.marks = [{ kind: 'vibrato' }];
      if (i % 7 === 0) n.marks = [{ kind: 'trill' }];
      if (i % 11 === 0) n.marks = [{ kind: 'tremolo', value: 3 }];
    });
    for (const voice of VOICES) {
      const x = renderPreview(long, { voice });
      expect(x.length / SR).toBeCloseTo(60.5, 2);
      let peak = 0;
      for (const v of x) peak = Math.max(peak, Math.abs(v));
      expect(Number.isFinite(peak), voice).toBe(true);
      expect(20 * Math.log10(peak), voice).toBeCloseTo(-1, 1);
    }
  });
});

describe('renderPreview: limits', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (isZhiyinError(e)) {
        expect(e.message).not.toContain('\n');
        return e.code;
      }
      throw e;
    }
    return 'no error';
  };
  const s = score([[67, 1]]);

  it('refuses a preview over 20 minutes', () => {
    expect(MAX_PREVIEW_SECONDS).toBe(1200);
    expect(code(() => renderPreview(score([[67, 1200]]), { voice: 'plucked' }))).toBe(
      'LIMIT_EXCEEDED',
    );
    // 1199.5 s of score (a long rest, then a note) plus the 0.5 s tail is just allowed.
    expect(
      code(() =>
        renderPreview(
          score([
            [undefined, 1199],
            [67, 0.5],
          ]),
          { voice: 'plucked', sampleRate: 8000 },
        ),
      ),
    ).toBe('no error');
  });

  it('refuses tempi outside 10–400 and bad options', () => {
    for (const tempo of [5, 401, Number.NaN])
      expect(code(() => renderPreview(s, { voice: 'bowed', tempo }))).toBe('INVALID_ARGUMENT');
    expect(code(() => renderPreview({ ...s, tempo: 2 }, { voice: 'bowed' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => renderPreview(s, { voice: 'bowed', sampleRate: 1000 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => renderPreview(s, { voice: 'sung' as PreviewVoice }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('uses the score tempo, else 90', () => {
    expect(renderPreview({ ...s, tempo: 120 }, { voice: 'struck', sampleRate: 8000 }).length).toBe(
      Math.ceil(1 * 8000),
    );
    const { tempo: _, ...noTempo } = s;
    expect(renderPreview(noTempo, { voice: 'struck', sampleRate: 8000 }).length).toBe(
      Math.ceil((60 / 90 + 0.5) * 8000),
    );
  });
});

describe('previewVoiceFor', () => {
  it('maps the orchestral families to voices', () => {
    expect(previewVoiceFor('bowed')).toBe('bowed');
    expect(previewVoiceFor('plucked')).toBe('plucked');
    expect(previewVoiceFor('wind')).toBe('blown');
    expect(previewVoiceFor('struck')).toBe('struck');
    expect(previewVoiceFor('keyboard')).toBe('struck');
    expect(previewVoiceFor('percussion')).toBe('struck');
  });
});
