/**
 * Transcription of an audio file (src/analysis/transcribe.ts) with basic-pitch's weights read
 * from the installed npm package, never the network, on TensorFlow.js's WebAssembly backend
 * (its .wasm files ship in @tensorflow/tfjs-backend-wasm; about 12× faster than the pure-JS
 * backend; tfjs-node would download libtensorflow at install time).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  Transcriber,
  mixToMono,
  type TranscribeOptions,
  type TranscribedNote,
} from '../analysis/index.js';
import type { DecodeOptions } from '../audio/index.js';
import { ZhiyinError } from '../errors/index.js';
import { openAudioFile } from './files.js';

const require = createRequire(import.meta.url);
let model: Promise<tf.GraphModel> | undefined;

/** The basic-pitch model on the wasm backend, loaded once per process. */
export function loadTranscriptionModel(): Promise<tf.GraphModel> {
  model ??= (async () => {
    setWasmPaths(
      `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`,
    );
    await tf.setBackend('wasm');
    await tf.ready();
    const dir = join(dirname(require.resolve('@spotify/basic-pitch/package.json')), 'model');
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: object;
      format?: string;
      generatedBy?: string;
      convertedBy?: string | null;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const shards = await Promise.all(
      json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))),
    );
    const weights = Buffer.concat(shards);
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      ...(json.format && { format: json.format }),
      ...(json.generatedBy && { generatedBy: json.generatedBy }),
      ...(json.convertedBy && { convertedBy: json.convertedBy }),
    };
    return tf.loadGraphModel({ load: () => Promise.resolve(artifacts) });
  })();
  return model;
}

/** Options of {@link transcribeFile}. */
export interface TranscribeFileOptions
  extends Omit<TranscribeOptions, 'sampleRate'>, DecodeOptions {
  onProgress?: (fraction: number) => void;
}

/**
 * Transcribes a recording (mixed to mono) into notes with pitch bends.
 * @example writeFileSync('take.mid', notesToMidi(await transcribeFile('take.wav')));
 */
export async function transcribeFile(
  path: string,
  options: TranscribeFileOptions = {},
): Promise<TranscribedNote[]> {
  const { info, chunks } = await openAudioFile(path, options);
  const transcriber = new Transcriber(loadTranscriptionModel(), {
    ...options,
    sampleRate: info.sampleRate,
  });
  let frames = 0;
  for await (const chunk of chunks) {
    frames += chunk.channels[0]!.length;
    await transcriber.push(mixToMono(chunk.channels));
  }
  if (frames === 0) throw new ZhiyinError('EMPTY_INPUT', `${path} holds no audio samples.`);
  return transcriber.finish();
}
