// Rounding of reported figures: one definition, so every report and renderer keeps the same precision.

/** `value` rounded to `digits` decimals (half away from zero, as Math.round does for positives). */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Milliseconds at µs precision, rates at 1/1000: the precision of most report figures. */
export const round3 = (value: number): number => roundTo(value, 3);

/** Seconds at µs precision and ratios such as handshakes per request. */
export const round6 = (value: number): number => roundTo(value, 6);
