/**
 * An adaptation written out in one format: MusicXML, MXL, MIDI (with the ornaments' pitch
 * bends), jianpu as SVG or text (1 = the adapted gong, in written pitch) or a WAV preview. The
 * CLI picks the format from a file's extension, the server from the request.
 */
import { encodeWav } from '../audio/index.js';
import {
  jianpuSvg,
  jianpuText,
  scoreToMelody,
  scoreToMidi,
  toNumber,
  writeMusicXml,
  writeMxl,
} from '../notation/index.js';
import type { Adaptation } from './advise.js';
import { ornamentBends } from './expression.js';
import { previewVoiceFor, renderPreview } from './preview.js';

export type AdaptationFormat = 'musicxml' | 'mxl' | 'midi' | 'jianpu-svg' | 'jianpu-text' | 'wav';

/** Each format's media type. */
export const ADAPTATION_MEDIA_TYPES: Record<AdaptationFormat, string> = {
  musicxml: 'application/vnd.recordare.musicxml+xml',
  mxl: 'application/vnd.recordare.musicxml',
  midi: 'audio/midi',
  'jianpu-svg': 'image/svg+xml',
  'jianpu-text': 'text/plain; charset=utf-8',
  wav: 'audio/wav',
};

const PC = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

/**
 * The adaptation in `format`, at `tempo` quarter notes per minute (MIDI and the preview).
 * @example writeFileSync('erhu.musicxml', adaptationBytes(a, 'musicxml', 90));
 */
export function adaptationBytes(
  a: Adaptation,
  format: AdaptationFormat,
  tempo: number,
): Uint8Array | string {
  switch (format) {
    case 'musicxml':
      return writeMusicXml(a.score);
    case 'mxl':
      return writeMxl(writeMusicXml(a.score));
    case 'midi':
      return scoreToMidi({ ...a.score, tempo }, { bends: ornamentBends(a.score, tempo) });
    case 'jianpu-svg':
    case 'jianpu-text': {
      const writtenGong = (((a.fit.gongPc - a.instrument.transposition) % 12) + 12) % 12;
      const melody = scoreToMelody({ ...a.score, transpose: 0 });
      const options = {
        tonicPc: writtenGong,
        tonicName: PC[writtenGong]!,
        meter: `${a.score.meter.beats}/${a.score.meter.beatType}`,
        ...(a.score.pickup ? { pickup: toNumber(a.score.pickup) } : {}),
      };
      return format === 'jianpu-svg'
        ? jianpuSvg(melody, {
            ...options,
            title: `${a.score.title || 'Melody'} — ${a.instrument.names.zh} ${a.instrument.names.en}`,
          }).svg
        : `${jianpuText(melody, options).text}\n`;
    }
    case 'wav': {
      const samples = renderPreview(a.score, {
        voice: previewVoiceFor(a.instrument.family.orchestral),
        tempo,
      });
      return encodeWav({ sampleRate: 44_100, channels: [samples] }, { format: 'pcm16' });
    }
  }
}
