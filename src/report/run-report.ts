/**
 * The run report (`schema: "hardtick.run/v1"`): what `hardtick run --report`
 * writes and `hardtick check` / `hardtick report` read. Built on the cold side from an
 * {@link ExecutiveSnapshot}; a plain JSON-serialisable object.
 *
 * Compatibility: the fields docs/run-report.md lists as the contract are the contract; the others are extras that
 * may grow. Consumers must ignore fields they do not know.
 */

import type { AlarmKindName, ResolvedConfig } from '../config/types.js';
import type { GcSummary } from '../gc/monitor.js';
import type { PwcetResult } from '../pwcet/estimate.js';
import { tryPwcetFromExecSamples } from '../pwcet/from-run.js';
import { requestedValue } from '../realtime/apply.js';
import type { RtThrottlingCheck } from '../realtime/throttling.js';
import { REALTIME_STEPS, type RealtimeStepResult } from '../realtime/types.js';
import { ALARM_KINDS } from '../runtime/alarm-kinds.js';
import type { ExecutiveSnapshot } from '../runtime/snapshot.js';
import type { DistributionNs } from '../stats/distribution.js';
import type { ExecSamplesSnapshot } from '../stats/exec-samples.js';
import type { MarginSummary } from '../time/margin-learner.js';
import type { RunEnvironment } from './environment.js';
import type { RunReportCrash, TaskErrorSample } from './faults.js';
import type { RunReportLease } from './lease.js';
import type { PauseSummary } from './pauses.js';

/** The schema id of a run report. */
export const RUN_REPORT_SCHEMA = 'hardtick.run/v1';

/** Per-task evidence in a run report. */
export interface RunReportTask {
  readonly name: string;
  /** The budget (planned WCET), ns. */
  readonly budgetNs: number;
  /** Jobs released (run or skipped). */
  readonly releases: number;
  /** Executions longer than their budget. */
  readonly overruns: number;
  /** Jobs completed after their absolute deadline. */
  readonly deadlineMisses: number;
  /** Executions that threw. */
  readonly errors: number;
  /** Execution time per slot, ns. */
  readonly execNs: DistributionNs;
  /** Extra: the mode the task belongs to. */
  readonly mode: string;
  /** Extra: relative deadline, ns. */
  readonly deadlineNs: number;
  /** Extra: period, ns. */
  readonly periodNs: number;
  /** Extra: executions (slots) run, degraded ones included. */
  readonly runs: number;
  /** Extra: jobs dropped by skip-next or skipped frames (`notRun.policy + catchUp + pause`). */
  readonly skipped: number;
  /** Extra: jobs whose last slice ran, on time or late (`releases = jobsRun + notRun.total`). */
  readonly jobsRun?: number;
  /** Extra: jobs that ran and completed after their deadline (the rest of `deadlineMisses` never ran). */
  readonly late?: number;
  /** Extra: jobs released that never ran, by cause. */
  readonly notRun?: RunReportNotRun;
  /**
   * Extra: executions recorded as a lower bound (an isolated task killed at budget + grace,
   * a slot still running at a stuck verdict): in `runs` and `execNs`, never in `pwcet`.
   */
  readonly censored?: number;
  /** Extra: executions of the degraded function. */
  readonly degradedRuns: number;
  /** Extra: frame number (since start) of the longest execution: the high-water mark. */
  readonly execMaxFrame: number;
  /** Extra: times the task's overrun policy triggered. */
  readonly policyTriggers: number;
  /** Extra: whether the task was running its degraded function when the run ended. */
  readonly degradedAtEnd: boolean;
  /** Extra: `execNs.max / budgetNs` (1 = the whole budget used). */
  readonly execMaxBudgetRatio: number;
  /** Extra: response time per job (completion − release), ns. */
  readonly responseNs: DistributionNs;
  /** Extra: non-empty execution-time histogram buckets as `[lowNs, highNs, count]`. */
  readonly execHistogram: ReadonlyArray<readonly [number, number, number]>;
  /**
   * Extra: probabilistic WCET of the slot execution times (src/pwcet): `samples`, `model`,
   * `params`, `pwcetNs` ("1e-3" … "1e-9"), `fitsBudget` (pwcetNs["1e-9"] ≤ `budgetNs`),
   * `diagnostics` (`ok`, `warnings`, …). null when the run gave too few samples (fewer
   * than 500 executions or 20 complete blocks) or no variation to fit. Absent in reports
   * built without the run's sample buffers.
   */
  readonly pwcet?: PwcetResult | null;
  /**
   * Extra: the run's execution-time sample buffers (block maxima, reservoir, largest
   * values, recent values, lag-1 autocorrelation), so `hardtick pwcet run.json --task NAME`
   * can refit. Absent when the runner had no final snapshot (stuck, crashed).
   */
  readonly execSamples?: ExecSamplesSnapshot;
  /** Extension: the first distinct errors the task threw (faults.ts). Absent when it threw none. */
  readonly errorSamples?: readonly TaskErrorSample[];
}

/** Jobs released that never ran, by cause; each is a deadline miss unless its deadline was still ahead when the run ended. */
export interface RunReportNotRun {
  /** All of them: the sum of the causes below. */
  readonly total: number;
  /** Dropped by the task's `skip-next` overrun policy. */
  readonly policy: number;
  /** Dropped by catch-up: their frame's window passed while the loop ran late on its own work. */
  readonly catchUp: number;
  /** Lost to a pause: their frame's window passed while the loop was paused (asleep, stopped, preempted). */
  readonly pause: number;
  /** An isolated task's worker was not there (being respawned, or failed to load). */
  readonly unavailable: number;
  /** Released before the run ended and never run: cut off by a stop, a stuck verdict or a crash. */
  readonly cutOff: number;
}

/** What the report's numbers must add up to (see docs/accounting.md), and whether they do. */
export interface RunReportAccounting {
  /** Jobs not run over every task, by cause. */
  readonly notRun: RunReportNotRun;
  /** Censored executions over every task. */
  readonly censored: number;
  /**
   * `⌊durationNs / frameNs⌋`: frames released from the first release to the end; null when
   * the run switched between modes (frames of several sizes).
   */
  readonly framesElapsed: number | null;
  /** The identities, as equations over the report's own fields. */
  readonly identities: readonly string[];
  /** Whether they hold: per task (exactly), per run (±1; null without `framesElapsed`). */
  readonly holds: { readonly tasks: boolean; readonly frames: boolean | null };
}

/** The warm-up before measurement: what happened there is shown, not counted in the measured figures. */
export interface RunReportWarmup {
  /** Frames of the warm-up executive on the real frames. */
  readonly frames: number;
  /** That executive's first release to its last clock read, ns. */
  readonly durationNs: number;
  /** The whole start-up, warm-up start to the first measured release (JIT drives and alarm rehearsal included), ns. */
  readonly totalNs?: number;
  /** Alarms the warm-up executive raised, by kind (only kinds raised). */
  readonly alarms?: Readonly<Partial<Record<AlarmKindName, number>>>;
  /** Pauses seen there (lost time over `alarms.pauseThreshold`), ns since the warm-up's first release. */
  readonly pauses?: readonly { readonly atNs: number; readonly lengthNs: number }[];
  /** Watchdog stuck events during the warm-up. */
  readonly stuck?: number;
}

/** Where the report's figures come from. */
export interface RunReportEvidence {
  /**
   * `final`: the loop's own snapshot at its end (every figure exact); `live`: the loop
   * thread's live evidence block, read while it was stuck or after it died (counts exact to
   * the slot; quantiles and response times as last published, histograms and pWCET
   * samples absent); `none`: the loop published nothing.
   */
  readonly source: 'final' | 'live' | 'none';
  /** Thread that held it. */
  readonly thread: 'worker' | 'main' | null;
}

/**
 * Extra: the real-time setup the config asked for and what came of it, one entry per step
 * (all six, in `REALTIME_STEPS` order): applied, refused by the OS (with its reason), not
 * requested, or unavailable here.
 */
export interface RunReportRealtime {
  /** Thread that ran the loop; null when the runner did not say. */
  readonly thread: 'main' | 'worker' | null;
  readonly steps: readonly RealtimeStepResult[];
  /** The RT-throttling check (done when a priority was requested), or null. */
  readonly throttling: RtThrottlingCheck | null;
  /** The warning lines printed at setup. */
  readonly warnings: readonly string[];
}

/** What the runner applied (see `src/realtime/`), for {@link RunReportInput.realtime}. */
export interface RealtimeReportInput {
  /** @default null */
  readonly thread?: 'main' | 'worker' | null;
  /** The step results (`mergeRealtimeSteps` output; missing steps are filled in). */
  readonly steps: readonly RealtimeStepResult[];
  /** @default null */
  readonly throttling?: RtThrottlingCheck | null;
  /** @default [] */
  readonly warnings?: readonly string[];
}

/**
 * One executed slot of the run's trace (`hardtick run --trace N`: the last N slots).
 * Times are relative: ns since the measured run's first release.
 */
export interface RunReportTraceEntry {
  /** Frame index since the measured run started. */
  readonly frame: number;
  /** Task name. */
  readonly task: string;
  /** Mode the slot ran in. */
  readonly mode: string;
  /** Slot start since the first release, ns. */
  readonly startNs: number;
  /** Slot end since the first release, ns. */
  readonly endNs: number;
  /** `TRACE_FLAG_*` bits: 1 overrun, 2 error, 4 degraded, 8 deadline miss, 16 safe state. */
  readonly flags: number;
  /** Extra: the slot's frame's release since the first release, ns (the executive's, per its mode). */
  readonly frameReleaseNs?: number;
  /** Extra: the slot's frame's measured start (its wake) since the first release, ns. */
  readonly frameStartNs?: number;
}

/** The `hardtick.run/v1` run report. */
export interface RunReport {
  readonly schema: typeof RUN_REPORT_SCHEMA;
  /** Machine and process the run happened on. */
  readonly environment: RunEnvironment;
  /**
   * Minor frames: run, overrun (still busy at the next release), skipped (late, catchUp);
   * extras: of the skipped, those lost to a pause; frames cut off by the end of the run
   * (stuck, crashed, stopped); frames a standby node ran no task in (`lease`).
   */
  readonly frames: {
    readonly count: number;
    readonly overruns: number;
    readonly skipped: number;
    readonly lostToPause?: number;
    readonly cutOff?: number;
    readonly standby?: number;
  };
  /** Release lateness: actual frame start − intended release. */
  readonly release: { readonly latenessNs: DistributionNs };
  readonly tasks: readonly RunReportTask[];
  /** Garbage collections during the measured run. */
  readonly gc: GcSummary;
  /**
   * Extra: `pause` alarms (lost time between frame wakes), the first ones attributed to a
   * GC, CPU steal or unknown (see pauses.ts).
   */
  readonly pauses: PauseSummary;
  /** Alarms raised, by kind (every kind listed; rate-limited ones included). */
  readonly alarms: Readonly<Record<AlarmKindName, number>>;
  /** Extra: the config the run used. */
  readonly config: {
    readonly name: string;
    /** Absolute path of the config file, or null when built in memory. */
    readonly file: string | null;
    readonly modes: readonly string[];
    readonly initialMode: string;
  };
  /** Extra: mode at the end of the run. */
  readonly mode: string;
  /** Extra: frame size of that mode, ns. */
  readonly frameNs: number;
  /** Extra: wall-clock start and end (ISO 8601). */
  readonly startedAt: string;
  readonly endedAt: string;
  /** Extra: measured duration (first release to the end of the last frame), ns. */
  readonly durationNs: number;
  /** Extra: the duration asked for (`--duration`), ns; null when unbounded. */
  readonly requestedDurationNs: number | null;
  /**
   * Extra: the warm-up before measurement (not included in any figure): the frames and time
   * of the warm-up executive on the real frames, and `totalNs`, the whole start-up from the
   * warm-up's start to the first measured release (JIT drives and alarm rehearsal included).
   */
  readonly warmup: RunReportWarmup;
  /** Extra: alarms lost because the alarm ring was full (they are still counted in `alarms`). */
  readonly alarmsDropped: number;
  /** Extra: why the loop stopped (`requested`, `duration`, `policy:stop:<task>`, …). */
  readonly stopReason: string | null;
  /** Extra: the alarm kinds the config marks fatal, and those of them that occurred. */
  readonly fatal: { readonly kinds: readonly AlarmKindName[]; readonly occurred: readonly AlarmKindName[] };
  /**
   * Extra: the exit code `hardtick run` returns for this run (0 clean, 1 fatal alarms; after
   * a watchdog `stuck`, the configured `watchdog.exitCode`, else 1; a crash is never 0).
   */
  readonly exitCode: number;
  /** Extra: what every release came to, and the identities the figures satisfy. */
  readonly accounting?: RunReportAccounting;
  /** Extra: where the figures come from. */
  readonly evidence?: RunReportEvidence;
  /**
   * Extension (config `waiter`): the spin margin the loop's waiter used: learned per
   * wait-length class (oversleep quantiles, the margin each class got) or fixed. Absent when
   * the waiter has no learner.
   */
  readonly waiterMargin?: MarginSummary;
  /** Extra: the real-time setup, step by step. */
  readonly realtime: RunReportRealtime;
  /**
   * Extension (`--trace N`): the last N executed slots, ordered by start. Absent when
   * tracing was not asked for.
   */
  readonly trace?: readonly RunReportTraceEntry[];
  /**
   * Extension (`--trace N`): the slots older than `trace` that overran or missed their
   * deadline (the newest 1024, `TRACE_FLAGGED_KEPT`: a second preallocated ring keeps them
   * after the last-N window moved on), ordered by start. Present whenever `trace` is.
   */
  readonly traceOverruns?: readonly RunReportTraceEntry[];
  /**
   * Extension (watchdog): slots the watchdog found stuck past their job's deadline + grace,
   * and what the fail-safe did. Absent when nothing got stuck.
   */
  readonly stuck?: readonly RunReportStuckEntry[];
  /**
   * Extension (config `lease`, hot standby): the election key and candidate, every role
   * change with its token, leading and standby time, standby frames (lease.ts).
   */
  readonly lease?: RunReportLease;
  /**
   * Extension: what took a crashed run down, the task code it came from and the slot the
   * loop was in (faults.ts). Absent unless the run crashed.
   */
  readonly crash?: RunReportCrash;
}

/** One watchdog `stuck` event in the report. */
export interface RunReportStuckEntry {
  /** The stuck task. */
  readonly task: string;
  /** Frame index (since the first release of the executive that ran it) and slot in the frame. */
  readonly frame: number;
  readonly slot: number;
  /** How far past the job's deadline the slot was when the watchdog saw it, ns. */
  readonly overrunNs: number;
  /** `'ran'`, `'failed: <message>'`, or `'none'` (no fail-safe configured, or no result in time). */
  readonly failSafe: string;
  /** Extra: 1 for the run's first stuck event, 2 for the next, … */
  readonly ordinal?: number;
  /**
   * Extra: the slot ended after all (`watchdog.onStuck: "keep-running"`): how far past its
   * deadline it had run when the watchdog saw it end, ns (an upper bound: the watchdog
   * polls every 10 ms while a slot is stuck). null: still stuck when the run ended.
   */
  readonly recoveredNs?: number | null;
}

/** What {@link buildRunReport} assembles. */
export interface RunReportInput {
  readonly config: ResolvedConfig;
  /** Snapshot of the measured executive, taken after it stopped. */
  readonly snapshot: ExecutiveSnapshot;
  readonly environment: RunEnvironment;
  readonly gc: GcSummary;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** @default null */
  readonly requestedDurationNs?: number | null;
  /** @default { frames: 0, durationNs: 0 } */
  readonly warmup?: RunReportWarmup;
  /**
   * Why the loop stopped when the executive does not say (e.g. `duration` when the
   * run reached its end time). @default snapshot.stopReason
   */
  readonly stopReason?: string | null;
  /**
   * What the runner's real-time setup did. When absent, the report derives it from the
   * config and the environment: timer slack from `environment.timerSlack.applied`, other
   * requested steps `unavailable` ("not applied by this runner"). @default derived
   */
  readonly realtime?: RealtimeReportInput;
  /** Attributed pauses; @default the count from the snapshot, no events */
  readonly pauses?: PauseSummary;
  /** The trace (`--trace N`); absent or null: no `trace` field. @default null */
  readonly trace?: readonly RunReportTraceEntry[] | null;
  /** Overrun / deadline-miss slots older than `trace` (`--trace N`). @default [] when `trace` is given */
  readonly traceOverruns?: readonly RunReportTraceEntry[] | null;
  /** Watchdog stuck events; absent or empty: no `stuck` field. @default none */
  readonly stuck?: readonly RunReportStuckEntry[];
  /** Overrides the derived exit code (a watchdog stop). @default 1 when a fatal alarm occurred, else 0 */
  readonly exitCode?: number;
  /** The lease section (config `lease`); absent or null: no `lease` field. @default null */
  readonly lease?: RunReportLease | null;
  /** How a crashed run ended. @default none */
  readonly crash?: RunReportCrash;
  /** Per task, in snapshot order: its first distinct errors. @default none */
  readonly errorSamples?: ReadonlyArray<readonly TaskErrorSample[] | undefined>;
  /** Where the snapshot came from. @default none (no `evidence` field) */
  readonly evidence?: RunReportEvidence;
  /** The waiter's learned margin at the end. @default none (no `waiterMargin` field) */
  readonly waiterMargin?: MarginSummary;
}

/** The identities `accounting.identities` states (checked by `hardtick check`). */
export const ACCOUNTING_IDENTITIES: readonly string[] = [
  'per task: releases = jobsRun + notRun.total, notRun.total = policy + catchUp + pause + unavailable + cutOff',
  'per task: skipped = notRun.policy + notRun.catchUp + notRun.pause',
  'per task: late + notRun.total − notRun.cutOff ≤ deadlineMisses ≤ late + notRun.total',
  'per run: alarms["deadline-miss"] = Σ tasks[].deadlineMisses',
  'per run: ⌊durationNs / frameNs⌋ = frames.count + frames.skipped + frames.standby + frames.cutOff (±1)',
];

/** A task's not-run counts as the report gives them: jobs still in flight at the end are cut off. */
function notRunOf(t: ExecutiveSnapshot['tasks'][number]): RunReportNotRun {
  const n = t.notRun;
  const cutOff = n.cutOff + t.inFlight;
  return {
    total: n.policy + n.catchUp + n.pause + n.unavailable + cutOff,
    policy: n.policy,
    catchUp: n.catchUp,
    pause: n.pause,
    unavailable: n.unavailable,
    cutOff,
  };
}

/** The report's `accounting` from its tasks and frames. */
function accountingOf(
  tasks: readonly RunReportTask[],
  frames: RunReport['frames'],
  alarms: Readonly<Record<AlarmKindName, number>>,
  durationNs: number,
  frameNs: number,
): RunReportAccounting {
  const sum = (pick: (n: RunReportNotRun) => number): number =>
    tasks.reduce((a, t) => a + (t.notRun === undefined ? 0 : pick(t.notRun)), 0);
  const notRun: RunReportNotRun = {
    total: sum((n) => n.total),
    policy: sum((n) => n.policy),
    catchUp: sum((n) => n.catchUp),
    pause: sum((n) => n.pause),
    unavailable: sum((n) => n.unavailable),
    cutOff: sum((n) => n.cutOff),
  };
  const framesElapsed = alarms['mode-change'] === 0 && frameNs > 0 ? Math.floor(durationNs / frameNs) : null;
  const counted = frames.count + frames.skipped + (frames.standby ?? 0) + (frames.cutOff ?? 0);
  return {
    notRun,
    censored: tasks.reduce((a, t) => a + (t.censored ?? 0), 0),
    framesElapsed,
    identities: ACCOUNTING_IDENTITIES,
    holds: {
      tasks: tasks.every((t) => t.notRun === undefined || t.releases === (t.jobsRun ?? 0) + t.notRun.total),
      frames: framesElapsed === null ? null : Math.abs(counted - framesElapsed) <= 1,
    },
  };
}

/** Assembles a `hardtick.run/v1` report. Pure: the same input gives the same report. */
export function buildRunReport(input: RunReportInput): RunReport {
  const { config, snapshot } = input;
  const alarms = {} as Record<AlarmKindName, number>;
  for (const kind of ALARM_KINDS) alarms[kind] = snapshot.alarms[kind] ?? 0;
  const warmupPause = (input.warmup?.pauses?.length ?? 0) > 0;
  const occurred = config.alarms.fatal.filter(
    (kind) => alarms[kind] > 0 || (kind === 'pause' && warmupPause),
  );
  const frames: RunReport['frames'] = {
    count: snapshot.frames.count,
    overruns: snapshot.frames.overruns,
    skipped: snapshot.frames.skipped,
    lostToPause: snapshot.frames.lostToPause,
    cutOff: snapshot.frames.cutOff,
    standby: snapshot.frames.standby,
  };
  const tasks: RunReportTask[] = snapshot.tasks.map((t, i) => ({
    name: t.name,
    budgetNs: t.budgetNs,
    releases: t.releases,
    overruns: t.overruns,
    deadlineMisses: t.deadlineMisses,
    errors: t.errors,
    execNs: { ...t.execNs },
    mode: t.mode,
    deadlineNs: t.deadlineNs,
    periodNs: t.periodNs,
    runs: t.runs,
    skipped: t.skipped,
    jobsRun: t.jobsRun,
    late: t.late,
    notRun: notRunOf(t),
    censored: t.censored,
    degradedRuns: t.degradedRuns,
    execMaxFrame: t.execMaxFrame,
    policyTriggers: t.policyTriggers,
    degradedAtEnd: t.degraded,
    execMaxBudgetRatio: t.budgetNs > 0 ? t.execNs.max / t.budgetNs : 0,
    responseNs: { ...t.responseNs },
    execHistogram: t.execHistogram.map(([lowNs, highNs, count]) => [lowNs, highNs, count] as const),
    ...(t.execSamples === undefined
      ? {}
      : { pwcet: tryPwcetFromExecSamples(t.execSamples, t.budgetNs), execSamples: t.execSamples }),
    ...((input.errorSamples?.[i]?.length ?? 0) > 0 ? { errorSamples: input.errorSamples![i]! } : {}),
  }));
  const derivedExit = occurred.length > 0 ? 1 : 0;
  const exitCode = input.exitCode ?? derivedExit;
  return {
    schema: RUN_REPORT_SCHEMA,
    environment: input.environment,
    frames,
    release: { latenessNs: { ...snapshot.release.latenessNs } },
    tasks,
    gc: input.gc,
    pauses: input.pauses ?? { count: alarms.pause, events: [] },
    alarms,
    config: {
      name: config.name,
      file: config.file,
      modes: config.modes.map((m) => m.name),
      initialMode: config.initialMode,
    },
    mode: snapshot.mode,
    frameNs: snapshot.frameNs,
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    durationNs: snapshot.elapsedNs,
    requestedDurationNs: input.requestedDurationNs ?? null,
    warmup: input.warmup ?? { frames: 0, durationNs: 0 },
    alarmsDropped: snapshot.alarmsDropped,
    stopReason: input.stopReason === undefined ? snapshot.stopReason : input.stopReason,
    fatal: { kinds: [...config.alarms.fatal], occurred },
    // A crashed loop never reads as a clean run.
    exitCode: input.crash !== undefined && exitCode === 0 ? 1 : exitCode,
    accounting: accountingOf(tasks, frames, alarms, snapshot.elapsedNs, snapshot.frameNs),
    ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
    ...(input.waiterMargin === undefined ? {} : { waiterMargin: input.waiterMargin }),
    realtime: realtimeSection(input),
    ...(input.trace ? { trace: input.trace, traceOverruns: input.traceOverruns ?? [] } : {}),
    ...(input.stuck !== undefined && input.stuck.length > 0 ? { stuck: input.stuck } : {}),
    ...(input.lease == null ? {} : { lease: input.lease }),
    ...(input.crash === undefined ? {} : { crash: input.crash }),
  };
}

/** The report's `realtime` section: every step once, in report order. */
function realtimeSection(input: RunReportInput): RunReportRealtime {
  const request = input.config.realtime;
  const given = input.realtime;
  const byStep = new Map<string, RealtimeStepResult>();
  for (const step of given?.steps ?? []) if (!byStep.has(step.step)) byStep.set(step.step, step);
  const steps = REALTIME_STEPS.map((name): RealtimeStepResult => {
    const found = byStep.get(name);
    if (found !== undefined) return { ...found };
    const requested = requestedValue(request, name);
    if (requested === null) {
      return { step: name, requested: null, status: 'not-requested', reason: null, via: null, scope: null };
    }
    if (given === undefined && name === 'timerSlack' && input.environment.timerSlack.applied) {
      return { step: name, requested, status: 'applied', reason: null, via: 'procfs', scope: null };
    }
    const reason =
      given === undefined ? 'not applied by this runner' : 'not applied: the loop thread did not report it';
    return { step: name, requested, status: 'unavailable', reason, via: null, scope: null };
  });
  return {
    thread: given?.thread ?? null,
    steps,
    throttling: given?.throttling ?? null,
    warnings: [...(given?.warnings ?? [])],
  };
}
