/** Shared option parsers for the CLI commands. */
import { InvalidArgumentError } from 'commander';

/** Parses a number option, or fails with a message naming the option. */
export function numberOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number, got "${value}".`);
    return n;
  };
}
