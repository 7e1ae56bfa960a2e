/**
 * The `zhiyin` command line: a surface over the library. It parses arguments, calls the
 * capability, and presents the result (text for people, `--json` for machines); it holds no
 * domain logic. Entry point: main.ts.
 */
export { EXIT_BAD_INPUT, buildProgram, runCli } from './program.js';
