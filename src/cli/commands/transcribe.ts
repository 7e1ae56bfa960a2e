/** `zhiyin transcribe FILE -o out.mid`: polyphonic notes with pitch bends (basic-pitch). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { noteName, notesToMidi } from '../../analysis/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { fileError, transcribeFile } from '../../node/index.js';
import { clock, table, toJson } from '../format.js';
import { numberOption } from '../options.js';
import { createProgress } from '../progress.js';

interface TranscribeFlags {
  output?: string;
  json?: string;
  onsetThreshold?: number;
  frameThreshold?: number;
  minNote?: number;
  harmonicFilter: boolean;
  tolerateErrors?: boolean;
}

export function registerTranscribe(program: Command): void {
  program
    .command('transcribe')
    .description(
      "transcribe the notes of a recording (polyphonic, with pitch bends) to MIDI with Spotify's basic-pitch model",
    )
    .argument('<file>', 'audio file')
    .option('-o, --output <out.mid>', 'write a Standard MIDI File')
    .option('--json <out.json>', 'write the notes (onset, offset, MIDI, amplitude, bends) as JSON')
    .option(
      '--onset-threshold <p>',
      'onset probability that starts a note (default 0.5)',
      numberOption('--onset-threshold', 0.05, 0.95),
    )
    .option(
      '--frame-threshold <p>',
      'frame probability that keeps it sounding (default 0.3)',
      numberOption('--frame-threshold', 0.05, 0.95),
    )
    .option(
      '--min-note <ms>',
      'shortest note in milliseconds (default 128)',
      numberOption('--min-note', 12, 2000),
    )
    .option('--no-harmonic-filter', 'keep notes that look like overtones of a louder note')
    .option('--tolerate-errors', 'transcribe what can be decoded from a damaged file')
    .action(async (file: string, opts: TranscribeFlags) => {
      if (!opts.output && !opts.json)
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          'Say where to write the notes: -o out.mid and/or --json out.json.',
        );
      const bar = createProgress('transcribing');
      const notes = await transcribeFile(file, {
        ...(opts.onsetThreshold !== undefined && { onsetThreshold: opts.onsetThreshold }),
        ...(opts.frameThreshold !== undefined && { frameThreshold: opts.frameThreshold }),
        ...(opts.minNote !== undefined && { minNoteSeconds: opts.minNote / 1000 }),
        harmonicFilter: opts.harmonicFilter,
        tolerateErrors: opts.tolerateErrors ?? false,
        onProgress: (f) => bar.update(f),
      });
      bar.done();
      const write = async (path: string, data: string | Uint8Array) => {
        try {
          await writeFile(path, data);
        } catch (e) {
          throw fileError(e, path);
        }
      };
      if (opts.output) await write(opts.output, notesToMidi(notes));
      if (opts.json) await write(opts.json, toJson({ notes }));
      // Most notes sounding at once.
      const edges = notes.flatMap((n) => [
        [n.start, 1],
        [n.end, -1],
      ]) as [number, number][];
      edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let polyphony = 0,
        most = 0;
      for (const [, d] of edges) most = Math.max(most, (polyphony += d));
      const low = notes.reduce((m, n) => Math.min(m, n.midi), Infinity),
        high = notes.reduce((m, n) => Math.max(m, n.midi), -Infinity);
      const rows: [string, string][] = [
        ['file', file],
        [
          'notes',
          notes.length
            ? `${notes.length} (${noteName(low)}–${noteName(high)}), up to ${most} at once, ${clock(notes[0]!.start)}–${clock(notes.reduce((m, n) => Math.max(m, n.end), 0))}`
            : '0',
        ],
      ];
      if (opts.output) rows.push(['wrote MIDI', opts.output]);
      if (opts.json) rows.push(['wrote JSON', opts.json]);
      process.stdout.write(`${table(rows)}\n`);
      process.stdout.write(
        'note: basic-pitch splits a slide (滑音) into a chain of notes a semitone apart; for a solo line, `zhiyin analyze` reads slides as portamenti.\n',
      );
    });
}
