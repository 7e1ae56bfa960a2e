/** Hand-built WAV files for tests: any format tag, bit depth, chunk order and size fields. */

export interface WavSpec {
  formatTag: number; // 1 PCM, 3 float, 6 A-law, 7 µ-law, 0xfffe extensible
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign?: number;
  subFormat?: number; // for extensible
  validBits?: number;
  channelMask?: number;
  data: Uint8Array;
  /** Chunks to put between fmt and data. */
  extraChunks?: { id: string; body: Uint8Array }[];
  /** Override the data chunk's size field (e.g. 0xffffffff). */
  dataSizeField?: number;
  riffId?: string;
}

export function buildWav(spec: WavSpec): Uint8Array {
  const ext = spec.formatTag === 0xfffe;
  const fmt = new Uint8Array(ext ? 40 : 16);
  const f = new DataView(fmt.buffer);
  const blockAlign = spec.blockAlign ?? spec.channels * Math.ceil(spec.bits / 8);
  f.setUint16(0, spec.formatTag, true);
  f.setUint16(2, spec.channels, true);
  f.setUint32(4, spec.sampleRate, true);
  f.setUint32(8, spec.sampleRate * blockAlign, true);
  f.setUint16(12, blockAlign, true);
  f.setUint16(14, spec.bits, true);
  if (ext) {
    f.setUint16(16, 22, true);
    f.setUint16(18, spec.validBits ?? spec.bits, true);
    f.setUint32(20, spec.channelMask ?? 0, true);
    fmt.set(
      [spec.subFormat ?? 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71],
      24,
    );
  }
  const chunks: Uint8Array[] = [chunk('fmt ', fmt)];
  for (const c of spec.extraChunks ?? []) chunks.push(chunk(c.id, c.body));
  chunks.push(chunk('data', spec.data, spec.dataSizeField));
  const body = concat(chunks);
  const out = new Uint8Array(12 + body.length);
  const v = new DataView(out.buffer);
  out.set(ascii(spec.riffId ?? 'RIFF'), 0);
  v.setUint32(4, 4 + body.length, true);
  out.set(ascii('WAVE'), 8);
  out.set(body, 12);
  return out;
}

export function chunk(id: string, body: Uint8Array, sizeField = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length % 2));
  out.set(ascii(id), 0);
  new DataView(out.buffer).setUint32(4, sizeField, true);
  out.set(body, 8);
  return out;
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
