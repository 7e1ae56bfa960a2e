/**
 * `npm run eval`: the foundation's evaluations against ground truth, printed as Markdown:
 * loudness conformance (EBU Tech 3341/3342, BS.2217) and true peak, and the resampler's
 * measured response and sweep SNR.
 */
import { loudnessReport } from './loudness.js';
import { resamplerReport } from './resampler.js';

console.log(
  `# Evaluation\n\n## Loudness conformance\n\n${await loudnessReport()}\n\n## Resampler\n\n${resamplerReport()}\n`,
);
