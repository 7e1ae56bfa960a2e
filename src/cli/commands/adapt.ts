/**
 * `zhiyin adapt FILE --to erhu|auto [--pentatonic] [--ornaments 0..1] -o out.musicxml`: a melody
 * made idiomatic for a Chinese (or Western) instrument, with the fit report and advice in English
 * and Chinese. Outputs by extension, several at once: .musicxml/.xml, .mxl, .mid, .svg and .txt
 * (jianpu), .wav (an audio preview).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  adaptMelody,
  ornamentBends,
  previewVoiceFor,
  renderPreview,
  type Adaptation,
} from '../../arrange/index.js';
import { encodeWav } from '../../audio/index.js';
import { ZhiyinError } from '../../errors/index.js';
import {
  jianpuSvg,
  jianpuText,
  scoreToMelody,
  scoreToMidi,
  toNumber,
  writeMusicXml,
  writeMxl,
} from '../../notation/index.js';
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

const FORMATS = ['.musicxml', '.xml', '.mxl', '.mid', '.midi', '.svg', '.txt', '.wav'];
const PC = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

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
  // 1 of the jianpu: the new gong, in written pitch.
  const writtenGong = (((a.fit.gongPc - a.instrument.transposition) % 12) + 12) % 12;
  const ext = out.slice(out.lastIndexOf('.')).toLowerCase();
  let data: Uint8Array | string;
  if (ext === '.musicxml' || ext === '.xml') data = writeMusicXml(a.score);
  else if (ext === '.mxl') data = writeMxl(writeMusicXml(a.score));
  else if (ext === '.mid' || ext === '.midi')
    data = scoreToMidi({ ...a.score, tempo }, { bends: ornamentBends(a.score, tempo) });
  else if (ext === '.svg' || ext === '.txt') {
    const meter = `${a.score.meter.beats}/${a.score.meter.beatType}`;
    const melody = scoreToMelody({ ...a.score, transpose: 0 });
    const options = {
      tonicPc: writtenGong,
      tonicName: PC[writtenGong]!,
      meter,
      ...(a.score.pickup ? { pickup: toNumber(a.score.pickup) } : {}),
    };
    data =
      ext === '.svg'
        ? jianpuSvg(melody, {
            ...options,
            title: `${a.score.title || 'Melody'} — ${a.instrument.names.zh} ${a.instrument.names.en}`,
          }).svg
        : `${jianpuText(melody, options).text}\n`;
  } else if (ext === '.wav') {
    const samples = renderPreview(a.score, {
      voice: previewVoiceFor(a.instrument.family.orchestral),
      tempo,
    });
    data = encodeWav({ sampleRate: 44_100, channels: [samples] }, { format: 'pcm16' });
  } else
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `cannot tell what to write for ${out}: use one of ${FORMATS.join(' ')}.`,
    );
  try {
    await writeFile(out, data);
  } catch (e) {
    throw fileError(e, out);
  }
}
