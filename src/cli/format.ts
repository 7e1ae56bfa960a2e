/** Presenting results: aligned key–value tables for people, JSON (no Infinity) for machines. */

/** Numbers with fixed decimals; −Infinity (silence) as "-inf". */
export function num(value: number | undefined, decimals = 1, unit = ''): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  if (value === -Infinity) return `-inf${unit ? ' ' + unit : ''}`;
  return `${value.toFixed(decimals)}${unit ? ' ' + unit : ''}`;
}

/** Seconds as h:mm:ss.mmm (or m:ss.mmm). */
export function clock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000),
    m = Math.floor((ms / 60_000) % 60),
    s = (ms / 1000) % 60;
  const ss = s.toFixed(3).padStart(6, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** An aligned two-column table. */
export function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** JSON for machines: non-finite numbers become null (JSON has no Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}
