/**
 * The warm-up before measurement, bounded by time rather than by frames. V8 must have
 * optimised the executive, the drive loop, the alarm paths and the task functions before
 * the first measured frame (first-time compiles and deopts allocate, and show up as the
 * run's worst frames). Within the declared warm-up: JIT drives on compressed frames
 * ({@link compressedModes}: the same slots and tasks, frames of at most {@link JIT_FRAME_NS}),
 * the real executive on the real frames for the rest ({@link realWarmupNs}), the alarm
 * rehearsal on 1 µs frames with no-op tasks; none of it grows with the frame size. Cold code.
 */
import type { AlarmKindName } from '../config/types.js';
import type { ExecutiveModeSpec, ExecutiveOptions } from '../runtime/index.js';
import { ALARM_CAPACITY } from './loop-setup.js';

/** Warm-up when none is asked for: the longer of these two, capped. */
const WARMUP_MIN_NS = 200_000_000;
const WARMUP_MIN_FRAMES = 500;
const WARMUP_MAX_NS = 2_000_000_000;

/** The warm-up length for an option (null: the default rule) at the initial frame size, ns. */
export function warmupLengthNs(optionNs: number | null, frameNs: number): number {
  return optionNs ?? Math.min(WARMUP_MAX_NS, Math.max(WARMUP_MIN_NS, WARMUP_MIN_FRAMES * frameNs));
}

/** Largest frame of a JIT drive, ns: larger frames are compressed to this. */
export const JIT_FRAME_NS = 200_000;
/** JIT drives before and after the declared warm-up, and frames in each. */
export const JIT_DRIVES = 30;
export const JIT_DRIVE_FRAMES = 10;
/** Time the JIT drives of one batch may take at most, ns (slow tasks make each drive long). */
export const JIT_BATCH_NS = 150_000_000;
/** Alarm rehearsal after the warm-up (both thread modes): drives, and ns each. */
export const REHEARSAL_DRIVES = 20;
/** Length of one rehearsal drive, ns. */
export const REHEARSAL_DRIVE_NS = 10_000_000;
/** Frame size of the rehearsal tables ({@link rehearsalModes}), ns: far below any real slot. */
export const REHEARSAL_FRAME_NS = 1_000;
/** Alarms of one kind delivered per second in the rehearsal: most go through the listener. */
const REHEARSAL_ALARM_RATE = 100_000;
/** What the rehearsal and the steps after it take, about, ns (planned for inside the warm-up). */
export const REHEARSAL_TAIL_NS = Math.round(REHEARSAL_DRIVES * REHEARSAL_DRIVE_NS * 1.2) + 40_000_000;

/**
 * How long the warm-up runs the real loop: what is left of the declared warm-up after the
 * JIT drives already run (`spentNs`) and the rest still to come (`tailNs`), but at least a
 * quarter of it. The declared warm-up is thus the whole warm-up, JIT drives included, unless
 * it is shorter than they are.
 */
export function realWarmupNs(declaredNs: number, spentNs: number, tailNs: number): number {
  return Math.max(declaredNs - spentNs - tailNs, Math.round(declaredNs / 4));
}

/** Pauses of the warm-up kept for the report (the count by kind is exact). */
export const WARMUP_PAUSES_KEPT = 32;

/** The kinds raised in an alarm-totals record, as the warm-up's `alarmsByKind`. */
export function raisedKinds(
  alarms: Readonly<Record<AlarmKindName, number>>,
): Partial<Record<AlarmKindName, number>> {
  const out: Partial<Record<AlarmKindName, number>> = {};
  for (const [kind, n] of Object.entries(alarms) as [AlarmKindName, number][]) if (n > 0) out[kind] = n;
  return out;
}

/** A drive's first release is this far ahead of its start at most (one frame when frames are shorter), ns. */
export const FIRST_RELEASE_LEAD_NS = 1_000_000;

/** What the warm-up did, as the report and the printed line tell it. */
export interface WarmupOutcome {
  /** The warm-up asked for, ns. */
  readonly declaredNs: number;
  /** Frames the warm-up executive ran on the real frames. */
  readonly frames: number;
  /** That executive's first release to its last clock read, ns. */
  readonly durationNs: number;
  /** Alarm records it delivered (rate-limit summaries included; not counted in any measured figure). */
  readonly alarms: number;
  /** Alarms it raised by kind, exact (only kinds raised). */
  readonly alarmsByKind?: Readonly<Partial<Record<AlarmKindName, number>>>;
  /**
   * Pauses it saw (lost time over `alarms.pauseThreshold`), ns since its first release, the
   * first {@link WARMUP_PAUSES_KEPT}; `frame` is the warm-up executive's frame.
   */
  readonly pauses?: readonly { readonly atNs: number; readonly lengthNs: number; readonly frame: number }[];
  /** Start of the warm-up to the measured run's first release, ns: all of the above plus the JIT drives and the rehearsal. */
  readonly totalNs: number;
  /** Why the warm-up executive stopped early (a policy, a stop), or null when it ran out its time. */
  readonly stopReason: string | null;
}

/**
 * First release of a drive starting now: one frame or {@link FIRST_RELEASE_LEAD_NS} ahead,
 * whichever is shorter, on a grid of the same size. The executive's own default (the next
 * frame boundary, one frame ahead) would wait up to two frames: seconds with long frames.
 */
export function firstReleaseNs(nowNs: number, frameNs: number): number {
  const lead = Math.min(frameNs, FIRST_RELEASE_LEAD_NS);
  return Math.ceil((nowNs + lead) / lead) * lead;
}

/**
 * The modes on compressed frames for JIT drives: the same slots, tasks and functions, the
 * frame (and every release and deadline in it) scaled down to at most {@link JIT_FRAME_NS}.
 * Budgets are kept; `stop` and `safe-state` policies become `warn`. Cold; allocates.
 */
export function compressedModes(modes: readonly ExecutiveModeSpec[]): ExecutiveModeSpec[] {
  return modes.map((mode) => {
    const t = mode.table;
    if (t.frameNs <= JIT_FRAME_NS) return { ...mode, tasks: warnOnly(mode.tasks) };
    const scale = JIT_FRAME_NS / t.frameNs;
    return {
      ...mode,
      table: {
        ...t,
        frameNs: JIT_FRAME_NS,
        hyperperiodNs: JIT_FRAME_NS * t.frameCount,
        slotReleaseNs: t.slotReleaseNs.map((ns) => Math.round(ns * scale)),
        slotDeadlineNs: t.slotDeadlineNs.map((ns) => Math.round(ns * scale)),
      },
      tasks: warnOnly(mode.tasks),
    };
  });
}

/** The tasks with `stop` and `safe-state` overrun policies turned into `warn`. */
function warnOnly(tasks: ExecutiveModeSpec['tasks']): ExecutiveModeSpec['tasks'] {
  return tasks.map((task) =>
    task.overrun.action === 'stop' || task.overrun.action === 'safe-state'
      ? { ...task, overrun: { ...task.overrun, action: 'warn' as const } }
      : task,
  );
}

/**
 * Pause threshold of every other rehearsal drive, ns: out of reach, so the jobs those drives
 * drop count as catch-up drops; the drives in between (threshold 0) raise a pause alarm on
 * every frame and count their drops as lost to pauses. Both causes' paths are thus compiled
 * before measurement, whichever a loaded machine meets first.
 */
const REHEARSAL_NO_PAUSE_NS = 1e15;

/**
 * Options of rehearsal drive `drive` over `modes` (already {@link rehearsalModes}): every
 * alarm threshold at 0 but the pause threshold, 0 on even drives and out of reach on odd
 * ones ({@link REHEARSAL_NO_PAUSE_NS}); the rehearsal alarm rate. No heartbeat or slack
 * hook: zero deadlines would read as overdue. A lease-gated run passes a warm-up gate
 * (standby and leading in turn, lease-gate.ts), so the standby catch-up is rehearsed too,
 * and a run with a lease a private guard its pauses are noted on. Cold.
 */
export function rehearsalExecutiveOptions(
  base: Pick<
    ExecutiveOptions,
    | 'clock'
    | 'waiter'
    | 'modes'
    | 'initialMode'
    | 'catchUp'
    | 'traceCapacity'
    | 'stopFlag'
    | 'leaseGate'
    | 'lease'
  >,
  drive: number,
): ExecutiveOptions {
  return {
    ...base,
    releaseLateNs: 0,
    pauseThresholdNs: drive % 2 === 0 ? 0 : REHEARSAL_NO_PAUSE_NS,
    alarmCapacity: ALARM_CAPACITY,
    alarmRatePerSecond: REHEARSAL_ALARM_RATE,
    phase: 'warmup',
  };
}

/** What every slot of a rehearsal runs: nothing (the user's tasks are never called there). */
function rehearsalTask(): void {}

/**
 * The modes with every alarm made to happen, for the alarm rehearsal before measurement:
 * the same tasks and policies over copies of the tables with 1 µs frames (every frame late:
 * catch-up skips, frame overruns) and zero budgets, releases and deadlines (every slot
 * overruns and misses its deadline). Every function is a no-op: the rehearsal exercises the
 * executive and the loop, never the user's code. `stop` and `safe-state` policies become
 * `warn`, so the rehearsal does not end at the first overrun. Cold; allocates.
 */
export function rehearsalModes(modes: readonly ExecutiveModeSpec[]): ExecutiveModeSpec[] {
  return modes.map((mode) => {
    const t = mode.table;
    return {
      ...mode,
      fns: mode.fns.map(() => rehearsalTask),
      degraded: mode.degraded.map((fn) => (fn === null ? null : rehearsalTask)),
      safeState: mode.safeState.map((fn) => (fn === null ? null : rehearsalTask)),
      table: {
        ...t,
        frameNs: REHEARSAL_FRAME_NS,
        hyperperiodNs: REHEARSAL_FRAME_NS * t.frameCount,
        slotBudgetNs: new Float64Array(t.slotCount),
        slotReleaseNs: new Float64Array(t.slotCount),
        slotDeadlineNs: new Float64Array(t.slotCount),
      },
      tasks: warnOnly(mode.tasks),
    };
  });
}
