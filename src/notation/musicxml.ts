/**
 * MusicXML (4.0, score-partwise) to and from the score model: one part, its first voice, with
 * ties, tuplets, grace notes, ornaments (trill, mordents, turn, vibrato as a wavy line, single-note
 * tremolo), techniques (bend, named techniques as other-technical), slides and glissandi,
 * articulations, fermatas and text directions. Chords keep their top note (the melody).
 * Durations are read exactly from `divisions`, and written with divisions = the least common
 * denominator, so a read–write–read round trip keeps every pitch and duration.
 */
import { ZhiyinError } from '../errors/index.js';
import { pitchToMidi, STEPS, type Step } from '../theory/index.js';
import {
  add,
  compare,
  frac,
  fromNumber,
  lcm,
  mul,
  sub,
  toNumber,
  ZERO,
  type Fraction,
} from './fraction.js';
import { barLength, type Mark, type Score, type ScoreNote } from './score.js';
import { child, childText, childrenNamed, escapeXml, parseXml, type XmlElement } from './xml.js';
import { short } from './quote.js';

const MAX_NOTES = 1_000_000;

/**
 * @example const score = readMusicXml(readFileSync('tune.musicxml', 'utf8'));
 */
export function readMusicXml(text: string, name = 'the MusicXML file'): Score {
  const root = parseXml(text, name);
  if (root.name === 'score-timewise')
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} is timewise MusicXML; save it as partwise MusicXML (the usual form) and try again.`,
    );
  if (root.name !== 'score-partwise')
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} is XML but not MusicXML (its root is <${short(root.name)}>, not <score-partwise>).`,
    );
  const scorePart = child(child(root, 'part-list'), 'score-part');
  const part = child(root, 'part');
  if (!part) throw new ZhiyinError('EMPTY_INPUT', `${name} has no <part>: there are no notes.`);
  const creator = childrenNamed(child(root, 'identification'), 'creator').find(
    (c) => c.attrs.type === 'composer',
  );
  const program = Number(childText(child(scorePart, 'midi-instrument'), 'midi-program'));
  const score: Score = {
    title: childText(child(root, 'work'), 'work-title') ?? childText(root, 'movement-title') ?? '',
    ...(creator?.text ? { composer: creator.text } : {}),
    key: { fifths: 0 },
    meter: { beats: 4, beatType: 4 },
    notes: [],
  };
  const partName = childText(scorePart, 'part-name');
  if (partName || Number.isInteger(program))
    score.instrument = {
      name: partName ?? '',
      ...(Number.isInteger(program) && program >= 1 && program <= 128
        ? { program: program - 1 }
        : {}),
    };
  let divisions = 1;
  let haveKey = false,
    haveMeter = false;
  let voice: string | undefined;
  let pending: string[] = [];
  childrenNamed(part, 'measure').forEach((measure, mi) => {
    const where = `measure ${short(measure.attrs.number ?? String(mi + 1))}`;
    let length: Fraction = ZERO;
    for (const el of measure.children) {
      if (el.name === 'attributes') {
        const div = Number(childText(el, 'divisions'));
        if (childText(el, 'divisions') !== undefined) {
          if (!(div > 0) || !Number.isFinite(div))
            throw corrupt(name, where, `divisions must be a positive number`);
          divisions = div;
        }
        const key = child(el, 'key');
        if (key && !haveKey && childText(key, 'fifths') !== undefined) {
          const fifths = Number(childText(key, 'fifths'));
          if (!Number.isInteger(fifths) || Math.abs(fifths) > 7)
            throw corrupt(name, where, `key fifths must be a whole number from −7 to 7`);
          const mode = childText(key, 'mode');
          score.key = { fifths, ...(mode ? { mode } : {}) };
          haveKey = true;
        }
        const time = child(el, 'time');
        if (time && !haveMeter) {
          const beats = (childText(time, 'beats') ?? '')
            .split('+')
            .reduce((s, b) => s + Number(b), 0);
          const beatType = Number(childText(time, 'beat-type'));
          if (beats > 0 && Number.isInteger(beats) && [1, 2, 4, 8, 16, 32].includes(beatType)) {
            score.meter = { beats, beatType };
            haveMeter = true;
          }
        }
        const transpose = child(el, 'transpose');
        if (transpose && score.transpose === undefined) {
          // Octave-only transpositions (guitar, double bass, piccolo) count too.
          const total =
            (Number(childText(transpose, 'chromatic')) || 0) +
            12 * (Number(childText(transpose, 'octave-change')) || 0);
          if (Number.isInteger(total) && total !== 0 && Math.abs(total) <= 48)
            score.transpose = total;
        }
      } else if (el.name === 'direction') {
        for (const type of childrenNamed(el, 'direction-type')) {
          for (const w of childrenNamed(type, 'words')) if (w.text) pending.push(w.text);
          const metronome = child(type, 'metronome');
          const perMinute = Number(childText(metronome, 'per-minute'));
          if (score.tempo === undefined && perMinute > 0) {
            const unit = BEAT_UNITS[childText(metronome, 'beat-unit') ?? 'quarter'] ?? 1;
            const dots = childrenNamed(metronome, 'beat-unit-dot').length;
            score.tempo = perMinute * unit * (dots ? 2 - 0.5 ** dots : 1);
          }
        }
        const tempo = Number(child(el, 'sound')?.attrs.tempo);
        if (score.tempo === undefined && tempo > 0) score.tempo = tempo;
      } else if (el.name === 'sound') {
        const tempo = Number(el.attrs.tempo);
        if (score.tempo === undefined && tempo > 0) score.tempo = tempo;
      } else if (el.name === 'forward') {
        const v = childText(el, 'voice');
        if (voice !== undefined && v !== undefined && v !== voice) continue;
        const duration = readDuration(el, divisions, name, where);
        score.notes.push({ duration });
        length = add(length, duration);
      } else if (el.name === 'note') {
        const v = childText(el, 'voice') ?? '1';
        voice ??= v;
        if (v !== voice) continue;
        const note = readNote(el, divisions, name, where);
        if (child(el, 'chord')) {
          // A chord: the melody is its top note.
          const last = score.notes[score.notes.length - 1];
          if (last?.pitch && note.pitch && pitchToMidi(note.pitch) > pitchToMidi(last.pitch))
            last.pitch = note.pitch;
          continue;
        }
        if (pending.length) {
          note.directions = pending;
          pending = [];
        }
        score.notes.push(note);
        length = add(length, note.duration);
        if (score.notes.length > MAX_NOTES)
          throw new ZhiyinError(
            'LIMIT_EXCEEDED',
            `${name} has over ${MAX_NOTES} notes in its first part; that is no melody.`,
          );
      }
    }
    if (mi === 0 && compare(length, ZERO) > 0) {
      const bar = barLength(score);
      if (measure.attrs.implicit === 'yes' || compare(length, bar) < 0) score.pickup = length;
    }
  });
  if (!score.notes.some((n) => n.pitch))
    throw new ZhiyinError('EMPTY_INPUT', `${name} holds no pitched notes in its first part.`);
  return score;
}

/** Quarter notes per beat unit. */
const BEAT_UNITS: Record<string, number> = {
  breve: 8,
  whole: 4,
  half: 2,
  quarter: 1,
  eighth: 0.5,
  '16th': 0.25,
  '32nd': 0.125,
};

function corrupt(name: string, where: string, what: string): ZhiyinError {
  return new ZhiyinError('CORRUPT_DATA', `${name} is damaged at ${where}: ${what}.`);
}

function readDuration(el: XmlElement, divisions: number, name: string, where: string): Fraction {
  const text = childText(el, 'duration');
  const value = Number(text);
  if (text === undefined || !(value >= 0) || !Number.isFinite(value) || value > 1e9)
    throw corrupt(name, where, `a note needs a <duration> of zero or more`);
  return Number.isInteger(value) && Number.isInteger(divisions)
    ? frac(value, divisions)
    : fromNumber(value / divisions, 10_080);
}

function readNote(el: XmlElement, divisions: number, name: string, where: string): ScoreNote {
  const grace = child(el, 'grace');
  const note: ScoreNote = {
    duration: grace ? ZERO : readDuration(el, divisions, name, where),
  };
  if (grace) note.grace = { slash: grace.attrs.slash === 'yes' };
  const pitch = child(el, 'pitch');
  if (pitch) {
    const step = childText(pitch, 'step') as Step;
    const octave = Number(childText(pitch, 'octave'));
    const alter = Math.round(Number(childText(pitch, 'alter') ?? 0));
    if (!STEPS.includes(step) || !Number.isInteger(octave) || octave < -1 || octave > 9)
      throw corrupt(name, where, `a pitch needs a step A–G and an octave −1 to 9`);
    if (!(Math.abs(alter) <= 2)) throw corrupt(name, where, `alter must be −2 to 2`);
    note.pitch = { step, alter, octave };
  }
  const tm = child(el, 'time-modification');
  if (tm) {
    const actual = Number(childText(tm, 'actual-notes')),
      normal = Number(childText(tm, 'normal-notes'));
    if (actual > 0 && normal > 0 && actual !== normal) note.tuplet = { actual, normal };
  }
  for (const tie of childrenNamed(el, 'tie')) {
    if (tie.attrs.type === 'start') note.tieStart = true;
    if (tie.attrs.type === 'stop') note.tieStop = true;
  }
  const marks: Mark[] = [];
  for (const notations of childrenNamed(el, 'notations'))
    for (const n of notations.children) {
      if (n.name === 'tied') {
        if (n.attrs.type === 'start') note.tieStart = true;
        if (n.attrs.type === 'stop') note.tieStop = true;
      } else if (n.name === 'ornaments') {
        for (const o of n.children) {
          const kind = ORNAMENT_READ[o.name];
          if (kind) marks.push({ kind });
          else if (o.name === 'wavy-line' && o.attrs.type === 'start')
            marks.push({ kind: 'vibrato' });
          else if (o.name === 'tremolo' && (o.attrs.type ?? 'single') === 'single')
            marks.push({ kind: 'tremolo', value: Math.min(8, Math.max(1, Number(o.text) || 3)) });
          else if (o.name === 'other-ornament' && o.text)
            marks.push({ kind: 'technique', text: o.text });
        }
      } else if (n.name === 'technical') {
        for (const t of n.children) {
          if (t.name === 'bend') {
            const alter = Number(childText(t, 'bend-alter'));
            marks.push({ kind: 'bend', ...(Number.isFinite(alter) ? { value: alter } : {}) });
          } else if (t.name === 'other-technical' && t.text)
            marks.push({ kind: 'technique', text: t.text });
        }
      } else if (n.name === 'articulations') {
        for (const a of n.children)
          if (a.name === 'staccato' || a.name === 'accent') marks.push({ kind: a.name });
      } else if (n.name === 'fermata') marks.push({ kind: 'fermata' });
      else if ((n.name === 'slide' || n.name === 'glissando') && n.attrs.type) {
        const type = n.attrs.type === 'stop' ? 'stop' : 'start';
        marks.push({ kind: n.name, type, ...(n.text ? { text: n.text } : {}) });
      }
    }
  if (marks.length)
    note.marks = marks.sort((a, b) => MARK_ORDER.indexOf(a.kind) - MARK_ORDER.indexOf(b.kind));
  return note;
}

/** The order marks are kept in (document order varies between writers). */
const MARK_ORDER: Mark['kind'][] = [
  'trill',
  'mordent',
  'inverted-mordent',
  'turn',
  'vibrato',
  'tremolo',
  'bend',
  'technique',
  'slide',
  'glissando',
  'staccato',
  'accent',
  'fermata',
];

const ORNAMENT_READ: Record<string, Mark['kind']> = {
  'trill-mark': 'trill',
  mordent: 'mordent',
  'inverted-mordent': 'inverted-mordent',
  turn: 'turn',
  'inverted-turn': 'turn',
};

// ---------------------------------------------------------------- writing

/** Written note types and their length in quarter notes. */
const TYPES: [string, Fraction][] = [
  ['breve', frac(8)],
  ['whole', frac(4)],
  ['half', frac(2)],
  ['quarter', frac(1)],
  ['eighth', frac(1, 2)],
  ['16th', frac(1, 4)],
  ['32nd', frac(1, 8)],
  ['64th', frac(1, 16)],
  ['128th', frac(1, 32)],
];

/** The type and dots that spell a written length exactly, if any. */
function spell(length: Fraction): { type: string; dots: number } | undefined {
  for (const [type, value] of TYPES)
    for (let dots = 0; dots <= 2; dots++) {
      const total = mul(value, frac(2 ** (dots + 1) - 1, 2 ** dots));
      if (compare(total, length) === 0) return { type, dots };
    }
  return undefined;
}

/** The largest plain or dotted length not above `length` (for splitting into tied notes). */
function largestFit(length: Fraction): Fraction | undefined {
  let best: Fraction | undefined;
  for (const [, value] of TYPES)
    for (let dots = 0; dots <= 1; dots++) {
      const total = mul(value, frac(2 ** (dots + 1) - 1, 2 ** dots));
      if (compare(total, length) <= 0 && (!best || compare(total, best) > 0)) best = total;
    }
  return best;
}

/** The nearest type for a length no type spells (the duration stays exact). */
function nearestType(length: Fraction): { type: string; dots: number } {
  const x = toNumber(length);
  let best = TYPES[3]!;
  for (const t of TYPES)
    if (Math.abs(Math.log2(toNumber(t[1]) / x)) < Math.abs(Math.log2(toNumber(best[1]) / x)))
      best = t;
  return { type: best[0], dots: 0 };
}

const isPowerOfTwo = (d: number) => (d & (d - 1)) === 0;

/** The tuplet that makes a length a plain or dotted value (1/3 → a triplet eighth), if any. */
function inferTuplet(length: Fraction): { actual: number; normal: number } | undefined {
  if (isPowerOfTwo(length.d)) return undefined;
  for (const [actual, normal] of [
    [3, 2],
    [5, 4],
    [6, 4],
    [7, 4],
    [9, 8],
  ] as const)
    if (spell(mul(length, frac(actual, normal)))) return { actual, normal };
  return undefined;
}

interface Piece {
  note: ScoreNote;
  duration: Fraction;
  /** First and last piece of a note split at bar lines or into tied values. */
  first: boolean;
  last: boolean;
}

/** The notes cut into bars (at bar lines, with ties) and into spellable values. */
function measuresOf(score: Score): Piece[][] {
  const bar = barLength(score);
  const measures: Piece[][] = [[]];
  let room = score.pickup && compare(score.pickup, ZERO) > 0 ? score.pickup : bar;
  let lastTimed = -1;
  score.notes.forEach((n, i) => {
    if (!n.grace && compare(n.duration, ZERO) > 0) lastTimed = i;
  });
  for (const [index, note] of score.notes.entries()) {
    if (note.grace || compare(note.duration, ZERO) === 0) {
      // A grace note before a downbeat opens the new bar rather than ending the full one.
      if (compare(room, ZERO) === 0 && index < lastTimed) {
        measures.push([]);
        room = bar;
      }
      measures[measures.length - 1]!.push({ note, duration: ZERO, first: true, last: true });
      continue;
    }
    const mine: Piece[] = [];
    let left = note.duration;
    while (compare(left, ZERO) > 0) {
      if (compare(room, ZERO) === 0) {
        measures.push([]);
        room = bar;
      }
      const take = compare(left, room) < 0 ? left : room;
      // Each part in a bar as one value when it can be spelled, else as tied values.
      const values = note.tuplet || !isPowerOfTwo(take.d) || spell(take) ? [take] : split(take);
      for (const duration of values) {
        const piece = { note, duration, first: false, last: false };
        measures[measures.length - 1]!.push(piece);
        mine.push(piece);
      }
      left = sub(left, take);
      room = sub(room, take);
    }
    mine[0]!.first = true;
    mine[mine.length - 1]!.last = true;
  }
  return measures.filter((m, i) => m.length || i === 0);
}

function split(length: Fraction): Fraction[] {
  const out: Fraction[] = [];
  let left = length;
  while (compare(left, ZERO) > 0) {
    const take = largestFit(left);
    if (!take) {
      out.push(left);
      break;
    }
    out.push(take);
    left = sub(left, take);
  }
  return out;
}

export interface WriteMusicXmlOptions {
  /** Written into <encoding><software> (default "Zhiyin"). */
  software?: string;
}

/**
 * A MusicXML 4.0 partwise document for a score.
 * @example writeFileSync('out.musicxml', writeMusicXml(score));
 */
export function writeMusicXml(score: Score, options: WriteMusicXmlOptions = {}): string {
  const measures = measuresOf(score);
  let divisions = lcm(barLength(score).d, score.pickup?.d ?? 1);
  for (const m of measures) for (const p of m) divisions = lcm(divisions, p.duration.d);
  // Odd mixtures of tuplets (1/3, 1/5 … 1/43) would need a huge divisions: round to 10080 instead.
  if (divisions > 1_000_000) divisions = 10_080;
  const out: string[] = [];
  const w = (s: string) => out.push(s);
  w('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  w(
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">',
  );
  w('<score-partwise version="4.0">');
  if (score.title) w(`  <work><work-title>${escapeXml(score.title)}</work-title></work>`);
  w('  <identification>');
  if (score.composer) w(`    <creator type="composer">${escapeXml(score.composer)}</creator>`);
  w(`    <encoding><software>${escapeXml(options.software ?? 'Zhiyin')}</software></encoding>`);
  w('  </identification>');
  const instrument = score.instrument;
  w('  <part-list>');
  w('    <score-part id="P1">');
  w(`      <part-name>${escapeXml(instrument?.name || 'Melody')}</part-name>`);
  if (instrument?.program !== undefined)
    w(
      `      <midi-instrument id="P1-I1"><midi-channel>1</midi-channel><midi-program>${instrument.program + 1}</midi-program></midi-instrument>`,
    );
  w('    </score-part>');
  w('  </part-list>');
  w('  <part id="P1">');
  const midis = score.notes.filter((n) => n.pitch).map((n) => pitchToMidi(n.pitch!));
  const median = midis.sort((a, b) => a - b)[Math.floor(midis.length / 2)] ?? 67;
  let tupletLeft: Fraction | undefined;
  // A group cut short (by a bar line's end of score or a plain note) still gets its stop.
  let lastTupletNote = -1;
  const closeTuplet = () => {
    const line = out[lastTupletNote];
    if (line === undefined) return;
    out[lastTupletNote] = line.includes('</notations>')
      ? line.replace('</notations>', '<tuplet type="stop"/></notations>')
      : line.replace(/<\/note>$/, '<notations><tuplet type="stop"/></notations></note>');
  };
  measures.forEach((pieces, mi) => {
    const implicit = mi === 0 && score.pickup && compare(score.pickup, ZERO) > 0;
    w(
      `    <measure number="${implicit ? 0 : mi + (score.pickup ? 0 : 1)}"${implicit ? ' implicit="yes"' : ''}>`,
    );
    if (mi === 0) {
      w('      <attributes>');
      w(`        <divisions>${divisions}</divisions>`);
      w(
        `        <key><fifths>${score.key.fifths}</fifths>${score.key.mode ? `<mode>${escapeXml(score.key.mode)}</mode>` : ''}</key>`,
      );
      w(
        `        <time><beats>${score.meter.beats}</beats><beat-type>${score.meter.beatType}</beat-type></time>`,
      );
      w(
        median < 57
          ? '        <clef><sign>F</sign><line>4</line></clef>'
          : '        <clef><sign>G</sign><line>2</line></clef>',
      );
      if (score.transpose) {
        const octaves = Math.trunc(score.transpose / 12);
        const chromatic = score.transpose - 12 * octaves;
        w(
          `        <transpose><diatonic>${Math.round((chromatic * 7) / 12)}</diatonic><chromatic>${chromatic}</chromatic>${octaves ? `<octave-change>${octaves}</octave-change>` : ''}</transpose>`,
        );
      }
      w('      </attributes>');
      if (score.tempo)
        w(
          `      <direction placement="above"><direction-type><metronome><beat-unit>quarter</beat-unit><per-minute>${round(score.tempo)}</per-minute></metronome></direction-type><sound tempo="${round(score.tempo)}"/></direction>`,
        );
    }
    // Accidentals in force in this bar: the key signature, then each written accidental.
    const inForce = new Map<string, number>();
    for (const p of pieces) {
      const { note } = p;
      if (p.first)
        for (const d of note.directions ?? [])
          w(
            `      <direction placement="above"><direction-type><words>${escapeXml(d)}</words></direction-type></direction>`,
          );
      const body: string[] = [];
      if (note.grace) body.push(`<grace${note.grace.slash ? ' slash="yes"' : ''}/>`);
      if (note.pitch) {
        const { step, alter, octave } = note.pitch;
        body.push(
          `<pitch><step>${step}</step>${alter ? `<alter>${alter}</alter>` : ''}<octave>${octave}</octave></pitch>`,
        );
      } else body.push('<rest/>');
      if (!note.grace)
        body.push(
          `<duration>${Math.max(1, Math.round((p.duration.n * divisions) / p.duration.d))}</duration>`,
        );
      const tieStop = note.pitch && (p.first ? note.tieStop : true);
      const tieStart = note.pitch && (p.last ? note.tieStart : true);
      if (tieStop) body.push('<tie type="stop"/>');
      if (tieStart) body.push('<tie type="start"/>');
      body.push('<voice>1</voice>');
      // Tuplets a source did not name (ABC, MIDI, transcription) are inferred from the length.
      const tuplet = note.grace ? undefined : (note.tuplet ?? inferTuplet(p.duration));
      const written = note.grace
        ? frac(1, 2)
        : tuplet
          ? mul(p.duration, frac(tuplet.actual, tuplet.normal))
          : p.duration;
      const look = spell(written) ?? nearestType(written);
      body.push(`<type>${look.type}</type>`);
      for (let i = 0; i < look.dots; i++) body.push('<dot/>');
      if (note.pitch) {
        const k = `${note.pitch.step}${note.pitch.octave}`;
        const current = inForce.get(k) ?? keyAlter(score.key.fifths, note.pitch.step);
        if (current !== note.pitch.alter) {
          body.push(`<accidental>${ACCIDENTAL_NAMES[note.pitch.alter]}</accidental>`);
          inForce.set(k, note.pitch.alter);
        }
      }
      const notations: string[] = [];
      if (tieStop) notations.push('<tied type="stop"/>');
      if (tieStart) notations.push('<tied type="start"/>');
      if (tuplet) {
        body.push(
          `<time-modification><actual-notes>${tuplet.actual}</actual-notes><normal-notes>${tuplet.normal}</normal-notes></time-modification>`,
        );
        // A bracket over each group that fills `normal` notes of the first note's value.
        if (!tupletLeft) {
          tupletLeft = mul(written, frac(tuplet.normal));
          notations.push('<tuplet type="start" bracket="yes"/>');
        }
        tupletLeft = sub(tupletLeft, p.duration);
        if (compare(tupletLeft, ZERO) <= 0) {
          notations.push('<tuplet type="stop"/>');
          tupletLeft = undefined;
        }
      } else if (!note.grace && tupletLeft) {
        closeTuplet();
        tupletLeft = undefined;
      }
      const marks = p.first ? (note.marks ?? []) : [];
      const ornaments: string[] = [],
        technical: string[] = [],
        articulations: string[] = [];
      for (const m of marks) {
        if (m.kind === 'trill') ornaments.push('<trill-mark/>');
        else if (m.kind === 'mordent' || m.kind === 'inverted-mordent' || m.kind === 'turn')
          ornaments.push(`<${m.kind}/>`);
        else if (m.kind === 'vibrato')
          ornaments.push('<wavy-line type="start"/><wavy-line type="stop"/>');
        else if (m.kind === 'tremolo')
          ornaments.push(`<tremolo type="single">${Math.round(m.value ?? 3)}</tremolo>`);
        else if (m.kind === 'bend')
          technical.push(
            `<bend>${m.value !== undefined ? `<bend-alter>${round(m.value)}</bend-alter>` : ''}<pre-bend/></bend>`,
          );
        else if (m.kind === 'technique')
          technical.push(`<other-technical>${escapeXml(m.text ?? '')}</other-technical>`);
        else if (m.kind === 'staccato' || m.kind === 'accent') articulations.push(`<${m.kind}/>`);
        else if (m.kind === 'fermata') notations.push('<fermata/>');
        else if (m.kind === 'slide' || m.kind === 'glissando')
          notations.push(
            `<${m.kind} type="${m.type ?? 'start'}" line-type="${m.kind === 'slide' ? 'solid' : 'wavy'}">${escapeXml(m.text ?? '')}</${m.kind}>`,
          );
      }
      if (ornaments.length) notations.push(`<ornaments>${ornaments.join('')}</ornaments>`);
      if (technical.length) notations.push(`<technical>${technical.join('')}</technical>`);
      if (articulations.length)
        notations.push(`<articulations>${articulations.join('')}</articulations>`);
      if (notations.length) body.push(`<notations>${notations.join('')}</notations>`);
      w(`      <note>${body.join('')}</note>`);
      if (tupletLeft) lastTupletNote = out.length - 1;
    }
    if (mi === measures.length - 1)
      w('      <barline location="right"><bar-style>light-heavy</bar-style></barline>');
    w('    </measure>');
  });
  if (tupletLeft) closeTuplet();
  w('  </part>');
  w('</score-partwise>');
  return `${out.join('\n')}\n`;
}

const ACCIDENTAL_NAMES: Record<number, string> = {
  [-2]: 'flat-flat',
  [-1]: 'flat',
  0: 'natural',
  1: 'sharp',
  2: 'double-sharp',
};

/** The alteration a key signature gives a letter. */
function keyAlter(fifths: number, step: Step): number {
  const sharps = ['F', 'C', 'G', 'D', 'A', 'E', 'B'];
  if (fifths > 0) return sharps.indexOf(step) < fifths ? 1 : 0;
  if (fifths < 0) return [...sharps].reverse().indexOf(step) < -fifths ? -1 : 0;
  return 0;
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
