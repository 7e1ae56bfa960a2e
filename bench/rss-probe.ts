/**
 * Child-process probe for the memory benchmark: decodes (or meters) one file, streaming, and
 * prints the work done and the peak resident set size of this process.
 * Usage: node dist/bench/rss-probe.js decode|loudness FILE
 */
import { readFileSync } from 'node:fs';
import { measureLoudnessFile, openAudioFile } from '../src/node/index.js';

/**
 * Peak RSS of this process in MiB. Linux's VmHWM belongs to this program image; getrusage's
 * maxRSS would carry over the parent's peak across fork and exec.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
let audioSeconds = 0;
if (mode === 'loudness') {
  const { loudness } = await measureLoudnessFile(file!);
  audioSeconds = loudness.durationSeconds;
} else {
  const { info, chunks } = await openAudioFile(file!);
  let frames = 0;
  for await (const c of chunks) frames += c.channels[0]!.length;
  audioSeconds = frames / info.sampleRate;
}
console.log(
  JSON.stringify({
    audioSeconds,
    wallSeconds: (performance.now() - t0) / 1000,
    maxRssMiB: peakRssMiB(),
  }),
);
