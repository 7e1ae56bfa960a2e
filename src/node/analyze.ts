/**
 * Performance analysis of an audio file, streaming: decode, mix to mono, track pitch, find
 * notes and expressive events (src/analysis).
 */
import {
  PerformanceAnalyzer,
  type AnalyzeOptions,
  type PerformanceAnalysis,
} from '../analysis/index.js';
import type { DecodeOptions } from '../audio/index.js';
import { ZhiyinError } from '../errors/index.js';
import { openAudioFile } from './files.js';

/** Options of {@link analyzeFile}. */
export interface AnalyzeFileOptions extends Omit<AnalyzeOptions, 'sampleRate'>, DecodeOptions {
  onProgress?: (fraction: number) => void;
}

/**
 * Analyses a recording.
 * @example const analysis = await analyzeFile('erhu.wav');
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeFileOptions = {},
): Promise<PerformanceAnalysis> {
  const { info, chunks } = await openAudioFile(path, options);
  const analyzer = new PerformanceAnalyzer({ ...options, sampleRate: info.sampleRate });
  let frames = 0;
  for await (const chunk of chunks) {
    frames += chunk.channels[0]!.length;
    analyzer.push(chunk.channels);
  }
  if (frames === 0) throw new ZhiyinError('EMPTY_INPUT', `${path} holds no audio samples.`);
  return analyzer.finish();
}
