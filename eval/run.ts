/**
 * `npm run eval`: evaluations against ground truth, printed as Markdown: loudness conformance
 * (EBU Tech 3341/3342, BS.2217) and true peak, the resampler's measured response, and the
 * performance analysis (pitch tracking, notes and expressive events) on synthetic phrases, and
 * polyphonic transcription on synthetic pieces; key and mode detection on the fixture melodies; the automix of phone-style vocal takes over
 * real music.
 * `--only loudness|resampler|performance|transcription|modes|mix` runs one part.
 */
import { loudnessReport } from './loudness.js';
import { resamplerReport } from './resampler.js';
import { performanceReport } from './performance/run.js';
import { transcriptionReport } from './transcription.js';
import { modeReport } from './modes.js';
import { automixReport } from './automix.js';

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
if (!only || only === 'modes') parts.push(`## Key and mode detection\n\n${modeReport()}`);
if (!only || only === 'mix')
  parts.push(`## Automix (one-click vocal mix)\n\n${await automixReport()}`);
console.log(parts.join('\n\n') + '\n');
