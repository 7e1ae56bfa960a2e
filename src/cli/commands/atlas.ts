/**
 * `zhiyin atlas [QUERY]` lists instruments of the bilingual atlas (by name in any script, family,
 * technique or range); `zhiyin atlas show NAME` prints one instrument's card with its sources.
 */
import type { Command } from 'commander';
import {
  midiToName,
  spanToNames,
  type Atlas,
  type Instrument,
  type OrchestralFamily,
} from '../../atlas/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { loadAtlas } from '../../node/index.js';
import { parsePitch, pitchToMidi } from '../../theory/index.js';
import { table, toJson } from '../format.js';

interface ListFlags {
  family?: string;
  technique?: string;
  range?: string;
  json?: boolean;
}

const FAMILY_ZH: Record<OrchestralFamily, string> = {
  bowed: '拉弦',
  plucked: '弹拨',
  struck: '击弦',
  wind: '吹管',
  percussion: '打击',
  keyboard: '键盘',
};
const FAMILY_ORDER = Object.keys(FAMILY_ZH) as OrchestralFamily[];
const BAYIN_EN: Record<string, string> = {
  金: 'metal',
  石: 'stone',
  丝: 'silk',
  竹: 'bamboo',
  匏: 'gourd',
  土: 'earth',
  革: 'hide',
  木: 'wood',
};

/** Terminal columns of a string: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch)) continue;
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      ) || code >= 0x20000
        ? 2
        : 1;
  }
  return width;
}

const pad = (text: string, width: number) =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]!))));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : pad(cell, widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function familyText(i: Instrument): string {
  return `${i.family.orchestral}${i.family.bayin ? ` · ${i.family.bayin}` : ''}`;
}

function rangeText(i: Instrument): string {
  return i.range ? spanToNames(i.range.practical) : 'unpitched';
}

function row(i: Instrument, extra = ''): string[] {
  return [i.id, i.names.zh, i.names.pinyin, i.names.en, familyText(i), rangeText(i) + extra];
}

/** "C4-G5", "Bb3–F5" or "60-79" as MIDI numbers. */
function parseRange(text: string): [number, number] {
  const m = /^\s*(\S+?)\s*(?:-|–|—|\.\.)\s*(\S+)\s*$/u.exec(text);
  const note = (s: string) => (/^\d+$/.test(s) ? Number(s) : pitchToMidi(parsePitch(s)));
  try {
    if (!m) throw new Error('no range');
    return [note(m[1]!), note(m[2]!)];
  } catch {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `--range must be two notes joined by "-", e.g. C4-G5 or Bb3-F5 (or MIDI numbers 60-79), got "${text}".`,
    );
  }
}

function describe(i: Instrument): string {
  return `${i.id} (${i.names.zh} ${i.names.en})`;
}

function unknown(atlas: Atlas, query: string): ZhiyinError {
  const near = atlas.nearest(query, 3).map(describe);
  return new ZhiyinError(
    'INVALID_ARGUMENT',
    `no instrument "${query}" in the atlas; nearest: ${near.join(', ')} (zhiyin atlas lists them all).`,
  );
}

/** The one instrument a name or id stands for; ambiguous or unknown names are errors. */
function resolve(atlas: Atlas, query: string): Instrument {
  const byId = atlas.get(query.trim().toLowerCase());
  if (byId) return byId;
  const matches = atlas.match(query);
  if (!matches.length) throw unknown(atlas, query);
  const best = matches.filter((m) => m.score === matches[0]!.score);
  if (best.length > 1)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `"${query}" names ${best.length} instruments: ${best
        .slice(0, 8)
        .map((m) => describe(m.instrument))
        .join(', ')}${best.length > 8 ? ', …' : ''}; give one id.`,
    );
  return best[0]!.instrument;
}

function listText(instruments: Instrument[], grouped: boolean, notes: Map<string, string>) {
  if (!instruments.length) return 'no instruments match.\n';
  if (!grouped) return `${columns(instruments.map((i) => row(i, notes.get(i.id) ?? '')))}\n`;
  const parts: string[] = [];
  for (const [tradition, title] of [
    ['chinese', 'Chinese instruments 中国乐器'],
    ['western', 'Western instruments 西洋乐器'],
  ] as const) {
    const group = instruments.filter((i) => i.tradition === tradition);
    if (!group.length) continue;
    parts.push(`${title} (${group.length})`);
    for (const family of FAMILY_ORDER) {
      const members = group.filter((i) => i.family.orchestral === family);
      if (!members.length) continue;
      parts.push(`\n  ${family} ${FAMILY_ZH[family]}`);
      parts.push(
        columns(members.map((i) => row(i)))
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
    }
    parts.push('');
  }
  return `${parts.join('\n')}\n`;
}

function transpositionText(semitones: number): string {
  if (semitones === 0) return 'none: sounds as written';
  const n = Math.abs(semitones) / 12;
  const octaves = Number.isInteger(n) ? ` (${n} octave${n === 1 ? '' : 's'})` : '';
  return `sounds ${Math.abs(semitones)} semitone${Math.abs(semitones) === 1 ? '' : 's'}${octaves} ${semitones > 0 ? 'higher' : 'lower'} than written (${semitones > 0 ? '+' : '−'}${Math.abs(semitones)})`;
}

function card(atlas: Atlas, i: Instrument): string {
  const out: string[] = [];
  out.push(`${i.names.zh}  ${i.names.pinyin}  ${i.names.en}   [${i.id}, ${i.tradition}]`);
  if (i.names.aliases.length) out.push(`also called: ${i.names.aliases.join(', ')}`);
  out.push(i.summary.en, i.summary.zh, '');
  const hs = i.family.hornbostelSachs;
  const rows: [string, string][] = [
    [
      'family',
      `${i.family.orchestral} ${FAMILY_ZH[i.family.orchestral]}${
        i.family.bayin ? ` · 八音 ${i.family.bayin} (${BAYIN_EN[i.family.bayin]})` : ''
      }`,
    ],
    ['Hornbostel–Sachs', `${hs.number} ${hs.name}`],
  ];
  if (i.range) {
    const r = i.range;
    rows.push([
      'range',
      `practical ${spanToNames(r.practical)} (MIDI ${r.practical[0]}–${r.practical[1]}), extended ${spanToNames(r.extended)} (${r.extended[0]}–${r.extended[1]})`,
    ]);
    if (i.tessitura) rows.push(['comfortable', spanToNames(i.tessitura)]);
  } else rows.push(['range', 'unpitched']);
  rows.push(['transposition', transpositionText(i.transposition)]);
  const tuning: string[] = [i.tuning.kind];
  if (i.tuning.openStrings)
    tuning.push(`open strings ${i.tuning.openStrings.map((m) => midiToName(m)).join(' ')}`);
  if (i.tuning.fundamental !== undefined)
    tuning.push(
      `lowest note${i.tradition === 'chinese' ? ' (筒音)' : ''} ${midiToName(i.tuning.fundamental)}`,
    );
  rows.push(['tuning', `${tuning.join('; ')}${i.tuning.retunable ? ' (retunable)' : ''}`]);
  rows.push(['', i.tuning.note]);
  rows.push(['keys', i.keys.length ? i.keys.join(', ') : 'any (no preferred key)']);
  rows.push(['polyphony', `${i.polyphony} note${i.polyphony === 1 ? '' : 's'} at once`]);
  rows.push([
    'General MIDI',
    i.gm.percussionKey !== undefined
      ? `channel 10 key ${i.gm.percussionKey} ${i.gm.percussionKeyName ?? ''}`.trimEnd()
      : `program ${i.gm.program} ${i.gm.name} (0-based)`,
  ]);
  rows.push([
    'counterparts',
    i.counterparts.length
      ? i.counterparts
          .map((id) => atlas.get(id))
          .filter((c): c is Instrument => c !== undefined)
          .map(describe)
          .join(', ')
      : '—',
  ]);
  out.push(table(rows));
  out.push('', `techniques (${i.techniques.length})`);
  for (const t of i.techniques) {
    out.push(
      `  ${t.names.zh} ${t.names.pinyin} · ${t.names.en}   [${t.id}; ${t.category}; difficulty ${t.difficulty}/5]`,
      `      ${t.sound}`,
      `      ${t.soundZh}`,
      `      jianpu: ${t.notation.jianpu}`,
      `      staff:  ${t.notation.staff}`,
    );
  }
  out.push('', 'sources');
  for (const s of i.sources) out.push(`  - ${s.fact}: ${s.source}${s.note ? ` — ${s.note}` : ''}`);
  return `${out.join('\n')}\n`;
}

export function registerAtlas(program: Command): void {
  const atlasCommand = program
    .command('atlas')
    .description(
      'the bilingual instrument atlas: Chinese and Western instruments with ranges, tunings and playing techniques',
    )
    .argument('[query...]', 'a name in any script: 二胡, erhu, èrhú, "two-string fiddle"')
    .option(
      '--family <family>',
      'bowed, plucked, struck, wind, percussion, keyboard; 八音 丝/si…; or an H–S number',
    )
    .option('--technique <technique>', 'a technique id, category or name: vibrato, 按音, huashe')
    .option('--range <low-high>', 'instruments whose practical range covers it, e.g. C4-G5')
    .option('--json', 'print the matching records as JSON')
    .addHelpText(
      'after',
      "\nExamples:\n  zhiyin atlas                 all instruments, grouped\n  zhiyin atlas 二胡\n  zhiyin atlas --family 丝 --range D4-A5\n  zhiyin atlas show guzheng     one instrument's card",
    )
    .action((query: string[], opts: ListFlags) => {
      const atlas = loadAtlas();
      const text = query.join(' ').trim();
      let found = text ? atlas.find(text) : atlas.all();
      if (text && !found.length) throw unknown(atlas, text);
      const notes = new Map<string, string>();
      if (opts.family !== undefined) {
        const keep = new Set(atlas.byFamily(opts.family));
        found = found.filter((i) => keep.has(i));
      }
      if (opts.technique !== undefined) {
        const matches = atlas.techniques(opts.technique);
        const keep = new Set(matches.map((m) => m.instrument));
        found = found.filter((i) => keep.has(i));
        for (const m of matches)
          notes.set(
            m.instrument.id,
            `${notes.get(m.instrument.id) ?? '  ·'} ${m.technique.names.zh} ${m.technique.names.en}`,
          );
      }
      if (opts.range !== undefined) {
        const [lo, hi] = parseRange(opts.range);
        const keep = new Set(atlas.byRange(lo, hi));
        found = found.filter((i) => keep.has(i));
      }
      if (opts.json) {
        process.stdout.write(`${toJson(found)}\n`);
        return;
      }
      const filtered =
        !!text || [opts.family, opts.technique, opts.range].some((o) => o !== undefined);
      process.stdout.write(listText(found, !filtered, notes));
    });

  atlasCommand
    .command('show')
    .description("one instrument's card: names, families, range, tuning, techniques and sources")
    .argument(
      '<instrument...>',
      'an id or a name in any script: erhu, 古筝, "Great Highland bagpipe"',
    )
    .option('--json', 'print the record as JSON')
    .configureOutput({
      outputError: (text, write) =>
        write(
          `zhiyin: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()} (see zhiyin atlas show --help)\n`,
        ),
    })
    .action((words: string[], _opts: unknown, command: Command) => {
      // --json may land on `atlas` (commander reads a parent's options after the subcommand).
      const json = (command.optsWithGlobals() as { json?: boolean }).json;
      const atlas = loadAtlas();
      const instrument = resolve(atlas, words.join(' '));
      process.stdout.write(json ? `${toJson(instrument)}\n` : card(atlas, instrument));
    });
}
