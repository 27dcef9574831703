/**
 * The lines a run tells (what `hardtick run` prints, and what `onEvent`/`onAlarm`/
 * `onStatus` carry as `text`): the start line, alarms, the status line, the warm-up, stuck
 * slots, pauses. Cold code (allocates strings).
 */
import { formatDurationNs, formatUs } from '../report/format.js';
import { describePauseCause, type RunReportPause } from '../report/pauses.js';
import type { FailSafeResult, RecoveredEvent, StuckEvent } from '../watchdog/watchdog.js';
import type { RunLeaseStatus } from './lease.js';
import type { RunAlarm, RunThread } from './options.js';
import type { WarmupOutcome } from './warmup.js';

/** The first line of a run: config, modes, frame, duration, warm-up and backends. */
export function describeRunStart(input: {
  readonly configName: string;
  readonly modes: number;
  readonly frameNs: number;
  readonly durationNs: number;
  readonly warmupNs: number;
  readonly clock: string;
  readonly waiter: string;
  readonly marginNs: number;
  /** The margin is learned (`marginNs` is the one a wait length starts with). */
  readonly marginAuto?: boolean;
  readonly slackApplied: boolean;
  readonly slackReason: string | null;
  readonly thread: RunThread;
  /** Why the native addon is not used (printed when the JS pair runs); null: not shown. */
  readonly nativeReason: string | null;
}): string {
  const durationText = input.durationNs === 0 ? 'until stopped' : formatDurationNs(input.durationNs);
  return (
    `hardtick run ${input.configName}: ${input.modes} mode(s), frame ${formatDurationNs(input.frameNs)}, ${durationText}` +
    ` (${input.warmupNs > 0 ? `warm-up ${formatDurationNs(input.warmupNs)}` : 'no warm-up'}; ` +
    `${input.thread === 'worker' ? 'worker thread' : 'main thread'}; clock ${input.clock}, waiter ${input.waiter} margin ` +
    `${input.marginAuto === true ? `auto (from ${formatDurationNs(input.marginNs)})` : formatDurationNs(input.marginNs)}, timer slack ${input.slackApplied ? 'lowered' : `unchanged: ${input.slackReason}`}` +
    `${input.nativeReason === null ? '' : `; native addon not used: ${input.nativeReason}`})`
  );
}

/**
 * The line after the warm-up: what it took in all, how much on the real frames, and the
 * alarms it raised by kind (shown in the report's `warmup` section, not in the measured
 * figures).
 */
export function describeWarmup(w: WarmupOutcome, stopNote: string | null): string {
  const kinds = Object.entries(w.alarmsByKind ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const alarms =
    kinds.length > 0
      ? `; alarms ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')} (report: warmup)`
      : w.alarms > 0
        ? `; ${w.alarms} alarm(s) (report: warmup)`
        : '';
  if (stopNote !== null) return `warm-up stopped: ${stopNote}${alarms}`;
  const extra = w.totalNs - w.durationNs;
  return (
    `warm-up: ${formatDurationNs(w.totalNs)}: ${formatDurationNs(w.durationNs)} on the real frames (${w.frames} frame(s))` +
    `${extra > 0 ? ` + ${formatDurationNs(extra)} of JIT drives and alarm rehearsal` : ''}${alarms}`
  );
}

/** One alarm as the fields a line needs (a {@link RunAlarm} before its line and error; `phase` defaults to `measure`). */
export type AlarmFields = Omit<RunAlarm, 'error' | 'text' | 'phase'> & { readonly phase?: RunAlarm['phase'] };

/** One alarm as a log line. */
export function describeAlarm(a: AlarmFields): string {
  const at = `t=${(a.sinceStartNs / 1e9).toFixed(3)}s`;
  const task = a.task === null ? '' : ` task ${a.task}${a.mode === 'main' ? '' : ` (mode ${a.mode})`}`;
  const what = describeValue(a);
  if (a.suppressed > 0) {
    return (
      `alarm ${a.kind}:${task} ${a.suppressed} more in the last second (rate limit), ` +
      `frames ${a.firstFrame}–${a.frame}, last ${what}`
    );
  }
  if (a.phase === 'warmup')
    return `alarm ${a.kind} (warm-up):${task} frame ${a.frame} ${at} ${describeWarmupValue(a)}`;
  return `alarm ${a.kind}:${task} frame ${a.frame} ${at} ${what}`;
}

/** A warm-up alarm's value (times since the warm-up's first release; no attribution follows). */
function describeWarmupValue(a: AlarmFields): string {
  return a.kind === 'pause'
    ? `paused ${formatDurationNs(a.value)} (in the report's warmup section)`
    : describeValue(a);
}

function describeValue(a: AlarmFields): string {
  switch (a.kind) {
    case 'overrun':
      return `ran ${formatDurationNs(a.value)}`;
    case 'deadline-miss':
      return `completed ${formatDurationNs(a.value)} after its deadline`;
    case 'frame-overrun':
      return `frame ended ${formatDurationNs(a.value)} after the next release`;
    case 'release-late':
      return `released ${formatDurationNs(a.value)} late`;
    case 'task-error':
      return `threw (error #${a.value})`;
    case 'skipped-frames':
      return `${a.value} frame(s) skipped`;
    case 'mode-change':
      return `switched to mode #${a.value}`;
    case 'stopped':
      return `stopped (reason code ${a.value})`;
    case 'pause':
      return `paused ${formatDurationNs(a.value)} (cause printed at the end of the run)`;
    case 'killed':
      return `killed after ${formatDurationNs(a.value)} (isolated worker terminated, respawning)`;
    case 'gc-warn':
      return a.value === 2
        ? 'old generation grew past gc.warn.oldGrowth: a mark-compact is coming'
        : 'young generation nearly full (gc.warn.youngFill): a scavenge is imminent';
    default:
      return `value ${a.value}`;
  }
}

/** An error a task threw, as one line. */
export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The figures of a status line. */
export interface StatusFigures {
  readonly elapsedNs: number;
  readonly frames: number;
  readonly overruns: number;
  readonly misses: number;
  readonly errors: number;
  readonly skipped: number;
  /** Jobs not run so far, every cause (each also a miss once its deadline passed). */
  readonly notRun: number;
  readonly lateP99Ns: number;
  readonly lateMaxNs: number;
  readonly mode: string;
  readonly cpuPercent: number;
  /** The waiter's spin margin at its last wait, ns (learned or fixed); null (or absent): no learner. */
  readonly marginNs?: number | null;
  /** The config's `lease`: role and token; null (or absent) without one. */
  readonly lease?: RunLeaseStatus | null;
}

/** The once-a-second status line. */
export function describeStatus(f: StatusFigures): string {
  return (
    `${(f.elapsedNs / 1e9).toFixed(1).padStart(6)} s  frames ${f.frames}` +
    `  overruns ${f.overruns}  misses ${f.misses}` +
    `  errors ${f.errors}  skipped ${f.skipped}  not run ${f.notRun}` +
    `  late p99 ${formatUs(f.lateP99Ns)} max ${formatUs(f.lateMaxNs)} µs` +
    (f.marginNs == null ? '' : `  margin ${formatUs(f.marginNs)} µs`) +
    `  cpu ${f.cpuPercent.toFixed(0)} %` +
    (f.mode === 'main' ? '' : `  mode ${f.mode}`) +
    (f.lease == null ? '' : `  ${f.lease.role}${f.lease.role === 'leader' ? ` token ${f.lease.token}` : ''}`)
  );
}

/** The alarm line of a watchdog stuck event. */
export function describeStuck(e: StuckEvent): string {
  return `alarm stuck: task ${e.taskName} slot ${e.slot} frame ${e.frame}, ${(e.overrunNs / 1e6).toFixed(1)} ms past its deadline`;
}

/** The line printed when a stuck slot ended after all (`watchdog.onStuck: "keep-running"`). */
export function describeRecovered(e: RecoveredEvent): string {
  return `stuck event ${e.ordinal} over: the slot returned, at most ${(e.overrunNs / 1e6).toFixed(1)} ms past its deadline`;
}

/** The line of a fail-safe's outcome. */
export function describeFailSafe(r: FailSafeResult): string {
  return r.ok
    ? `watchdog fail-safe ran (${(r.durationNs / 1e6).toFixed(1)} ms)`
    : `watchdog fail-safe failed: ${r.error}`;
}

/** One attributed pause as the end-of-run line. */
export function describePause(p: RunReportPause): string {
  return `pause at t=${(p.atNs / 1e9).toFixed(3)}s (${(p.lengthNs / 1e6).toFixed(1)}ms): ${describePauseCause(p)}`;
}
