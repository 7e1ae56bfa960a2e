/** `zhiyin jianpu FILE [-o out.svg|out.txt]`: a melody written as jianpu (简谱), as SVG or text. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  jianpuLayout,
  jianpuSvg,
  jianpuText,
  jianpuTonic,
  scoreToMelody,
  toNumber,
} from '../../notation/index.js';
import {
  detectMode,
  parsePitch,
  pitchClass,
  pitchName,
  type MelodyNote,
} from '../../theory/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { fileError, readScoreFile } from '../../node/index.js';
import { numberOption } from '../options.js';

interface JianpuFlags {
  output?: string;
  key?: string;
  meter?: string;
  title?: string;
  width?: number;
}

interface Melody {
  notes: MelodyNote[];
  title: string;
  meter?: string;
  pickup?: number;
}

/** Any melody file (MusicXML, .mxl, MIDI, ABC, **kern), as notes with its title and meter. */
async function readMelodyFile(file: string): Promise<Melody> {
  const score = await readScoreFile(file);
  return {
    notes: scoreToMelody(score),
    title: score.title,
    meter: `${score.meter.beats}/${score.meter.beatType}`,
    ...(score.pickup ? { pickup: toNumber(score.pickup) } : {}),
  };
}

/** A meter jianpu can bar: "3/4"; ABC's C and C| as 4/4 and 2/2; anything else undefined. */
function meterOf(text: string | undefined): string | undefined {
  const t = text?.trim();
  if (t === 'C') return '4/4';
  if (t === 'C|') return '2/2';
  const m = t ? /^(\d{1,2})\/(1|2|4|8|16|32)$/.exec(t) : null;
  return m && Number(m[1]) > 0 ? `${Number(m[1])}/${m[2]}` : undefined;
}

export function registerJianpu(program: Command): void {
  program
    .command('jianpu')
    .description(
      'write a melody as jianpu (简谱, numbered notation): SVG or text, 1 = the gong of its detected mode or the relative major',
    )
    .argument('<file>', 'a melody: MusicXML (.musicxml, .xml, .mxl), MIDI, ABC or **kern')
    .option(
      '-o, --output <out.svg|out.txt>',
      'write SVG (a name ending .svg) or text (any other); without it the text goes to stdout',
    )
    .option(
      '--key <tonic>',
      'the pitch that is 1, e.g. D, Bb or F# (default: from the detected mode)',
    )
    .option('--meter <n/d>', "meter for the bar lines, e.g. 3/4 (default: the file's, else 4/4)")
    .option('--title <text>', "title above the music (default: the file's)")
    .option('--width <px>', 'SVG page width (default 800)', numberOption('--width', 200, 10000))
    .action(async (file: string, opts: JianpuFlags) => {
      if (opts.meter !== undefined && !meterOf(opts.meter))
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--meter must look like 3/4 or 6/8 (a note value of 1 to 32), got "${opts.meter}".`,
        );
      let keyPc: number | undefined, keyName: string | undefined;
      if (opts.key !== undefined) {
        try {
          const p = parsePitch(opts.key, 4);
          keyPc = pitchClass(p);
          keyName = pitchName(p, { octave: false });
        } catch {
          throw new ZhiyinError(
            'INVALID_ARGUMENT',
            `--key must be a note name such as D, Bb or F#, got "${opts.key}".`,
          );
        }
      }
      const melody = await readMelodyFile(file);
      let tonicPc = keyPc ?? 0;
      let why = '--key';
      if (keyPc === undefined) {
        const top = detectMode(melody.notes)[0];
        if (top) {
          tonicPc = jianpuTonic(top);
          const mode = top.modes[0];
          why =
            mode?.system === 'chinese'
              ? `the gong (宫) of the detected ${top.name.en}`
              : mode?.id === 'major'
                ? `the tonic of the detected ${top.name.en}`
                : `the relative major of the detected ${top.name.en}`;
        }
      }
      const meter = meterOf(opts.meter) ?? meterOf(melody.meter) ?? '4/4';
      const title = opts.title ?? melody.title;
      const options = {
        tonicPc,
        meter,
        ...(keyName !== undefined && { tonicName: keyName }),
        ...(melody.pickup !== undefined && !opts.meter && { pickup: melody.pickup }),
      };
      const write = async (path: string, data: string) => {
        try {
          await writeFile(path, data);
        } catch (e) {
          throw fileError(e, path);
        }
      };
      let approximated: number, keyLine: string;
      if (opts.output?.toLowerCase().endsWith('.svg')) {
        const r = jianpuSvg(melody.notes, {
          ...options,
          ...(title && { title }),
          ...(opts.width !== undefined && { width: opts.width }),
        });
        await write(opts.output, r.svg);
        approximated = r.approximated;
        keyLine = jianpuLayout([], options).keyLine;
      } else {
        const r = jianpuText(melody.notes, options);
        const text = `${title ? `${title}\n` : ''}${r.text}\n`;
        if (opts.output) await write(opts.output, text);
        else process.stdout.write(text);
        approximated = r.approximated;
        keyLine = r.text.split('\n')[0]!;
      }
      const summary = `${keyLine} (1 = ${why}); ${approximated} ${approximated === 1 ? 'length' : 'lengths'} approximated to the nearest quarter beat${opts.output ? `; wrote ${opts.output}` : ''}\n`;
      // With the jianpu on stdout, the summary goes to stderr so that stdout is the jianpu alone.
      (opts.output ? process.stdout : process.stderr).write(summary);
    });
}
