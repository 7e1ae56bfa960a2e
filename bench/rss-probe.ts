/**
 * Child-process probe for the memory benchmark: decodes, meters or analyses (pitch, notes and
 * events) one file, streaming, and prints the work done, the resident set size after each
 * quarter of the file, and the peak. For the mixing benchmark it instead builds a job's inputs
 * (bench/mix.ts), notes the resident size with them loaded, and reports the job's peak.
 * Usage: node dist/bench/rss-probe.js decode|loudness|analyze FILE
 *        node --expose-gc dist/bench/rss-probe.js render|automix SECONDS
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { PlanarAudio } from '../src/audio/index.js';
import { analyzeFile, measureLoudnessFile, openAudioFile } from '../src/node/index.js';
import type { MixProbeResult } from './mix.js';

/** A field of /proc/self/status in MiB (Linux), or undefined elsewhere. */
function status(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the inputs of a mixing job, then runs it once. The peak is reset (Linux ≥ 4.0:
 * writing 5 to /proc/self/clear_refs) between the two, so the job's peak stands alone.
 */
async function mixProbe(mode: 'render' | 'automix', seconds: number): Promise<MixProbeResult> {
  const mix = await import('./mix.js');
  let audio: PlanarAudio[];
  let job: () => Promise<unknown>;
  if (mode === 'render') {
    const inputs = await mix.renderInputs(seconds);
    audio = [...inputs.stems.values()];
    job = () => mix.renderJob(inputs);
  } else {
    const inputs = await mix.automixInputs(seconds);
    audio = [inputs.take, inputs.backing];
    job = () => mix.automixJob(inputs);
  }
  const inputMiB = audio.reduce((n, a) => n + a.channels.length * a.channels[0]!.byteLength, 0);
  (globalThis as { gc?: () => void }).gc?.();
  const inputsRssMiB = status('VmRSS') ?? NaN;
  const buildPeakRssMiB = status('VmHWM') ?? NaN;
  let peakReset = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    peakReset = true;
  } catch {
    // Not Linux, or not allowed: the peak below then covers the whole run.
  }
  const t0 = performance.now();
  await job();
  return {
    audioSeconds: seconds,
    inputMiB: inputMiB / 2 ** 20,
    inputsRssMiB,
    buildPeakRssMiB,
    jobPeakRssMiB: status('VmHWM') ?? process.resourceUsage().maxRSS / 1024,
    peakReset,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

const [mode, file] = process.argv.slice(2);
if (mode === 'render' || mode === 'automix') {
  console.log(JSON.stringify(await mixProbe(mode, Number(file))));
  process.exit(0);
}
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
