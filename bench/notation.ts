/**
 * Music knowledge throughput on the fixture melodies (eval/melodies): key and mode detection,
 * analyse + advise (the whole advisor for one instrument, and for every Chinese instrument), and
 * MusicXML parsing beside musicxml-io (MIT, npm), a full MusicXML object model, on the same
 * documents. One core (Node's main thread); medians of interleaved rounds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseMusicXmlIo } from 'musicxml-io';
import { adaptMelody, renderPreview, type PreviewVoice } from '../src/arrange/index.js';
import { loadAtlas, packageRoot } from '../src/node/index.js';
import {
  melodyToScore,
  readMusicXml,
  readScore,
  scoreToMelody,
  writeMusicXml,
  type Score,
} from '../src/notation/index.js';
import { detectMode } from '../src/theory/index.js';
import { fmt, markdownTable, timeInterleaved } from './harness.js';

/** Fixture scores, and one long melody (a stress document for parse throughput). */
function material(): { scores: Score[]; xml: string[]; long: string } {
  const dir = join(packageRoot(), 'eval', 'melodies');
  const scores = readdirSync(dir)
    .filter((f) => f.endsWith('.abc'))
    .sort()
    .map((f) => readScore(readFileSync(join(dir, f)), f));
  const xml = scores.map((s) => writeMusicXml(s));
  const notes = scores.flatMap((s) => scoreToMelody(s));
  const long = writeMusicXml(
    melodyToScore(Array.from({ length: 40 }, () => notes).flat(), {
      title: 'Stress',
      key: { fifths: 0 },
      meter: { beats: 4, beatType: 4 },
    }),
  );
  return { scores, xml, long };
}

export async function benchNotation(smoke: boolean, rounds: number): Promise<string> {
  const { scores, xml, long } = material();
  const atlas = loadAtlas();
  const all = atlas.all();
  const melodies = scores.map((s) => scoreToMelody(s));
  const reps = smoke ? 1 : 20;
  const times = await timeInterleaved(
    [
      {
        name: 'detect',
        run: () => {
          for (let r = 0; r < reps; r++) for (const m of melodies) detectMode(m);
        },
      },
      {
        name: 'advise-erhu',
        run: () => {
          for (let r = 0; r < reps; r++)
            for (const s of scores) adaptMelody(s, all, { to: 'erhu', ornaments: 0.5 });
        },
      },
      {
        name: 'advise-auto',
        run: () => {
          for (const s of scores) adaptMelody(s, all, { to: 'auto', ornaments: 0.5 });
        },
      },
    ],
    rounds,
  );
  const perSecond = (name: string, count: number) => count / times.get(name)!;
  const detect = perSecond('detect', reps * melodies.length);
  const erhu = perSecond('advise-erhu', reps * scores.length);
  const auto = perSecond('advise-auto', scores.length);
  const chinese = all.filter((i) => i.tradition === 'chinese' && i.pitched).length;
  const notes = melodies.reduce((n, m) => n + m.filter((x) => x.midi !== undefined).length, 0);
  const speed = markdownTable(
    ['job', 'melodies per second', 'target'],
    [
      ['key and mode detection (`detectMode`)', fmt(detect), ''],
      [
        'analyse + advise for one instrument (`adaptMelody --to erhu`, ornaments 0.5)',
        fmt(erhu),
        `≥ 1,000: ${erhu >= 1000 ? 'met' : 'not met'}`,
      ],
      [`analyse + advise, best of ${chinese} Chinese instruments (\`--to auto\`)`, fmt(auto), ''],
    ],
  );
  const bytes = xml.reduce((n, x) => n + x.length, 0);
  const parseTimes = await timeInterleaved(
    [
      {
        name: 'ours',
        run: () => {
          for (let r = 0; r < reps; r++) xml.forEach((x) => readMusicXml(x));
        },
      },
      {
        name: 'io',
        run: () => {
          for (let r = 0; r < reps; r++) xml.forEach((x) => parseMusicXmlIo(x));
        },
      },
      { name: 'ours-long', run: () => readMusicXml(long) },
      { name: 'io-long', run: () => parseMusicXmlIo(long) },
    ],
    rounds,
  );
  const row = (label: string, name: string, docs: number, size: number) => [
    label,
    fmt(docs / parseTimes.get(name)!),
    fmt(size / 2 ** 20 / parseTimes.get(name)!),
  ];
  const parse = markdownTable(
    ['parser', 'documents per second', 'MiB per second'],
    [
      row(
        `ours (\`readMusicXml\`: our hardened scanner + score model), ${xml.length} fixtures`,
        'ours',
        reps * xml.length,
        reps * bytes,
      ),
      row(`musicxml-io \`parse\`, ${xml.length} fixtures`, 'io', reps * xml.length, reps * bytes),
      row(`ours, one ${fmt(long.length / 2 ** 20)} MiB melody`, 'ours-long', 1, long.length),
      row(`musicxml-io, one ${fmt(long.length / 2 ** 20)} MiB melody`, 'io-long', 1, long.length),
    ],
  );
  // The audio preview: every fixture adapted (ornaments 0.5) and rendered in each voice.
  const voices: [PreviewVoice, string][] = [
    ['plucked', 'pipa'],
    ['bowed', 'erhu'],
    ['blown', 'dizi-d'],
    ['struck', 'yangqin'],
  ];
  const adapted = voices.map(([voice, to]) => ({
    voice,
    to,
    scores: scores.map((s) => adaptMelody(s, all, { to, ornaments: 0.5 }).score),
  }));
  const audioSeconds = adapted.map((a) =>
    a.scores.reduce((t, s) => t + renderPreview(s, { voice: a.voice }).length / 44_100, 0),
  );
  const renderTimes = await timeInterleaved(
    adapted.map((a) => ({
      name: a.voice,
      run: () => a.scores.forEach((s) => renderPreview(s, { voice: a.voice })),
    })),
    smoke ? 1 : Math.max(3, Math.ceil(rounds / 2)),
  );
  const preview = markdownTable(
    ['voice (instrument)', 'audio rendered', '× real time'],
    adapted.map((a, i) => [
      `${a.voice} (${a.to})`,
      `${fmt(audioSeconds[i]!)} s`,
      fmt(audioSeconds[i]! / renderTimes.get(a.voice)!),
    ]),
  );
  const ratio = parseTimes.get('io')! / parseTimes.get('ours')!;
  const ratioLong = parseTimes.get('io-long')! / parseTimes.get('ours-long')!;
  return `Material: the ${scores.length} fixture melodies of eval/melodies (${notes} notes), read from ABC; for parsing, the same melodies written as MusicXML by us (${fmt(bytes / 1024)} KiB in all) and one long melody of ${fmt(long.length / 2 ** 20)} MiB. One core.\n\n${speed}\n\n${parse}\n\nOurs parses ${fmt(ratio)}× as fast as musicxml-io on the fixtures and ${fmt(ratioLong)}× on the long melody. They do different amounts of work: musicxml-io builds the whole MusicXML object model of every part and voice; ours reads one melody line into the score model behind a hardened parser (entity declarations refused, depth and element count bounded).\n\nAudio preview (\`renderPreview\`, mono 44.1 kHz), every fixture adapted with ornaments 0.5:\n\n${preview}`;
}
