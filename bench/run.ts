/**
 * `npm run bench`: times each capability beside a named peer in the same run and writes the
 * tables to BENCHMARKS.md with the machine and date. `--smoke` runs a tiny version (for CI)
 * that writes test-results/bench-smoke.md instead; `--only notation` (music knowledge) or
 * `--only mix` (mixing) or `--only server` (load on loopback) runs that section alone and replaces it in BENCHMARKS.md (with
 * `--smoke`, it only prints it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { benchDecode } from './decode.js';
import { benchFft } from './fft.js';
import { machineLine } from './harness.js';
import { benchLoudness } from './loudness.js';
import { prepareMaterial } from './material.js';
import { benchMemory } from './memory.js';
import { benchMix } from './mix.js';
import { benchNotation } from './notation.js';
import { benchPitch, benchTranscription } from './pitch.js';
import { benchResample } from './resample.js';
import { benchServer } from './server.js';
import { resamplerReport } from '../eval/resampler.js';

const smoke = process.argv.includes('--smoke');
/** `--only notation|mix|server` runs just that section and replaces it in BENCHMARKS.md. */
const only = process.argv.includes('--only')
  ? (process.argv[process.argv.indexOf('--only') + 1] ?? '')
  : undefined;
const rounds = smoke ? 1 : 7;
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

const NOTATION_TITLE = '## Music knowledge: key and mode, the advisor, MusicXML parsing';
async function notationSection(): Promise<string> {
  log('notation');
  const date = new Date().toISOString().slice(0, 10);
  return `${NOTATION_TITLE}\n\nRun on ${date}, ${machineLine()}; median of ${rounds} interleaved rounds.\n\n${await benchNotation(smoke, rounds)}`;
}

const MIX_TITLE = '## Mixing: object-based render and automix';
/** Each run renders or mixes 3 minutes of audio twice (ours and ffmpeg), so fewer rounds. */
const mixRounds = smoke ? 1 : 5;
async function mixSection(): Promise<string> {
  log('mixing');
  const date = new Date().toISOString().slice(0, 10);
  return `${MIX_TITLE}\n\nRun on ${date}, ${machineLine()}; median of ${mixRounds} interleaved rounds after a warm-up round; one core (Node's main thread, ffmpeg with one thread).\n\n${await benchMix(smoke, mixRounds)}`;
}

const SERVER_TITLE = '## Server: load on loopback';
async function serverSection(): Promise<string> {
  log('server');
  const date = new Date().toISOString().slice(0, 10);
  return `${SERVER_TITLE}\n\nRun on ${date}, ${machineLine()}.\n\n${await benchServer(smoke)}`;
}

/** The sections `--only` can run alone. */
const SECTIONS: Record<string, { title: string; make: () => Promise<string> }> = {
  notation: { title: NOTATION_TITLE, make: notationSection },
  mix: { title: MIX_TITLE, make: mixSection },
  server: { title: SERVER_TITLE, make: serverSection },
};

/** `text` with the section under `title` replaced by `section` (appended if it is missing). */
function replaceSection(text: string, title: string, section: string): string {
  const start = text.indexOf(`${title}\n`);
  if (start < 0) return `${text.trimEnd()}\n\n${section}\n`;
  const next = text.indexOf('\n## ', start + 1);
  return `${text.slice(0, start)}${section}\n${next < 0 ? '' : text.slice(next)}`;
}

if (only !== undefined) {
  const chosen = SECTIONS[only];
  if (!chosen) {
    console.error(`bench: --only takes one of ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
  const section = await chosen.make();
  if (!smoke)
    writeFileSync(
      'BENCHMARKS.md',
      replaceSection(readFileSync('BENCHMARKS.md', 'utf8'), chosen.title, section),
    );
  console.log(section);
  process.exit(0);
}

const ffmpegVersion = String(execFileSync('ffmpeg', ['-version']))
  .split('\n')[0]!
  .replace(/ Copyright.*/, '');
log('preparing material');
const material = prepareMaterial(smoke ? 10 : 600);
const sections: string[] = [];
const started = Date.now();

log('FFT');
sections.push(
  `## FFT (real forward transform, µs per transform, median of ${smoke ? 3 : 15} rounds)\n\n${await benchFft(smoke)}\n\nThe FFT behind \`RealFft\` is PFFFT-WASM where it loads (sizes ≥ 32); our JS kernel remains for smaller sizes, double precision and as the fallback. See docs/architecture.md.`,
);
log('decode');
sections.push(
  `## Decoding (median of ${rounds} rounds)\n\nMaterial: ${material.source}; ${material.seconds} s, 44.1 kHz stereo; MP3 192 kbit/s, Vorbis q5, Opus 128 kbit/s, AAC 192 kbit/s. Ours streams the file through \`openAudioFile\` in this process; ffmpeg (${ffmpegVersion}) decodes the same file to 32-bit float with one thread into /dev/null, a process per run (its start-up, about 40 ms, is included).\n\n${await benchDecode(material, rounds)}`,
);
log('loudness');
sections.push(
  `## Loudness (median of ${rounds} rounds)\n\nThe same ${material.seconds} s programme as raw 48 kHz stereo float32, read from disk in 1 MiB chunks by ours and by ffmpeg (a process per run).\n\n${await benchLoudness(material, rounds)}`,
);
log('resample');
sections.push(
  `## Resampling (median of ${rounds} rounds)\n\n${await benchResample(material, rounds)}\n\nDesigned response and sweep SNR of our resampler (eval/resampler.ts):\n\n${resamplerReport()}`,
);
log('pitch');
sections.push(
  `## Pitch tracking (speed and accuracy beside peers)\n\n${await benchPitch(smoke, smoke ? 1 : 5)}`,
);
log('transcription');
sections.push(
  `## Transcription (basic-pitch)\n\n${await benchTranscription(smoke, smoke ? 1 : 5)}`,
);
sections.push(await notationSection());
if (!smoke) {
  log('memory (1-hour files; the first run encodes them, which takes a few minutes)');
  sections.push(
    `## Memory on long input\n\nPeak resident set size is read from /proc/self/status (VmHWM) of a fresh process per job.\n\n${benchMemory(material)}`,
  );
}

sections.push(await mixSection());
sections.push(await serverSection());

const date = new Date().toISOString().slice(0, 10);
const text = `# Benchmarks\n\nWritten by \`npm run bench\` on ${date}. Machine: ${machineLine()}. Run time ${((Date.now() - started) / 1000).toFixed(0)} s.\nEach figure is a median of interleaved rounds; ratios are ratios of medians.\n\n${sections.join('\n\n')}\n`;
if (smoke) {
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-smoke.md', text);
  console.log(text);
} else {
  writeFileSync('BENCHMARKS.md', text);
  console.log(text);
}
