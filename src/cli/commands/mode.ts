/** `zhiyin mode FILE`: the key and mode of a melody, ranked, with the reasons. */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { readAbc, readMidiMelody } from '../../notation/index.js';
import { detectMode, type ModeSystem } from '../../theory/index.js';
import { ZhiyinError, isZhiyinError } from '../../errors/index.js';
import { fileError } from '../../node/index.js';
import { toJson } from '../format.js';

interface ModeFlags {
  system?: string;
  json?: boolean;
}

export function registerMode(program: Command): void {
  program
    .command('mode')
    .description(
      'find the key and mode of a melody (Chinese 宫商角徵羽 modes and Western modes), ranked with reasons',
    )
    .argument('<file>', 'a Standard MIDI File (.mid) or an ABC tune (.abc); MusicXML comes later')
    .option('--system <chinese|western>', 'name modes in one system only (default both)')
    .option('--json', 'print the candidates as JSON')
    .action(async (file: string, opts: ModeFlags) => {
      if (opts.system !== undefined && opts.system !== 'chinese' && opts.system !== 'western')
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--system must be chinese or western, got "${opts.system}".`,
        );
      let bytes: Uint8Array;
      try {
        if ((await stat(file)).size > 16 * 2 ** 20)
          throw new ZhiyinError(
            'LIMIT_EXCEEDED',
            `${file} is over 16 MiB: that is no melody file (MIDI or ABC).`,
          );
        bytes = await readFile(file);
      } catch (e) {
        throw isZhiyinError(e) ? e : fileError(e, file);
      }
      // MIDI by its header; otherwise ABC text.
      const isMidi = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'MThd';
      const text = isMidi ? '' : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      if (!isMidi && bytes.length && !/^K:/m.test(text))
        throw new ZhiyinError(
          'UNSUPPORTED_FORMAT',
          `${file} is neither a Standard MIDI File nor an ABC tune (no MThd header, no K: line).`,
        );
      const notes = isMidi ? readMidiMelody(bytes, file).notes : readAbc(text, file).notes;
      const candidates = detectMode(
        notes,
        opts.system ? { systems: [opts.system as ModeSystem] } : {},
      );
      if (opts.json) {
        process.stdout.write(`${toJson(candidates)}\n`);
        return;
      }
      candidates.forEach((c, i) => {
        process.stdout.write(
          `${i + 1}. ${c.name.en} / ${c.name.zh}  (${(100 * c.confidence).toFixed(0)} %)\n   ${c.explanation}\n`,
        );
        const western = [
          ...new Set(c.alsoFits.filter((m) => m.system === 'western').map((m) => m.name.en)),
        ];
        const chinese = c.alsoFits.filter((m) => m.system === 'chinese').length;
        const also = [...western, ...(chinese ? [`${chinese} larger Chinese forms`] : [])];
        if (also.length) process.stdout.write(`   also fits: ${also.join(', ')}\n`);
      });
    });
}
