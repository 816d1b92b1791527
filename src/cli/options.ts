// Option parsing shared by commands: durations, sizes, integers. Throws H1B_* errors at the boundary only.

import { H1Error } from '../errors.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `10s`, `2m`, `1h`, or a bare number of seconds → milliseconds. */
export function parseDurationMs(value: unknown, option: string): number {
  const text = String(value).trim();
  const match = DURATION.exec(text);
  if (!match) {
    throw new H1Error('H1B_INVALID_DURATION', `--${option} '${text}' is not a duration; use e.g. 500ms, 10s or 2m`);
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(amount * (UNIT_MS[unit] ?? 1000));
}

/** A whole number within [min, max]. */
export function parseInteger(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `between ${min} and ${max}`;
    throw new H1Error('H1B_INVALID_OPTION', `--${option} must be a whole number ${range} (got '${String(value)}')`);
  }
  return number;
}

/** A positive finite number (rates). */
export function parsePositiveNumber(value: unknown, option: string): number {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(number) || number <= 0) {
    throw new H1Error('H1B_INVALID_OPTION', `--${option} must be a positive number (got '${String(value)}')`);
  }
  return number;
}

export function parseChoice<T extends string>(value: unknown, option: string, choices: readonly T[]): T {
  const text = String(value);
  if (!(choices as readonly string[]).includes(text)) {
    throw new H1Error('H1B_INVALID_OPTION', `--${option} must be one of ${choices.join(', ')} (got '${text}')`);
  }
  return text as T;
}
