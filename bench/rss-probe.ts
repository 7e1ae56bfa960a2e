/**
 * Child-process probe for the memory benchmark: decodes, meters or analyses (pitch, notes and
 * events) one file, streaming, and prints the work done, the resident set size after each
 * quarter of the file, and the peak.
 * Usage: node dist/bench/rss-probe.js decode|loudness|analyze FILE
 */
import { readFileSync } from 'node:fs';
import { analyzeFile, measureLoudnessFile, openAudioFile } from '../src/node/index.js';

/** A field of /proc/self/status in MiB (Linux), or undefined elsewhere. */
function status(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const [mode, file] = process.argv.slice(2);
const quarters: number[] = [];
const onProgress = (fraction: number) => {
  while (quarters.length < 4 && fraction >= (quarters.length + 1) / 4)
    quarters.push(status('VmRSS') ?? NaN);
};
const t0 = performance.now();
let audioSeconds = 0;
if (mode === 'analyze') {
  const analysis = await analyzeFile(file!, { onProgress });
  audioSeconds = analysis.durationSeconds;
} else if (mode === 'loudness') {
  const { loudness } = await measureLoudnessFile(file!, { onProgress: (_s, f) => onProgress(f) });
  audioSeconds = loudness.durationSeconds;
} else {
  const { info, chunks } = await openAudioFile(file!, { onProgress });
  let frames = 0;
  for await (const c of chunks) frames += c.channels[0]!.length;
  audioSeconds = frames / info.sampleRate;
}
// VmHWM belongs to this program image; getrusage's maxRSS would carry over the parent's peak
// across fork and exec.
const peak = status('VmHWM') ?? process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    audioSeconds,
    wallSeconds: (performance.now() - t0) / 1000,
    peakRssMiB: peak,
    quarterRssMiB: quarters,
  }),
);
