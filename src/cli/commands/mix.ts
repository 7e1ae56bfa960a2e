/**
 * `zhiyin mix PROJECT -o OUT.wav`: render an object-based mix for a listener profile, with
 * personal overrides (`--set vocal=+2LU`) and semantic words (`--vocal warmer`, `--人声 更温暖`).
 * `zhiyin describe FILE`: feature estimates and the descriptors they stand for.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { ZhiyinError } from '../../errors/index.js';
import { describeSound, parseOverrides, parseSemantic, type FeatureName } from '../../mix/index.js';
import {
  loadLexicon,
  loadProfiles,
  mixProjectFile,
  readAudioFile,
  readMixProject,
  reportPath,
} from '../../node/index.js';
import { num, table, toJson } from '../format.js';
import { numberOption } from '../options.js';
import { createProgress } from '../progress.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Refuses outputs that are not .wav, or that would overwrite it or its report without -y. */
export function checkOutput(output: string | undefined, overwrite?: boolean): string {
  if (!output) throw new ZhiyinError('INVALID_ARGUMENT', 'name the output file with -o OUT.wav.');
  if (extname(output).toLowerCase() !== '.wav')
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `zhiyin writes WAV files only: name the output with .wav (got "${output}").`,
    );
  for (const path of [output, reportPath(output)])
    if (existsSync(path) && !overwrite)
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `${path} exists already: pass --overwrite (-y) to replace it.`,
      );
  return output;
}

interface MixFlags {
  output?: string;
  profile?: string;
  set?: string[];
  vocal?: string;
  人声?: string;
  sound?: string[];
  maxMinutes: number;
  overwrite?: boolean;
  json?: boolean;
}

export function registerMix(program: Command): void {
  program
    .command('mix')
    .description(
      'render a mix project (objects with roles, importance, chains) for a listener profile',
    )
    .argument('<project>', 'mix project JSON (format "zhiyin-mix", version 1)')
    .option('-o, --output <file>', 'WAV file to write (the report goes next to it as .json)')
    .option('-p, --profile <name>', 'listener profile (see `zhiyin mix --profiles`)')
    .option(
      '--set <name=value>',
      'override: vocal=+2LU, target=-16LUFS, ceiling=-2dBTP, width=0.8, drums=-3dB (repeatable)',
      collect,
    )
    .option('--vocal <words>', 'semantic words for the lead vocal, e.g. "warmer, less harsh"')
    .option('--人声 <words>', '主唱的音色描述，例如 "更温暖"')
    .option(
      '--sound <object=words>',
      'semantic words for any object, e.g. "drums=punchier" (repeatable)',
      collect,
    )
    .option(
      '--max-minutes <n>',
      'longest mix accepted (default 20)',
      numberOption('--max-minutes', 0.01, 240),
      20,
    )
    .option('-y, --overwrite', 'replace the output files if they exist')
    .option('--json', 'print the report as JSON')
    .action(async (projectPath: string, opts: MixFlags) => {
      const output = checkOutput(opts.output, opts.overwrite);
      const overrides = parseOverrides(opts.set ?? []);
      const project = await readMixProject(projectPath);
      const lexicon = loadLexicon();
      const words = new Map<string, string[]>();
      for (const w of [opts.vocal, opts.人声].filter((x): x is string => Boolean(x)))
        for (const o of project.objects.filter((x) => x.role === 'lead-vocal'))
          words.set(o.id, [...(words.get(o.id) ?? []), w]);
      for (const item of opts.sound ?? []) {
        const at = item.indexOf('=');
        const id = item.slice(0, at);
        if (at <= 0 || !project.objects.some((o) => o.id === id))
          throw new ZhiyinError(
            'INVALID_ARGUMENT',
            `--sound "${item}" must be OBJECT=WORDS with an object of the project (${project.objects.map((o) => o.id).join(', ')}).`,
          );
        words.set(id, [...(words.get(id) ?? []), item.slice(at + 1)]);
      }
      if ((opts.vocal || opts.人声) && !project.objects.some((o) => o.role === 'lead-vocal'))
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          'the project has no lead-vocal object for --vocal to act on.',
        );
      for (const ws of words.values()) for (const w of ws) parseSemantic(w, lexicon); // fail before rendering
      const bar = createProgress('mixing');
      const report = await mixProjectFile(projectPath, output, {
        ...(opts.profile && { profile: opts.profile }),
        overrides,
        maxSeconds: opts.maxMinutes * 60,
        extraDescriptors: words,
        onProgress: (f) => bar.update(f),
      });
      bar.done();
      for (const w of report.warnings.slice(0, 8)) process.stderr.write(`zhiyin: warning: ${w}\n`);
      if (opts.json) {
        process.stdout.write(`${toJson(report)}\n`);
        return;
      }
      const m = report.master;
      const rows: [string, string][] = [
        [
          'wrote',
          `${output} (${report.sampleRate} Hz, stereo, ${report.durationSeconds.toFixed(2)} s) and ${reportPath(output)}`,
        ],
        ['profile', report.profile],
        [
          'integrated',
          `${num(m.integratedLufs, 1, 'LUFS')} (target ${num(m.targetLufs, 1, 'LUFS')})`,
        ],
        [
          'true peak',
          `${num(m.truePeakDbtp, 1, 'dBTP')} (ceiling ${num(m.ceilingDbtp, 1, 'dBTP')})`,
        ],
        [
          'lead vocal',
          report.leadVocal.measuredLu === null
            ? 'no balance (no lead vocal or accompaniment)'
            : `${num(report.leadVocal.measuredLu, 1, 'LU')} against the accompaniment (target ${num(report.leadVocal.targetLu, 1, 'LU')})`,
        ],
        ['limiter', num(m.limiterMaxReductionDb, 1, 'dB') + ' at most'],
      ];
      for (const o of report.objects)
        rows.push([
          `  ${o.id}`,
          `${o.role}, importance ${o.importance}, ${num(o.gainDb, 1, 'dB')}, ${num(o.loudnessLufs, 1, 'LUFS')}`,
        ]);
      process.stdout.write(`${table(rows)}\n`);
    });

  program
    .command('profiles')
    .description('list the listener profiles, with what each is based on')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const set = loadProfiles();
      if (opts.json) {
        process.stdout.write(`${toJson(set)}\n`);
        return;
      }
      const rows: [string, string][] = set.profiles.map((p) => [
        p.id + (p.id === set.default ? ' (default)' : ''),
        `${p.name.en} ${p.name.zh}: ${num(p.targetLufs, 0, 'LUFS')}, ceiling ${num(p.truePeakDbtp, 0, 'dBTP')}, lead vocal ${p.leadVocalLu >= 0 ? '+' : ''}${p.leadVocalLu} LU; basis: ${p.basis.join(', ')}`,
      ]);
      process.stdout.write(`${table(rows)}\n`);
    });
}

/** Which descriptors a feature speaks for (up and down). */
function descriptorsOf(feature: FeatureName): string {
  const lex = loadLexicon();
  const side = (dir: 1 | -1) =>
    lex.descriptors
      .filter((d) => d.feature === feature && d.direction === dir)
      .map((d) => `${d.en[0]} ${d.zh[0]}`)
      .join(', ');
  const up = side(1),
    down = side(-1);
  return [up && `more: ${up}`, down && `less: ${down}`].filter(Boolean).join('; ');
}

const UNITS: Record<FeatureName, [number, string]> = {
  centroidHz: [0, 'Hz'],
  tiltDbPerOctave: [2, 'dB/oct'],
  bassDb: [1, 'dB'],
  fullnessDb: [1, 'dB'],
  lowMidDb: [1, 'dB'],
  boxDb: [1, 'dB'],
  nasalDb: [1, 'dB'],
  presenceDb: [1, 'dB'],
  brillianceDb: [1, 'dB'],
  airDb: [1, 'dB'],
  warmthDb: [1, 'dB'],
  clarityDb: [1, 'dB'],
  transientDb: [1, 'dB'],
  dynamicSpreadDb: [1, 'dB'],
  spaciousness: [2, ''],
  widthDb: [1, 'dB'],
};

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description(
      'estimate how warm, bright, muddy, punchy, spacious … a sound is (level-independent features)',
    )
    .argument('[file]', 'audio file')
    .option('--list', 'list the bilingual descriptors of the lexicon')
    .option('--json', 'print JSON')
    .action(async (file: string | undefined, opts: { list?: boolean; json?: boolean }) => {
      const lex = loadLexicon();
      if (opts.list) {
        if (opts.json) process.stdout.write(`${toJson(lex.descriptors)}\n`);
        else
          process.stdout.write(
            `${table(lex.descriptors.map((d) => [d.id, `${d.en.join('/')} · ${d.zh.join('/')} (${d.pinyin}) → ${d.feature} ${d.direction > 0 ? '↑' : '↓'}`]))}\n`,
          );
        return;
      }
      if (!file)
        throw new ZhiyinError('INVALID_ARGUMENT', 'give an audio file to describe, or --list.');
      const bar = createProgress('reading');
      const audio = await readAudioFile(file, { onProgress: (f) => bar.update(f) });
      bar.done();
      const features = describeSound(audio);
      if (opts.json) {
        process.stdout.write(`${toJson({ file, features })}\n`);
        return;
      }
      const rows: [string, string][] = (Object.keys(features) as FeatureName[]).map((k) => [
        k,
        `${num(features[k], UNITS[k][0], UNITS[k][1])}   ${descriptorsOf(k)}`,
      ]);
      process.stdout.write(`${table([['file', file], ...rows])}\n`);
    });
}
