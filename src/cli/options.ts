/** Shared option parsers for the CLI commands: numbers checked against their range, by flag name. */
import { InvalidArgumentError } from 'commander';

/**
 * Parses a number option within [min, max], or fails with a message naming the option.
 * @param integer require a whole number
 */
export function numberOption(name: string, min = -Infinity, max = Infinity, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number, got "${value}".`);
    if (integer && !Number.isInteger(n))
      throw new InvalidArgumentError(`${name} must be a whole number, got ${value}.`);
    if (n < min || n > max) {
      const range =
        max === Infinity
          ? `at least ${min}`
          : min === -Infinity
            ? `at most ${max}`
            : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${name} must be ${range}, got ${value}.`);
    }
    return n;
  };
}
