/**
 * Pitch tracking beside peers, on the evaluation's synthetic performances (eval/performance):
 * speed (× real time on one core, 44.1 kHz, hop 256) and accuracy (mir_eval RPA, RCA, voicing
 * recall and false alarm, 50 cents) of every tracker on the same phrases.
 *
 * Peers: Debian's `aubiopitch` (aubio 0.4.9, C; default yinfft and plain yin, buffer 2048, a
 * process per file, reading the WAV itself), and two npm packages called per frame in this
 * process on the same 2048-sample frames centred on each hop: pitchfinder's YIN (GPL-3.0, a
 * dev dependency for this benchmark only) and pitchy's McLeod pitch method (MIT; a frame is
 * voiced when its clarity is ≥ 0.9, or, in a second row, always: pitchy leaves voicing to its
 * caller). aubiopitch prints a
 * time per frame whose convention differs from ours, so its frames are shifted by the whole
 * number of hops that maximises its RPA on the first phrase (the shift is reported).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Pitchfinder from 'pitchfinder';
import { PitchDetector } from 'pitchy';
import * as tf from '@tensorflow/tfjs';
import { encodeWav } from '../src/audio/index.js';
import { pyin, transcribe, yin, type PitchTrack } from '../src/analysis/index.js';
import { loadTranscriptionModel } from '../src/node/index.js';
import { makePiece } from '../eval/transcription.js';
import { scorePitch, type PitchScores } from '../eval/performance/metrics.js';
import {
  addNoise,
  makePhrase,
  render,
  type Phrase,
  type Timbre,
} from '../eval/performance/synth.js';
import { cacheDir } from './material.js';
import { fmt, markdownTable, timeInterleaved } from './harness.js';

const SR = 44_100;
const HOP = 256;
const PEER_FRAME = 2048;

interface Item {
  name: string;
  phrase: Phrase;
  audio: Float32Array;
  wav: string;
}

/** A tracker: audio (and its WAV file) in, a pitch track on our frame times out. */
type Tracker = (item: Item) => PitchTrack;

function trackFrom(times: Float64Array, f0: Float32Array): PitchTrack {
  const voiced = Uint8Array.from(f0, (f) => (f > 0 ? 1 : 0));
  return {
    sampleRate: SR,
    hopSize: HOP,
    times,
    f0Hz: Float32Array.from(f0, (f) => (f > 0 ? f : NaN)),
    voiced,
    voicedProbability: Float32Array.from(voiced),
    confidence: Float32Array.from(voiced),
  };
}

/** Runs a per-frame detector on 2048-sample frames centred on every hop. */
function perFrame(x: Float32Array, detect: (frame: Float32Array) => number): PitchTrack {
  const n = Math.floor(x.length / HOP) + 1;
  const frame = new Float32Array(PEER_FRAME);
  const f0 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const start = i * HOP - PEER_FRAME / 2;
    frame.fill(0);
    const from = Math.max(0, start),
      to = Math.min(x.length, start + PEER_FRAME);
    if (to > from) frame.set(x.subarray(from, to), from - start);
    f0[i] = detect(frame);
  }
  return trackFrom(
    Float64Array.from({ length: n }, (_, i) => (i * HOP) / SR),
    f0,
  );
}

const pitchfinderYin = Pitchfinder.YIN({ sampleRate: SR });
const mpm = PitchDetector.forFloat32Array(PEER_FRAME);

function aubio(method: string, shiftHops: number): Tracker {
  return (item) => {
    const r = spawnSync(
      'aubiopitch',
      ['-i', item.wav, '-p', method, '-B', String(PEER_FRAME), '-H', String(HOP), '-u', 'Hz'],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    if (r.status !== 0) throw new Error(`aubiopitch failed: ${r.stderr}`);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const times = Float64Array.from(rows, (row) => row[0]! + (shiftHops * HOP) / SR);
    return trackFrom(
      times,
      Float32Array.from(rows, (row) => row[1]!),
    );
  };
}

export function hasAubio(): boolean {
  return spawnSync('aubiopitch', ['-h'], { encoding: 'utf8' }).error === undefined;
}

function makeItems(smoke: boolean): Item[] {
  const dir = join(cacheDir, 'pitch');
  mkdirSync(dir, { recursive: true });
  const timbres: Timbre[] = smoke ? ['bowed'] : ['bowed', 'flute', 'voice'];
  const items: Item[] = [];
  for (const snr of [undefined, 10])
    for (const timbre of timbres)
      for (let seed = 1; seed <= (smoke ? 1 : 2); seed++) {
        const phrase = makePhrase(seed, { seconds: 10, sampleRate: SR });
        let audio = render(phrase, timbre, seed);
        if (snr !== undefined) audio = addNoise(audio, snr, seed, phrase.amplitude);
        const name = `${timbre}-${snr ?? 'clean'}-${seed}`;
        const wav = join(dir, `${name}.wav`);
        if (!existsSync(wav))
          writeFileSync(
            wav,
            encodeWav({ sampleRate: SR, channels: [audio] }, { format: 'float32' }),
          );
        items.push({ name, phrase, audio, wav });
      }
  return items;
}

/** The hop shift (−8…8) that maximises a tracker's RPA on one phrase. */
function bestShift(make: (shift: number) => Tracker, item: Item): number {
  let best = 0,
    bestRpa = -1;
  for (let s = -8; s <= 8; s++) {
    const rpa = scorePitch(make(s)(item), item.phrase).rpa;
    if (rpa > bestRpa) {
      bestRpa = rpa;
      best = s;
    }
  }
  return best;
}

export async function benchPitch(smoke: boolean, rounds: number): Promise<string> {
  const items = makeItems(smoke);
  const trackers: { name: string; label: string; run: Tracker }[] = [
    {
      name: 'pyin',
      label: 'Zhiyin pYIN (default)',
      run: (it) => pyin(it.audio, { sampleRate: SR, hopSize: HOP }),
    },
    {
      name: 'yin',
      label: 'Zhiyin YIN (fast mode)',
      run: (it) => yin(it.audio, { sampleRate: SR, hopSize: HOP }),
    },
    {
      name: 'pitchfinder',
      label: 'pitchfinder 2.3 YIN (npm, JS)',
      run: (it) => perFrame(it.audio, (f) => pitchfinderYin(f) ?? 0),
    },
    {
      name: 'pitchy',
      label: 'pitchy 4.1 McLeod (npm, JS)',
      run: (it) =>
        perFrame(it.audio, (f) => {
          const [hz, clarity] = mpm.findPitch(f, SR);
          return clarity >= 0.9 ? hz : 0;
        }),
    },
    {
      name: 'pitchy-all',
      label: 'pitchy 4.1 McLeod, every frame voiced',
      run: (it) => perFrame(it.audio, (f) => mpm.findPitch(f, SR)[0]),
    },
  ];
  const notes: string[] = [];
  if (hasAubio()) {
    for (const method of ['yinfft', 'yin']) {
      const make = (s: number) => aubio(method, s);
      const shift = bestShift(make, items[0]!);
      notes.push(`aubiopitch -p ${method}: frames shifted by ${shift} hops.`);
      trackers.push({
        name: `aubio-${method}`,
        label: `aubiopitch 0.4.9 -p ${method} (C, a process per file)`,
        run: make(shift),
      });
    }
  } else if (process.env.ZHIYIN_REQUIRE_TOOLS === '1') {
    throw new Error('CI requires aubiopitch (apt-get install aubio-tools), but it is missing.');
  } else
    notes.push('aubiopitch is not installed (apt-get install aubio-tools): its rows are missing.');

  // Speed: the whole set, each tracker in turn, interleaved rounds.
  const audioSeconds = items.reduce((a, it) => a + it.audio.length / SR, 0);
  const times = await timeInterleaved(
    trackers.map((t) => ({ name: t.name, run: () => items.forEach((it) => t.run(it)) })),
    rounds,
  );
  // Accuracy: mean over phrases, clean and 10 dB separately.
  const rows = trackers.map((t) => {
    const scores: Record<string, PitchScores[]> = { clean: [], '10': [] };
    for (const it of items)
      scores[it.name.includes('-10-') ? '10' : 'clean']!.push(scorePitch(t.run(it), it.phrase));
    const mean = (xs: PitchScores[], f: (s: PitchScores) => number) =>
      `${((100 * xs.reduce((a, s) => a + f(s), 0)) / xs.length).toFixed(1)} %`;
    return [
      t.label,
      fmt(audioSeconds / times.get(t.name)!),
      fmt(times.get('pyin')! / times.get(t.name)!),
      mean(scores.clean!, (s) => s.rpa),
      mean(scores['10']!, (s) => s.rpa),
      mean(scores['10']!, (s) => s.rca),
      mean(scores.clean!, (s) => s.voicingFalseAlarm),
    ];
  });
  const table = markdownTable(
    [
      'tracker',
      '× real time',
      'speed ÷ pYIN',
      'RPA clean',
      'RPA 10 dB',
      'RCA 10 dB',
      'voicing false alarm, clean',
    ],
    rows,
  );
  return `${items.length} phrases of 10 s (${smoke ? 'bowed' : 'bowed, flute and voice'}, clean and 10 dB SNR; the evaluation's seeds), 44.1 kHz, hop ${HOP}. Speed: the whole set per round, median of ${rounds} rounds; in-process trackers work on decoded audio, aubiopitch reads the WAV in its own process.\n\n${table}\n\n${notes.join(' ')}`;
}

/**
 * Transcription speed: basic-pitch on TensorFlow.js's wasm backend (ours) beside the same model
 * on the pure-JS CPU backend, on one synthetic piece of the transcription evaluation. The two
 * run in blocks (switching backends moves the weights), the wasm block first.
 */
export async function benchTranscription(smoke: boolean, rounds: number): Promise<string> {
  const seconds = smoke ? 4 : 10;
  const { audio } = makePiece(4, 'plucked', seconds);
  const model = loadTranscriptionModel();
  await model;
  const run = () => transcribe(model, audio, { sampleRate: 22_050 });
  const wasm = await timeInterleaved([{ name: 'wasm', run }], rounds);
  let cpu: Map<string, number> | undefined;
  if (!smoke) {
    await tf.setBackend('cpu');
    cpu = await timeInterleaved([{ name: 'cpu', run }], Math.min(rounds, 3));
    await tf.setBackend('wasm');
  }
  const rows = [
    ['basic-pitch, TensorFlow.js wasm backend (ours)', fmt(seconds / wasm.get('wasm')!), '1.00'],
  ];
  if (cpu)
    rows.push([
      'basic-pitch, TensorFlow.js pure-JS CPU backend',
      fmt(seconds / cpu.get('cpu')!),
      fmt(wasm.get('wasm')! / cpu.get('cpu')!),
    ]);
  return `A ${seconds} s polyphonic piece at 22.05 kHz (eval/transcription.ts, seed 4), median of ${rounds} rounds (CPU backend: ${Math.min(rounds, 3)}), one core.\n\n${markdownTable(['transcriber', '× real time', 'speed ÷ ours'], rows)}`;
}
