/** Quoting what a file says in a one-line error message: printable and short. */

/** A name or value from the file, short enough for a one-line message. */
export function short(v: string): string {
  const clean = v.replace(/[^\x20-\x7e\u00a0-\uffff]|\ufffd/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}
