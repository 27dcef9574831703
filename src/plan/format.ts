/**
 * Human-readable durations for planner diagnostics. Cold path only.
 * The unit formatting itself is the config module's exact `formatNs` (its output parses
 * back to the same value), so a suggested budget can be pasted into the config as is.
 */
import { formatNs } from '../config/duration.js';

export { formatNs };

/** Formats a list of durations as `[1ms, 3ms, 1ms]`. */
export function formatNsList(values: readonly number[]): string {
  return `[${values.map((ns) => formatNs(ns)).join(', ')}]`;
}
