/**
 * Compares the environment fingerprints of two run reports: the facts that change
 * execution and wake-up times (kernel and its preemption model, CPU model, count and
 * governor, isolated CPUs, Node, clock and waiter backends, scheduling policy). A
 * baseline taken elsewhere is still compared, with a warning that says what differed.
 */
import type { LoadedEnvironment } from '../read.js';

/** One fingerprint field that differs between baseline and run. */
export interface EnvironmentDifference {
  /** Dotted path in `environment`, e.g. `cpus.governor`. */
  readonly field: string;
  /** Human name, e.g. `CPU governor`. */
  readonly label: string;
  readonly baseline: string;
  readonly current: string;
}

/** The fingerprint fields compared, in report order. */
export const FINGERPRINT_FIELDS: readonly { readonly field: string; readonly label: string }[] = [
  { field: 'platform', label: 'platform' },
  { field: 'arch', label: 'architecture' },
  { field: 'kernel', label: 'kernel' },
  { field: 'realtime.preemption', label: 'kernel preemption' },
  { field: 'cpus.model', label: 'CPU model' },
  { field: 'cpus.count', label: 'CPU count' },
  { field: 'cpus.governor', label: 'CPU governor' },
  { field: 'realtime.isolatedCpus', label: 'isolated CPUs' },
  { field: 'node', label: 'Node' },
  { field: 'clock', label: 'clock backend' },
  { field: 'waiter', label: 'waiter backend' },
  { field: 'schedulingPolicy', label: 'scheduling policy' },
];

/** Reads a dotted path; undefined when any step is missing (an older report). */
export function fingerprintValue(env: LoadedEnvironment, field: string): string | undefined {
  let v: unknown = env;
  for (const key of field.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  if (v === undefined) return undefined;
  if (v === null) return 'unknown';
  if (field === 'realtime.isolatedCpus' && v === '') return 'none';
  return String(v);
}

/**
 * The fingerprint fields that differ. A field missing from either report (written by an
 * older hardtick) is not compared.
 */
export function compareEnvironments(
  baseline: LoadedEnvironment,
  current: LoadedEnvironment,
): EnvironmentDifference[] {
  const out: EnvironmentDifference[] = [];
  for (const { field, label } of FINGERPRINT_FIELDS) {
    const b = fingerprintValue(baseline, field);
    const c = fingerprintValue(current, field);
    if (b === undefined || c === undefined || b === c) continue;
    out.push({ field, label, baseline: b, current: c });
  }
  return out;
}

/** The warning line for a set of differences, or null when there are none. */
export function environmentWarning(diffs: readonly EnvironmentDifference[]): string | null {
  if (diffs.length === 0) return null;
  const parts = diffs.map((d) => `${d.label} ${JSON.stringify(d.baseline)} → ${JSON.stringify(d.current)}`);
  return `the baseline came from a different environment (${parts.join('; ')}): regressions may reflect the machine, not the code`;
}
