/**
 * Jianpu (简谱, numbered notation) as text: a key line such as "1=D 4/4", then the melody in
 * bars. Degrees 1–7 of the major scale on the tonic (♯ or ♭ written before the number for the
 * others), octave dots as combining marks (a dot above for each octave up, below for each
 * octave down, from the octave starting at the tonic above middle C: 1=D → D4 is 1), durations
 * as jianpu writes them with a quarter note as the beat: a dash per extra beat (5 - -), a
 * dot for half as much again (5·), one underline for a half beat and two for a quarter, and 0
 * for a rest. A note that crosses a bar line is split there and tied (⁀). Lengths jianpu has
 * no single sign for (triplets, 5/8 …) are written as the nearest quarter beat and counted.
 */
import type { MelodyNote } from '../theory/index.js';

export interface JianpuOptions {
  /** Pitch class of 1 (do), e.g. 2 for D. */
  tonicPc: number;
  /** How the key line names the tonic (default from the pitch class, e.g. "E♭"). */
  tonicName?: string;
  /** Meter for the key line and the bar lines (default "4/4"). */
  meter?: string;
}

export interface Jianpu {
  text: string;
  /** How many notes had lengths written as the nearest quarter beat. */
  approximated: number;
}

const DEGREES = ['1', '♯1', '2', '♭3', '3', '4', '♯4', '5', '♭6', '6', '♭7', '7'];
const PC_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
const DOT_ABOVE = '\u0307',
  DOT_BELOW = '\u0323',
  UNDERLINE = '\u0332',
  DOUBLE_UNDERLINE = '\u0333';

/** The jianpu symbol of a MIDI note: degree with accidental and octave dots. */
export function jianpuSymbol(midi: number, tonicPc: number): string {
  const rel = Math.round(midi) - (60 + tonicPc);
  const octave = Math.floor(rel / 12);
  const degree = DEGREES[((rel % 12) + 12) % 12]!;
  return degree + (octave > 0 ? DOT_ABOVE.repeat(octave) : DOT_BELOW.repeat(-octave));
}

/** One note (or rest) of `beats` as jianpu tokens; lengths on the quarter-beat grid. */
function tokens(symbol: string, beats: number, rest: boolean): string[] {
  const q = Math.round(beats * 4) / 4;
  if (q === 0.25) return [symbol + DOUBLE_UNDERLINE];
  if (q === 0.5) return [symbol + UNDERLINE];
  if (q === 0.75) return [`${symbol + UNDERLINE}·`];
  if (q === 1.5) return [`${symbol}·`];
  const whole = Math.floor(q),
    frac = q - whole;
  // Rests repeat the 0; notes hold with dashes.
  const out = [symbol, ...Array<string>(Math.max(0, whole - 1)).fill(rest ? '0' : '-')];
  if (frac) out.push(...tokens(rest ? '0' : '-', frac, rest));
  return out;
}

/**
 * @example jianpuText(notes, { tonicPc: 2, meter: '2/4' }).text // "1=D 2/4\n| 3 3̲ 5̲ | …"
 */
export function jianpuText(notes: MelodyNote[], options: JianpuOptions): Jianpu {
  const meter = options.meter ?? '4/4';
  const [n, d] = meter.split('/').map(Number);
  const barBeats = n && d ? (n * 4) / d : 4;
  const bars: string[][] = [[]];
  let inBar = 0,
    approximated = 0;
  for (const note of notes) {
    if (!(note.duration > 0)) continue;
    const q = Math.round(note.duration * 4) / 4;
    if (Math.abs(q - note.duration) > 1e-6 || q === 0) approximated++;
    let left = Math.max(0.25, q);
    const symbol = note.midi === undefined ? '0' : jianpuSymbol(note.midi, options.tonicPc);
    let first = true;
    while (left > 1e-9) {
      const part = Math.min(left, barBeats - inBar);
      const t = tokens(
        first ? symbol : note.midi === undefined ? '0' : symbol,
        part,
        note.midi === undefined,
      );
      if (!first && note.midi !== undefined) t[0] = `⁀${t[0]}`;
      bars[bars.length - 1]!.push(...t);
      inBar += part;
      left -= part;
      first = false;
      if (inBar >= barBeats - 1e-9) {
        bars.push([]);
        inBar = 0;
      }
    }
  }
  if (!bars[bars.length - 1]!.length) bars.pop();
  const key = `1=${options.tonicName ?? PC_NAMES[((options.tonicPc % 12) + 12) % 12]} ${meter}`;
  const body = bars.map((b) => b.join(' ')).join(' | ');
  return { text: `${key}\n| ${body} ‖`, approximated };
}
