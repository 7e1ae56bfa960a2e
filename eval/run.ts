/**
 * `npm run eval`: evaluations against ground truth, printed as Markdown: loudness conformance
 * (EBU Tech 3341/3342, BS.2217) and true peak, the resampler's measured response, and the
 * performance analysis (pitch tracking, notes and expressive events) on synthetic phrases, and
 * polyphonic transcription on synthetic pieces.
 * `--only loudness|resampler|performance|transcription` runs one part.
 */
import { loudnessReport } from './loudness.js';
import { resamplerReport } from './resampler.js';
import { performanceReport } from './performance/run.js';
import { transcriptionReport } from './transcription.js';

const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : undefined;
const parts: string[] = ['# Evaluation'];
if (!only || only === 'loudness')
  parts.push(`## Loudness conformance\n\n${await loudnessReport()}`);
if (!only || only === 'resampler') parts.push(`## Resampler\n\n${resamplerReport()}`);
if (!only || only === 'performance')
  parts.push(`## Performance analysis\n\n${await performanceReport()}`);
if (!only || only === 'transcription')
  parts.push(`## Transcription (basic-pitch)\n\n${await transcriptionReport()}`);
console.log(parts.join('\n\n') + '\n');
