/**
 * A one-line progress bar on stderr, drawn only when both stdout and stderr are terminals
 * (so piped or redirected output stays clean) and only for work that takes a while.
 */

export interface Progress {
  update(fraction: number): void;
  done(): void;
}

const WIDTH = 30;

/** The bar on screen, if any: an error message must first clear it (see program.ts). */
let active: Progress | undefined;

/** Clears the bar on screen, if any. */
export function clearProgress(): void {
  active?.done();
}

/**
 * @param label shown before the bar, e.g. "decoding"
 * @param enabled force on/off (default: when stdout and stderr are TTYs)
 */
export function createProgress(
  label: string,
  enabled = Boolean(process.stdout.isTTY && process.stderr.isTTY),
): Progress {
  const started = Date.now();
  let last = 0;
  let drawn = false;
  const bar: Progress = {
    update(fraction: number) {
      if (!enabled) return;
      const now = Date.now();
      // Draw after half a second (short jobs stay quiet) and at most ten times a second.
      if (now - started < 500 || now - last < 100) return;
      last = now;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * WIDTH);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(f * 100).toFixed(0).padStart(3)}%`,
      );
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write(`\r${' '.repeat(label.length + WIDTH + 8)}\r`);
      drawn = false;
      if (active === bar) active = undefined;
    },
  };
  active = bar;
  return bar;
}
