/**
 * Builders for runtime tests: ResolvedTask objects and schedule tables from explicit
 * frame lists (independent of the planner), plus tasks that "spend" ManualClock time.
 */
import type { OverrunPolicy, ResolvedTask } from '../../src/config/types.js';
import { buildScheduleTable } from '../../src/plan/table.js';
import type { PlannedFrame, PlannedSlot, ScheduleTable } from '../../src/plan/types.js';
import type { ExecutiveModeSpec, TaskContext, TaskFn } from '../../src/runtime/index.js';
import { ManualClock, type Waiter } from '../../src/time/clock.js';

/** A ResolvedTask with defaults (deadline = period, phase 0, policy warn after 1). */
export function makeTask(
  index: number,
  name: string,
  periodNs: number,
  budgetNs: number,
  opts: { deadlineNs?: number; phaseNs?: number; overrun?: Partial<OverrunPolicy> } = {},
): ResolvedTask {
  return {
    index,
    name,
    periodNs,
    budgetNs,
    deadlineNs: opts.deadlineNs ?? periodNs,
    phaseNs: opts.phaseNs ?? 0,
    run: { spec: `./tasks.mjs#${name}`, file: '/tmp/tasks.mjs', exportName: name },
    overrun: {
      action: 'warn',
      after: 1,
      bucket: null,
      recoverAfter: 10,
      degraded: null,
      safeState: null,
      ...opts.overrun,
    },
  };
}

/** A slot in a hand-written frame: task index, job, optional slice/budget/last. */
export interface SlotSpec {
  readonly task: number;
  readonly job: number;
  readonly slice?: number;
  readonly budgetNs?: number;
  readonly last?: boolean;
}

/**
 * Builds a table: frame k starts at k·frameNs; each slot's release/deadline come from its
 * task (phase + job·period, + deadline).
 */
export function makeTable(
  frameNs: number,
  tasks: readonly ResolvedTask[],
  frames: SlotSpec[][],
): ScheduleTable {
  const planned: PlannedFrame[] = frames.map((slots, index) => {
    const ps: PlannedSlot[] = slots.map((s) => {
      const t = tasks[s.task]!;
      const releaseNs = t.phaseNs + s.job * t.periodNs;
      return {
        task: t.name,
        taskIndex: s.task,
        job: s.job,
        slice: s.slice ?? 0,
        budgetNs: s.budgetNs ?? t.budgetNs,
        releaseNs,
        deadlineNs: releaseNs + t.deadlineNs,
        last: s.last ?? true,
      };
    });
    return { index, startNs: index * frameNs, loadNs: ps.reduce((a, s) => a + s.budgetNs, 0), slots: ps };
  });
  return buildScheduleTable({
    feasible: true,
    hyperperiodNs: frameNs * frames.length,
    frameNs,
    frames: planned,
    slices: {},
    diagnostics: [],
  });
}

/** A mode spec with no degraded/safe-state functions unless given. */
export function makeMode(
  name: string,
  table: ScheduleTable,
  tasks: readonly ResolvedTask[],
  fns: readonly TaskFn[],
  extra: { degraded?: (TaskFn | null)[]; safeState?: (TaskFn | null)[] } = {},
): ExecutiveModeSpec {
  return {
    name,
    table,
    tasks,
    fns,
    degraded: extra.degraded ?? tasks.map(() => null),
    safeState: extra.safeState ?? tasks.map(() => null),
  };
}

/**
 * A task that advances the clock by the next value of `execNs` per call (the last value
 * repeats); `throwOn` call numbers (0-based) throw after spending their time.
 */
export function scripted(
  clock: ManualClock,
  execNs: readonly number[],
  throwOn: readonly number[] = [],
): TaskFn & { calls: number; seen: TaskContext[] } {
  const fn = Object.assign(
    (ctx: TaskContext) => {
      const i = fn.calls++;
      fn.seen.push({ ...ctx, remainingNs: () => 0 });
      clock.advance(execNs[Math.min(i, execNs.length - 1)]!);
      if (throwOn.includes(i)) throw new Error(`boom ${i}`);
    },
    { calls: 0, seen: [] as TaskContext[] },
  );
  return fn;
}

/** Frame size used across runtime tests: 1 ms. */
export const F = 1_000_000;

/** A ManualClock that counts its reads (`nowNs`); `peek` reads without counting. */
export class CountingClock extends ManualClock {
  reads = 0;
  override nowNs(): number {
    this.reads++;
    return super.nowNs();
  }
  peek(): number {
    return super.nowNs();
  }
}

/**
 * Waiter for ManualClock/CountingClock that wakes `lateNs[i]` after the i-th deadline
 * (the last value repeats; default on time) and never counts as a clock read.
 */
export class ScriptedWaiter implements Waiter {
  readonly kind = 'scripted';
  calls = 0;
  constructor(
    private readonly clock: CountingClock,
    private readonly lateNs: readonly number[] = [0],
  ) {}
  waitUntil(deadlineNs: number): void {
    const late = this.lateNs[Math.min(this.calls++, this.lateNs.length - 1)]!;
    if (this.clock.peek() < deadlineNs + late) this.clock.set(deadlineNs + late);
  }
}
