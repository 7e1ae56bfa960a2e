/** A recording's waveform (min and max per pixel column) drawn on a canvas, with the cursor. */
import { useEffect, useRef } from 'react';

export function Waveform(props: {
  samples: Float32Array | undefined;
  duration: number;
  cursor?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !props.samples) return;
    const g = canvas.getContext('2d')!;
    const { width: W, height: H } = canvas;
    g.clearRect(0, 0, W, H);
    g.fillStyle = '#457b9d';
    const s = props.samples;
    const per = Math.max(1, Math.floor(s.length / W));
    for (let px = 0; px < W; px++) {
      let lo = 0;
      let hi = 0;
      for (let i = px * per; i < Math.min(s.length, (px + 1) * per); i++) {
        const v = s[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      g.fillRect(px, H / 2 - hi * (H / 2), 1, Math.max(1, (hi - lo) * (H / 2)));
    }
    if (props.cursor !== undefined && props.duration > 0) {
      g.fillStyle = '#d00';
      g.fillRect((props.cursor / props.duration) * W, 0, 1.5, H);
    }
  }, [props.samples, props.cursor, props.duration]);
  return <canvas ref={ref} className="waveform" width={1000} height={90} data-testid="waveform" />;
}

/** Decodes audio bytes in the browser (Web Audio, resampled to 44.1 kHz). */
export async function decodeAudio(blob: Blob): Promise<AudioBuffer> {
  return new OfflineAudioContext(1, 1, 44_100).decodeAudioData(await blob.arrayBuffer());
}

/** The channels of a decoded buffer. */
export function channelsOf(buffer: AudioBuffer): Float32Array[] {
  return Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
}

/** The channels averaged into one (for the waveform). */
export function mono(buffer: AudioBuffer): Float32Array {
  const channels = channelsOf(buffer);
  const samples = new Float32Array(buffer.length);
  for (const c of channels)
    for (let i = 0; i < c.length; i++) samples[i]! += c[i]! / channels.length;
  return samples;
}
