/**
 * The `zhiyin` program: commands registered on commander, and the error policy. Errors a
 * user can cause print one line and exit with code 2; anything else is a bug, printed as one
 * line with exit code 1 (`--debug` shows the stack trace).
 */
import { Command, CommanderError, Option } from 'commander';
import { isZhiyinError } from '../errors/index.js';
import { clearProgress } from './progress.js';
import { registerAdapt } from './commands/adapt.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerAtlas } from './commands/atlas.js';
import { registerAutomix } from './commands/automix.js';
import { registerCompare } from './commands/compare.js';
import { registerConvert } from './commands/convert.js';
import { registerDemo } from './commands/demo.js';
import { registerInfo } from './commands/info.js';
import { registerJianpu } from './commands/jianpu.js';
import { registerLoudness } from './commands/loudness.js';
import { registerMode } from './commands/mode.js';
import { registerServe } from './commands/serve.js';
import { registerDescribe, registerMix } from './commands/mix.js';
import { registerTranscribe } from './commands/transcribe.js';

/** Exit codes: 0 ok, 1 internal error, 2 bad input or usage. */
export const EXIT_BAD_INPUT = 2;

let debug = false;

function fail(error: unknown): never {
  clearProgress();
  if (error instanceof CommanderError) {
    // commander has printed its message already; --help and --version end here too.
    process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT);
  }
  if (isZhiyinError(error)) {
    process.stderr.write(`zhiyin: ${error.message}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `zhiyin: internal error: ${message.split('\n')[0]} (a bug in Zhiyin: please report it; --debug shows the stack trace)\n`,
  );
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command('zhiyin')
    .description(
      'Zhiyin 知音: music AI across cultures. Audio analysis, performance analysis and transcription; key and mode, jianpu, the instrument atlas and adapting melodies to Chinese instruments; loudness and conversion tools; object-based mixing for listener profiles, bilingual semantic controls and a one-click vocal mix.',
    )
    .version('0.1.0', '-V, --version')
    .addOption(new Option('--debug', 'print stack traces for errors'))
    .exitOverride();
  registerInfo(program);
  registerLoudness(program);
  registerConvert(program);
  registerAnalyze(program);
  registerCompare(program);
  registerTranscribe(program);
  registerMode(program);
  registerAdapt(program);
  registerJianpu(program);
  registerAtlas(program);
  registerMix(program);
  registerAutomix(program);
  registerDescribe(program);
  registerDemo(program);
  registerServe(program);
  // Usage errors: one line, with where to look for help.
  const oneLine = (help: string) => ({
    outputError: (text: string, write: (s: string) => void) =>
      write(
        `zhiyin: ${text
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim()} (see ${help})\n`,
      ),
  });
  program.configureOutput(oneLine('zhiyin --help'));
  for (const command of program.commands)
    command.exitOverride().configureOutput(oneLine(`zhiyin ${command.name()} --help`));
  return program;
}

/** Runs the CLI on `argv` (as in process.argv) and exits with its status on failure. */
export async function runCli(argv: string[]): Promise<void> {
  debug = argv.includes('--debug');
  process.on('unhandledRejection', fail);
  await buildProgram().parseAsync(argv).catch(fail);
}
