/**
 * Human-readable durations for planner diagnostics. Cold path only.
 */

/**
 * Formats integer nanoseconds with the largest unit that keeps the value readable:
 * `1800000` → `1.8ms`, `250000` → `250us`, `35` → `35ns`, `1500000000` → `1.5s`.
 */
export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${trim(ns / 1e9)}s`;
  if (abs >= 1e6) return `${trim(ns / 1e6)}ms`;
  if (abs >= 1e3) return `${trim(ns / 1e3)}us`;
  return `${ns}ns`;
}

/** Formats a list of durations as `[1ms, 3ms, 1ms]`. */
export function formatNsList(values: readonly number[]): string {
  return `[${values.map(formatNs).join(', ')}]`;
}

function trim(value: number): string {
  // Round to 6 decimals to hide binary noise (1.8000000000000003), then drop zeros.
  return String(Math.round(value * 1e6) / 1e6);
}
