/**
 * The shape of `hardtick doctor`'s findings: one check per thing on the machine that
 * stands between it and a hard loop. Plain JSON objects (printed by `doctor --json`,
 * stamped into run reports' `environment.doctor`): part of the report's vocabulary, which
 * src/doctor fills in. No imports.
 */

/** Schema id of {@link DoctorReport} (`hardtick doctor --json`). */
export const DOCTOR_SCHEMA = 'hardtick.doctor/v1';

/** A check's verdict: `fail` only when the config asks for something the machine refuses. */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** Every check id, in the order reports list them. */
export const DOCTOR_CHECK_IDS = [
  'node-version',
  'native-addon',
  'kernel-preemption',
  'virtualization',
  'steal',
  'cpu-governor',
  'clocksource',
  'isolated-cpus',
  'cpu-affinity',
  'rt-priority',
  'rlimit-rtprio',
  'rt-throttling',
  'cgroup-cpu-quota',
  'memory-lock',
  'rlimit-memlock',
  'swap',
  'transparent-hugepages',
  'cpu-dma-latency',
  'timer-slack',
] as const;

/** A check's id (see {@link DOCTOR_CHECK_IDS}). */
export type DoctorCheckId = (typeof DOCTOR_CHECK_IDS)[number];

/** One finding. */
export interface DoctorCheck {
  /** Stable id, e.g. `rt-priority`. */
  readonly id: DoctorCheckId;
  /** `pass`, `warn` or `fail`. */
  readonly status: DoctorStatus;
  /** What was seen (or what the attempt returned), e.g. `SCHED_FIFO 80 refused: EPERM (…)`. */
  readonly found: string;
  /** Why it matters to the loop. */
  readonly why: string;
  /** The command (or config change) that fixes it; null when the check passes. */
  readonly fix: string | null;
}

/** Checks by status. */
export interface DoctorCounts {
  /** Checks that passed. */
  readonly pass: number;
  /** Checks that warn. */
  readonly warn: number;
  /** Checks that fail. */
  readonly fail: number;
}

/**
 * What `hardtick doctor --json` prints, and what a run report keeps in
 * `environment.doctor`.
 */
export interface DoctorReport {
  /** Always {@link DOCTOR_SCHEMA}. */
  readonly schema: typeof DOCTOR_SCHEMA;
  /**
   * `full`: `hardtick doctor` (each real-time step tried on a short-lived thread, steal
   * sampled over a window); `preflight`: at the start of a run (the steps as the run applied
   * them, steal since boot).
   */
  readonly mode: 'full' | 'preflight';
  /** The config judged against (absolute path), or null (no config; or one built in memory). */
  readonly config: string | null;
  /** Checks by status. */
  readonly counts: DoctorCounts;
  /** Every check, in {@link DOCTOR_CHECK_IDS} order. */
  readonly checks: readonly DoctorCheck[];
  /** How long the checks took, ms. */
  readonly tookMs: number;
}
