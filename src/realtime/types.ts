/**
 * Types of the real-time setup (`realtime` in the config): one result per step, plain
 * JSON-serialisable objects so a worker can post them to the main thread and the run
 * report can embed them as they are.
 */

/** The setup steps, in the order reports list them. */
export type RealtimeStepName =
  | 'priority'
  | 'affinity'
  | 'lockMemory'
  | 'cpuDmaLatency'
  | 'timerSlack'
  | 'nice';

/** Every step name, in report order. */
export const REALTIME_STEPS: readonly RealtimeStepName[] = [
  'priority',
  'affinity',
  'lockMemory',
  'cpuDmaLatency',
  'timerSlack',
  'nice',
];

/**
 * Outcome of one step:
 * - `applied`: done (and read back where the OS lets us);
 * - `refused`: attempted, and the OS said no (`reason` holds its answer, e.g. `EPERM`);
 * - `not-requested`: the config does not ask for it, so it was left alone;
 * - `unavailable`: the mechanism is missing here (no native addon, not Linux, no such
 *   device), so it was not attempted.
 */
export type RealtimeStepStatus = 'applied' | 'refused' | 'not-requested' | 'unavailable';

/** How a step was carried out. */
export type RealtimeMechanism =
  | 'native'
  | 'taskset'
  | 'os.setPriority'
  | '/dev/cpu_dma_latency'
  | 'procfs'
  | null;

/** The result of one step. */
export interface RealtimeStepResult {
  readonly step: RealtimeStepName;
  /**
   * The value asked for: the priority, the CPU list, `true` (lockMemory), the µs held in
   * `/dev/cpu_dma_latency`, the slack in ns, the nice value; null when not requested.
   */
  readonly requested: number | readonly number[] | boolean | null;
  readonly status: RealtimeStepStatus;
  /** Why it was refused or unavailable, or a note on how it was applied; null otherwise. */
  readonly reason: string | null;
  /** What carried it out (null when not attempted). */
  readonly via: RealtimeMechanism;
  /** Which thread it was applied on: `main`, `worker`, or `process` for process-wide steps. */
  readonly scope: 'main' | 'worker' | 'process' | null;
}

/** What to set up: the resolved config's `realtime` (null / false = not requested). */
export interface RealtimeRequest {
  /** SCHED_FIFO priority 1..99. */
  readonly priority: number | null;
  /** CPUs of the loop thread. */
  readonly cpus: readonly number[] | null;
  /** mlockall the process. */
  readonly lockMemory: boolean;
  /** µs held in `/dev/cpu_dma_latency`. */
  readonly cpuDmaLatencyUs: number | null;
  /** Timer slack of the loop thread, ns. */
  readonly timerSlackNs: number | null;
  /** Nice value of the loop thread. */
  readonly nice: number | null;
}
