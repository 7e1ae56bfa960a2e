/** `zhiyin mode FILE`: the key and mode of a melody, ranked, with the reasons. */
import type { Command } from 'commander';
import { scoreToMelody } from '../../notation/index.js';
import { detectMode, type ModeSystem } from '../../theory/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { readScoreFile } from '../../node/index.js';
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
    .argument(
      '<file>',
      'a melody: MusicXML (.musicxml, .xml, .mxl), a Standard MIDI File, an ABC tune or a Humdrum **kern file',
    )
    .option('--system <chinese|western>', 'name modes in one system only (default both)')
    .option('--json', 'print the candidates as JSON')
    .action(async (file: string, opts: ModeFlags) => {
      if (opts.system !== undefined && opts.system !== 'chinese' && opts.system !== 'western')
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--system must be chinese or western, got "${opts.system}".`,
        );
      const notes = scoreToMelody(await readScoreFile(file));
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
