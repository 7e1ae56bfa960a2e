import { describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { pitchName, pitchToMidi } from '../theory/index.js';
import { frac, toNumber } from './fraction.js';
import { readMidiScore, scoreToMidi } from './midi.js';
import { readMusicXml, writeMusicXml } from './musicxml.js';
import { readMxl, writeMxl } from './mxl.js';
import { readScore } from './read.js';
import { melodyToScore, scoreToMelody, spellInKey, type Score } from './score.js';
import { parseXml } from './xml.js';

/** A hand-written MusicXML melody with every feature the reader claims. */
const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">
<score-partwise version="4.0">
  <work><work-title>Test &amp; tune</work-title></work>
  <identification><creator type="composer">Anon</creator></identification>
  <part-list><score-part id="P1"><part-name>Erhu</part-name>
    <midi-instrument id="I1"><midi-program>111</midi-program></midi-instrument></score-part></part-list>
  <part id="P1">
    <measure number="0" implicit="yes">
      <attributes><divisions>6</divisions><key><fifths>2</fifths><mode>major</mode></key>
        <time><beats>3</beats><beat-type>4</beat-type></time><clef><sign>G</sign><line>2</line></clef></attributes>
      <direction><direction-type><metronome><beat-unit>quarter</beat-unit><per-minute>72</per-minute></metronome></direction-type></direction>
      <note><pitch><step>A</step><octave>4</octave></pitch><duration>6</duration><voice>1</voice><type>quarter</type></note>
    </measure>
    <measure number="1">
      <direction><direction-type><words>dolce 柔和</words></direction-type></direction>
      <note><grace slash="yes"/><pitch><step>E</step><octave>5</octave></pitch><voice>1</voice><type>eighth</type></note>
      <note><pitch><step>D</step><octave>5</octave></pitch><duration>9</duration><voice>1</voice><type>quarter</type><dot/>
        <notations><ornaments><trill-mark/></ornaments></notations></note>
      <note><pitch><step>C</step><alter>1</alter><octave>5</octave></pitch><duration>3</duration><voice>1</voice><type>eighth</type></note>
      <note><chord/><pitch><step>E</step><octave>5</octave></pitch><duration>3</duration><voice>1</voice><type>eighth</type></note>
      <note><pitch><step>B</step><octave>4</octave></pitch><duration>6</duration><tie type="start"/><voice>1</voice><type>quarter</type>
        <notations><tied type="start"/><ornaments><wavy-line type="start"/></ornaments></notations></note>
      <backup><duration>18</duration></backup>
      <note><pitch><step>D</step><octave>3</octave></pitch><duration>18</duration><voice>2</voice><type>half</type><dot/></note>
    </measure>
    <measure number="2">
      <note><pitch><step>B</step><octave>4</octave></pitch><duration>2</duration><tie type="stop"/><voice>1</voice><type>eighth</type>
        <time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>
        <notations><tied type="stop"/><tuplet type="start"/></notations></note>
      <note><pitch><step>A</step><octave>4</octave></pitch><duration>2</duration><voice>1</voice><type>eighth</type>
        <time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>
        <notations><slide type="start">滑音</slide></notations></note>
      <note><pitch><step>G</step><octave>4</octave></pitch><duration>2</duration><voice>1</voice><type>eighth</type>
        <time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>
        <notations><slide type="stop"/><tuplet type="stop"/></notations></note>
      <note><rest/><duration>3</duration><voice>1</voice><type>eighth</type></note>
      <note><pitch><step>F</step><alter>1</alter><octave>4</octave></pitch><duration>3</duration><voice>1</voice><type>eighth</type>
        <notations><technical><bend><bend-alter>1</bend-alter><pre-bend/></bend><other-technical>按音 press-bend</other-technical></technical></notations></note>
      <note><pitch><step>E</step><octave>4</octave></pitch><duration>6</duration><voice>1</voice><type>quarter</type>
        <notations><ornaments><tremolo type="single">3</tremolo><mordent/></ornaments><articulations><accent/></articulations><fermata/></notations></note>
    </measure>
  </part>
</score-partwise>`;

/** What a round trip must keep: each note's pitch, exact duration, ties, grace and tuplet. */
function essence(score: Score) {
  return score.notes.map((n) => ({
    pitch: n.pitch ? pitchName(n.pitch, { ascii: true }) : 'rest',
    duration: `${n.duration.n}/${n.duration.d}`,
    tie: `${n.tieStop ? '<' : ''}${n.tieStart ? '>' : ''}`,
    grace: !!n.grace,
    tuplet: n.tuplet ? `${n.tuplet.actual}:${n.tuplet.normal}` : '',
    marks: (n.marks ?? []).map((m) => `${m.kind}${m.type ?? ''}${m.value ?? ''}${m.text ?? ''}`),
    directions: n.directions ?? [],
  }));
}

describe('MusicXML', () => {
  it('reads a hand-checked melody: header, pickup, first voice, top of chords, ties, tuplets, grace notes, marks', () => {
    const s = readMusicXml(SAMPLE);
    expect(s.title).toBe('Test & tune');
    expect(s.composer).toBe('Anon');
    expect(s.instrument).toEqual({ name: 'Erhu', program: 110 });
    expect(s.key).toEqual({ fifths: 2, mode: 'major' });
    expect(s.meter).toEqual({ beats: 3, beatType: 4 });
    expect(s.tempo).toBe(72);
    expect(s.pickup).toEqual(frac(1));
    const e = essence(s);
    expect(e.map((n) => n.pitch)).toEqual([
      'A4',
      'E5',
      'D5',
      'E5', // the chord's top note replaces C#5
      'B4',
      'B4',
      'A4',
      'G4',
      'rest',
      'F#4',
      'E4',
    ]);
    expect(e.map((n) => n.duration)).toEqual([
      '1/1',
      '0/1',
      '3/2',
      '1/2',
      '1/1',
      '1/3',
      '1/3',
      '1/3',
      '1/2',
      '1/2',
      '1/1',
    ]);
    expect(e[1]!.grace).toBe(true);
    expect(e[1]!.directions).toEqual(['dolce 柔和']);
    expect(e[2]!.marks).toEqual(['trill']);
    expect(e[4]!.tie).toBe('>');
    expect(e[4]!.marks).toEqual(['vibrato']);
    expect(e[5]!.tie).toBe('<');
    expect(e[5]!.tuplet).toBe('3:2');
    expect(e[6]!.marks).toEqual(['slidestart滑音']);
    expect(e[7]!.marks).toEqual(['slidestop']);
    expect(e[9]!.marks).toEqual(['bend1', 'technique按音 press-bend']);
    expect(e[10]!.marks).toEqual(['mordent', 'tremolo3', 'accent', 'fermata']);
    // Ties joined and grace notes left out for analysis: B4 lasts 1 + 1/3 quarters.
    const melody = scoreToMelody(s);
    expect(melody.map((n) => n.midi)).toEqual([69, 74, 76, 71, 69, 67, undefined, 66, 64]);
    expect(melody[3]!.duration).toBeCloseTo(4 / 3, 12);
  });

  it('round-trips MusicXML → model → MusicXML keeping every pitch, duration, tie, tuplet and mark', () => {
    const first = readMusicXml(SAMPLE);
    const xml = writeMusicXml(first);
    const second = readMusicXml(xml);
    expect(essence(second)).toEqual(essence(first));
    expect(second.pickup).toEqual(first.pickup);
    expect(second.key).toEqual(first.key);
    expect(second.meter).toEqual(first.meter);
    expect(second.tempo).toBe(72);
    expect(second.instrument).toEqual(first.instrument);
    // Text is escaped, and characters XML cannot hold are dropped rather than breaking the file.
    expect(readMusicXml(writeMusicXml({ ...first, title: 'A\u0001B <&> "x"' })).title).toBe(
      'AB <&> "x"',
    );
    // And stable from then on: writing again gives the same document.
    expect(writeMusicXml(second)).toBe(xml);
    // Accidentals are written where the key signature does not cover the note.
    expect(xml).not.toMatch(/<step>F<\/step><alter>1<\/alter>.*<accidental>/);
    expect(xml).toContain('<tuplet type="start" bracket="yes"/>');
  });

  it('splits notes at bar lines with ties, and lengths no single value spells into tied values', () => {
    // 5/4 of a quarter in 4/4 starting on beat 4: crosses the bar; 5 quarters = whole + quarter.
    const score = melodyToScore(
      [
        { midi: 60, duration: 3 },
        { midi: 62, duration: 5 / 4 },
        { midi: 64, duration: 5 },
        { duration: 2.75 },
      ],
      { meter: { beats: 4, beatType: 4 } },
    );
    const back = readMusicXml(writeMusicXml(score));
    const e = essence(back);
    expect(e.map((n) => `${n.pitch} ${n.duration} ${n.tie}`)).toEqual([
      'C4 3/1 ',
      'D4 1/1 >',
      'D4 1/4 <',
      'E4 3/1 >', // 3¾ quarters left in the bar: a dotted half and a dotted eighth
      'E4 3/4 <>',
      'E4 1/1 <>', // the 1¼ quarters in the next bar
      'E4 1/4 <',
      'rest 2/1 ',
      'rest 3/4 ',
    ]);
    // Joined again they are the original melody.
    expect(scoreToMelody(back)).toEqual([
      { midi: 60, duration: 3 },
      { midi: 62, duration: 1.25 },
      { midi: 64, duration: 5 },
      { duration: 2.75 },
    ]);
  });

  it('compressed MusicXML (.mxl) round-trips, and readScore sniffs every format from the bytes', () => {
    const score = readMusicXml(SAMPLE);
    const mxl = writeMxl(writeMusicXml(score));
    expect(essence(readMusicXml(readMxl(mxl)))).toEqual(essence(score));
    expect(essence(readScore(mxl, 'x.bin'))).toEqual(essence(score));
    expect(essence(readScore(new TextEncoder().encode(SAMPLE)))).toEqual(essence(score));
    const abc = readScore(
      new TextEncoder().encode('X:1\nT:t\nM:3/4\nL:1/8\nK:Bb\nB2 c2 d2|e6|]\n'),
    );
    expect(abc.key.fifths).toBe(-2);
    expect(abc.meter).toEqual({ beats: 3, beatType: 4 });
    expect(abc.notes.map((n) => pitchName(n.pitch!, { ascii: true }))).toEqual([
      'Bb4',
      'C5',
      'D5',
      'Eb5',
    ]);
    expect(readScore(new TextEncoder().encode('X:1\nK:Ador\nA|]\n')).key.fifths).toBe(1); // A Dorian: G major's signature
    expect(() => readScore(new TextEncoder().encode('hello'), 'x.txt')).toThrow(
      /x.txt is not a melody file/,
    );
  });
});

describe('MusicXML writing: found in review', () => {
  it('keeps octave-only transpositions, opens a bar with a grace note before its downbeat, and names inferred tuplets', () => {
    const guitar = { ...melodyToScore([{ midi: 52, duration: 1 }]), transpose: -12 };
    expect(readMusicXml(writeMusicXml(guitar)).transpose).toBe(-12);
    const s = melodyToScore(
      [
        { midi: 60, duration: 2 },
        { midi: 64, duration: 2 },
      ],
      { meter: { beats: 2, beatType: 4 } },
    );
    s.notes.splice(1, 0, {
      pitch: { step: 'D', alter: 0, octave: 4 },
      duration: frac(0),
      grace: { slash: true },
    });
    const xml = writeMusicXml(s);
    const bar2 = xml.slice(xml.indexOf('<measure number="2"'));
    expect(bar2.indexOf('<grace')).toBeGreaterThan(0);
    expect(bar2.indexOf('<grace')).toBeLessThan(bar2.indexOf('<step>E'));
    const triplets = melodyToScore(
      [62, 64, 66, 67].map((midi, i) => ({ midi, duration: i < 3 ? 1 / 3 : 3 })),
    );
    const back = readMusicXml(writeMusicXml(triplets));
    expect(back.notes.slice(0, 3).map((n) => n.tuplet)).toEqual(
      Array(3).fill({ actual: 3, normal: 2 }),
    );
    expect(writeMusicXml(triplets)).toContain('<type>eighth</type>');
    expect(writeMusicXml(triplets).match(/<tuplet type="(start|stop)"/g)).toEqual([
      '<tuplet type="start"',
      '<tuplet type="stop"',
    ]);
    // A group cut short still closes its bracket.
    const cut = melodyToScore([
      { midi: 60, duration: 1 / 3 },
      { midi: 62, duration: 1 / 3 },
      { midi: 64, duration: 1 },
    ]);
    expect(writeMusicXml(cut).match(/<tuplet type="(start|stop)"/g)).toEqual([
      '<tuplet type="start"',
      '<tuplet type="stop"',
    ]);
  });

  it('caps divisions for odd mixtures of tuplets, so the file stays readable', () => {
    const odd = melodyToScore(
      [3, 5, 7, 11, 13, 17, 19, 23].map((k) => ({ midi: 60, duration: 1 / k })),
      {
        resolution: 3 * 5 * 7 * 11 * 13 * 17 * 19 * 23,
      },
    );
    const back = readMusicXml(writeMusicXml(odd));
    back.notes.forEach((n, i) =>
      expect(toNumber(n.duration)).toBeCloseTo(toNumber(odd.notes[i]!.duration), 3),
    );
  });

  it('reads the upbeat of an ABC tune as a pickup bar', () => {
    const s = readScore(new TextEncoder().encode('X:1\nM:3/4\nL:1/4\nK:C\nG|c d e|f2 e|]\n'));
    expect(s.pickup).toEqual(frac(1));
    const xml = writeMusicXml(s);
    expect(xml).toContain('<measure number="0" implicit="yes">');
    expect(
      readScore(new TextEncoder().encode('X:1\nM:3/4\nL:1/4\nK:C\n|c d e|f2 e|]\n')).pickup,
    ).toBeUndefined();
  });
});

describe('MIDI writing', () => {
  it('round-trips MIDI → model → MIDI keeping pitches and durations exactly (ticks), with key, meter and tempo', () => {
    const score = melodyToScore(
      [
        { midi: 62, duration: 1 },
        { midi: 66, duration: 0.5 },
        { duration: 0.5 },
        { midi: 69, duration: 1 / 3 },
        { midi: 71, duration: 1 / 3 },
        { midi: 73, duration: 1 / 3 },
        { midi: 74, duration: 2.25 },
      ],
      { key: { fifths: 2 }, meter: { beats: 3, beatType: 4 }, tempo: 90 },
    );
    const once = readMidiScore(scoreToMidi(score));
    expect(essence(once)).toEqual(essence(score));
    expect(once.key.fifths).toBe(2);
    expect(once.meter).toEqual({ beats: 3, beatType: 4 });
    expect(once.tempo).toBeCloseTo(90, 6);
    const twice = readMidiScore(scoreToMidi(once));
    expect(essence(twice)).toEqual(essence(once));
  });

  it('keeps a rest before the first note, and titles in any script', () => {
    const s = melodyToScore(
      [{ duration: 3 }, { midi: 60, duration: 1 }, { midi: 62, duration: 2 }],
      {
        title: '茉莉花 Jasmine',
      },
    );
    s.instrument = { name: 'Erhu 二胡', program: 110 };
    const back = readMidiScore(scoreToMidi(s));
    expect(essence(back)).toEqual(essence(s));
    expect(back.title).toBe('茉莉花 Jasmine');
  });

  it('joins tied notes into one MIDI note, plays grace notes before the beat, writes bends', () => {
    const score = readMusicXml(SAMPLE);
    const bytes = scoreToMidi(score, {
      bends: (n) =>
        n.marks?.some((m) => m.kind === 'vibrato') ? [{ at: 0.5, semitones: 0.5 }] : [],
    });
    const back = readMidiScore(bytes);
    const melody = scoreToMelody(back).filter((n) => n.midi !== undefined);
    // The tied B4 is one note of 4/3 quarters; the grace E5 sounds (1/8) before D5.
    expect(melody.map((n) => n.midi)).toEqual([69, 76, 74, 76, 71, 69, 67, 66, 64]);
    expect(melody[4]!.duration).toBeCloseTo(4 / 3, 9);
    expect(melody[1]!.duration).toBeCloseTo(1 / 8, 9);
    expect(back.notes.length).toBeGreaterThan(0);
  });
});

describe('damaged MIDI', () => {
  const smf = (track: number[]) =>
    new Uint8Array([
      ...[0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 1, 0xe0],
      ...[0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, track.length],
      ...track,
    ]);
  it('refuses event streams that run past their track (the parser would loop for ever on some)', () => {
    // Found by fuzzing: a length of five 7-bit groups made @tonejs/midi hang.
    expect(() =>
      readMidiScore(smf([0, 0x90, 60, 64, 0, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x7f]), 'v.mid'),
    ).toThrow(/v.mid is a damaged MIDI file \(track 1 has a number longer than 4 bytes\)/);
    expect(() => readMidiScore(smf([0, 0x90, 60]), 'cut.mid')).toThrow(
      /track 1 ends inside an event/,
    );
    expect(() => readMidiScore(smf([0, 0x3c, 0x40]), 'rs.mid')).toThrow(
      /data without a status byte/,
    );
    const long = smf([0, 0x90, 60, 64]);
    long[21] = 200; // the chunk claims more bytes than the file has
    expect(() => readMidiScore(long, 'len.mid')).toThrow(/runs past the end of the file/);
  });
});

describe('hardened XML', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('refuses entity declarations (billion laughs, external entities) in one line', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><score-partwise>&lol2;</score-partwise>`;
    expect(() => readMusicXml(laughs, 'bomb.xml')).toThrow(/bomb.xml declares XML entities/);
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><score-partwise>&xxe;</score-partwise>`;
    expect(() => readMusicXml(xxe, 'xxe.xml')).toThrow(/declares XML entities/);
    // An undeclared entity is a well-formedness error, not an expansion.
    expect(() => parseXml('<a>&secret;</a>', 'x')).toThrow(/not well-formed XML/);
  });

  it('reads well-formed XML and refuses what is not, each in one line', () => {
    const doc = parseXml(
      '\ufeff<?xml version="1.0"?><!-- c --><a x="1 &amp; 2" y=\'&#x4E8C;&#33;\'><b>t&lt;1&gt;</b><![CDATA[<raw>]]><c/></a>\n',
      'x',
    );
    expect(doc.attrs).toEqual({ x: '1 & 2', y: '二!' });
    expect(doc.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(doc.children[0]!.text).toBe('t<1>');
    expect(doc.text).toBe('<raw>');
    const bad: [string, RegExp][] = [
      ['<a><b></a>', /<\/a> closes <b>/],
      ['<a></a></b>', /text after|closes nothing/],
      ['<a x=1/>', /not quoted/],
      ['<a x="1" x="2"/>', /given twice/],
      ['<a x="<"/>', /"<" in attribute x/],
      ['<a>&#0;</a>', /is not a character/],
      ['<a>AT&T</a>', /bare "&"|undefined entity/],
      ['<a/><b/>', /a second root element/],
      ['hello <a/>', /text before the root element/],
      ['<a><!-- open', /unclosed comment/],
      ['<a>', /ends inside <a>/],
      ['<a x="1"y="2"/>', /a bad attribute/],
      ['< a/>', /starts no tag/],
    ];
    for (const [xml, pattern] of bad) {
      expect(() => parseXml(xml, 'x'), xml).toThrow(pattern);
      expect(() => parseXml(xml, 'x'), xml).toThrow(/^x is not well-formed XML \(line 1: /);
    }
  });

  it('bounds depth, size and element count', () => {
    const deep =
      '<score-partwise>' + '<a>'.repeat(10_000) + '</a>'.repeat(10_000) + '</score-partwise>';
    expect(() => readMusicXml(deep, 'deep.xml')).toThrow(/nests XML elements over 64 deep/);
    const huge = 'x'.repeat(100 * 2 ** 20);
    expect(() => readMusicXml(huge, 'huge.xml')).toThrow(/100 MiB of XML/);
    expect(() => readScore(new Uint8Array(100 * 2 ** 20), 'huge.bin')).toThrow(
      /100 MiB; melody files above 32 MiB/,
    );
    expect(() =>
      parseXml('<a>' + '<b/>'.repeat(2000) + '</a>', 'x', { maxElements: 1000 }),
    ).toThrow(/over 1000 XML elements/);
  });

  it('says what is wrong with damaged or foreign files', () => {
    expect(() => readMusicXml('', 'e.xml')).toThrow(/e.xml is empty/);
    expect(() => readMusicXml('<score-partwise><part>', 'cut.xml')).toThrow(
      /cut.xml is not well-formed XML/,
    );
    expect(() => readMusicXml('<html></html>', 'page.xml')).toThrow(/root is <html>/);
    expect(() => readMusicXml('<score-timewise/>', 't.xml')).toThrow(/timewise/);
    expect(() =>
      readMusicXml(
        '<score-partwise><part><measure><note><pitch><step>H</step><octave>4</octave></pitch><duration>1</duration></note></measure></part></score-partwise>',
        'bad.xml',
      ),
    ).toThrow(/bad.xml is damaged at measure 1: a pitch needs a step/);
    expect(() => readMusicXml('<score-partwise><part></part></score-partwise>', 'n.xml')).toThrow(
      /no pitched notes/,
    );
    expect(() => readScore(enc('PK\u0003\u0004garbage'), 'z.mxl')).toThrow(
      /z.mxl is a damaged ZIP archive/,
    );
  });

  it('stops a ZIP bomb at the unpacked-size bound, even when the entry lies about its size', () => {
    const zeros = new Uint8Array(80 * 2 ** 20); // 80 MiB of zeros compress to ~80 KiB
    const bomb = zipSync({ 'score.musicxml': zeros }, { level: 9 });
    expect(bomb.length).toBeLessThan(1 << 20);
    // Declared sizes forged small: the counted stream still stops.
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    for (let i = 0; i < bomb.length - 4; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50) view.setUint32(i + 22, 100, true);
      if (sig === 0x02014b50) view.setUint32(i + 24, 100, true);
    }
    expect(() => readMxl(bomb, 'bomb.mxl')).toThrow(/bomb.mxl unpacks to over 64 MiB/);
    const noScore = zipSync({ 'readme.txt': strToU8('hi') });
    expect(() => readMxl(noScore, 'n.mxl')).toThrow(/without a MusicXML score/);
  });
});

describe('spelling', () => {
  it('spells by the key signature, and other tones with sharps or flats by the key', () => {
    expect(pitchName(spellInKey(66, -1), { ascii: true })).toBe('Gb4');
    expect(pitchName(spellInKey(66, 1), { ascii: true })).toBe('F#4');
    expect(pitchName(spellInKey(70, -2), { ascii: true })).toBe('Bb4');
    expect(pitchName(spellInKey(71, -7), { ascii: true })).toBe('Cb5');
    expect(pitchToMidi(spellInKey(71, -7))).toBe(71);
    expect(pitchName(spellInKey(65, 6), { ascii: true })).toBe('E#4');
  });
});
