/**
 * `zhiyin adapt FILE --to erhu|auto [--pentatonic] [--ornaments 0..1] -o out.musicxml`: a melody
 * made idiomatic for a Chinese (or Western) instrument, with the fit report and advice in English
 * and Chinese. Outputs by extension, several at once: .musicxml/.xml, .mxl, .mid, .svg and .txt
 * (jianpu), .wav (an audio preview).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  adaptationBytes,
  adaptMelody,
  type Adaptation,
  type AdaptationFormat,
} from '../../arrange/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { fileError, loadAtlas, readMelodyFile } from '../../node/index.js';
import { toJson } from '../format.js';
import { numberOption } from '../options.js';

interface AdaptFlags {
  to: string;
  tradition: string;
  pentatonic?: boolean;
  ornaments: number;
  keepKey?: boolean;
  tempo?: number;
  output?: string[];
  json?: boolean;
  lang: string;
}

const BY_EXTENSION: Record<string, AdaptationFormat> = {
  '.musicxml': 'musicxml',
  '.xml': 'musicxml',
  '.mxl': 'mxl',
  '.mid': 'midi',
  '.midi': 'midi',
  '.svg': 'jianpu-svg',
  '.txt': 'jianpu-text',
  '.wav': 'wav',
};
const FORMATS = Object.keys(BY_EXTENSION);

export function registerAdapt(program: Command): void {
  program
    .command('adapt')
    .description(
      'adapt a melody to a Chinese or Western instrument: key and mode, fit report, transposition, tuning (按音, dizi keys, erhu positions), optional pentatonic version and ornaments, advice in English and 中文',
    )
    .argument(
      '<file>',
      'a melody: MusicXML (.musicxml, .xml, .mxl), MIDI, ABC or **kern; or a recording (WAV, FLAC, MP3, Ogg, M4A …), transcribed first',
    )
    .option('--to <instrument>', 'an atlas id or name (erhu, 二胡, dizi …) or auto', 'auto')
    .option('--tradition <chinese|western|all>', 'instruments --to auto considers', 'chinese')
    .option('--pentatonic', 'change the fewest notes to make the melody pentatonic')
    .option(
      '--ornaments <density>',
      'idiomatic ornaments, 0 (none) to 1 (every place the rules find)',
      numberOption('--ornaments', 0, 1),
      0,
    )
    .option('--keep-key', 'transpose by octaves only')
    .option(
      '--tempo <bpm>',
      'quarter notes per minute (default the score’s, else 90)',
      numberOption('--tempo', 10, 400),
    )
    .option(
      '-o, --output <file>',
      'write the adapted melody (.musicxml .mxl .mid .svg .txt .wav); repeat for several',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--json', 'print the whole report as JSON')
    .option('--lang <en|zh|both>', 'language of the advice', 'both')
    .action(async (file: string, flags: AdaptFlags) => {
      const opts = { ...flags, output: flags.output ?? [] };
      if (!['chinese', 'western', 'all'].includes(opts.tradition))
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--tradition must be chinese, western or all, got "${opts.tradition}".`,
        );
      if (!['en', 'zh', 'both'].includes(opts.lang))
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--lang must be en, zh or both, got "${opts.lang}".`,
        );
      for (const out of opts.output) {
        const ext = out.slice(out.lastIndexOf('.')).toLowerCase();
        if (!FORMATS.includes(ext))
          throw new ZhiyinError(
            'INVALID_ARGUMENT',
            `cannot tell what to write for ${out}: use one of ${FORMATS.join(' ')}.`,
          );
      }
      // A recording is transcribed first (basic-pitch), its timing written at --tempo (or 120).
      const score = await readMelodyFile(file, opts.tempo ? { tempo: opts.tempo } : {});
      const atlas = loadAtlas();
      const a = adaptMelody(score, atlas.all(), {
        to: opts.to,
        tradition: opts.tradition as 'chinese' | 'western' | 'all',
        pentatonic: !!opts.pentatonic,
        ornaments: opts.ornaments,
        keepKey: !!opts.keepKey,
        ...(opts.tempo ? { tempo: opts.tempo } : {}),
      });
      const tempo = opts.tempo ?? a.score.tempo ?? 90;
      for (const out of opts.output) await writeAdaptation(a, out, tempo);
      if (opts.json) {
        process.stdout.write(
          `${toJson({
            instrument: a.instrument.id,
            mode: { name: a.facts.mode.name, confidence: a.facts.mode.confidence },
            fit: a.fit,
            ranking: a.ranking.map((r) => ({
              instrument: r.instrument.id,
              suitability: r.fit.suitability,
              transposition: r.fit.transposition,
            })),
            pentatonic: a.pentatonic,
            ornaments: a.ornaments,
            advice: a.advice,
            outputs: opts.output,
          })}\n`,
        );
        return;
      }
      process.stdout.write(
        `${a.instrument.names.en} ${a.instrument.names.zh} (${a.instrument.names.pinyin})\n`,
      );
      for (const line of a.advice) {
        if (opts.lang !== 'zh') process.stdout.write(`  ${line.en}\n`);
        if (opts.lang !== 'en') process.stdout.write(`  ${line.zh}\n`);
      }
      for (const o of a.ornaments.slice(0, 12))
        process.stdout.write(`  · ${opts.lang === 'zh' ? o.description.zh : o.description.en}\n`);
      if (a.ornaments.length > 12)
        process.stdout.write(
          `  · ${opts.lang === 'zh' ? `……另有${a.ornaments.length - 12}处` : `… ${a.ornaments.length - 12} more`}\n`,
        );
      for (const out of opts.output) process.stdout.write(`wrote ${out}\n`);
    });
}

/** Writes an adaptation in the format its file name asks for (see FORMATS). */
export async function writeAdaptation(a: Adaptation, out: string, tempo: number): Promise<void> {
  const ext = out.slice(out.lastIndexOf('.')).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (!format)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `cannot tell what to write for ${out}: use one of ${FORMATS.join(' ')}.`,
    );
  try {
    await writeFile(out, adaptationBytes(a, format, tempo));
  } catch (e) {
    throw fileError(e, out);
  }
}
