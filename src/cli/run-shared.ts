/**
 * What both `hardtick run` paths share (main-thread loop in run-main-thread.ts, real-time
 * worker in run-worker.ts): parsed options, planning, the report path check and write,
 * the line printer, stop signals, alarm and status formatting. Cold code only.
 */
import { constants, mkdirSync, writeFileSync } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AlarmKindName, ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { type MetricsServer, startMetricsServer } from '../metrics/server.js';
import type { MetricsSource } from '../metrics/source.js';
import { loadNative } from '../native/binding.js';
import { DEFAULT_NATIVE_MARGIN_NS } from '../native/native-clock.js';
import type { ScheduleTable } from '../plan/types.js';
import type { RealtimeLoopTiming } from '../realtime/apply.js';
import type { RunEnvironment } from '../report/environment.js';
import type { GcEvent } from '../report/gc-monitor.js';
import {
  attributePauses,
  describePauseCause,
  type PauseSighting,
  type PauseSummary,
  type RunReportPause,
} from '../report/pauses.js';
import type { RunReport, RunReportStuckEntry, RunReportTraceEntry } from '../report/run-report.js';
import type { StealSample } from '../report/steal.js';
import { formatRunSummary } from '../report/summary.js';
import type { ExecutiveSnapshot, TaskSnapshot } from '../runtime/index.js';
import { ALARM_KINDS, KIND_COUNT, KIND_FRAME_OVERRUN } from '../runtime/index.js';
import { FlaggedTraceKeeper, TRACE_FLAGGED_KEPT, TRACE_KEEP_FLAGS } from '../runtime/trace-ring.js';
import type { FailSafeResult, RecoveredEvent, StuckEvent } from '../watchdog/watchdog.js';
import { ChannelHub } from '../worker/channel-hub.js';
import {
  ST_ALARMS_DROPPED,
  ST_ELAPSED,
  ST_FRAME_INDEX,
  ST_FRAME_NS,
  ST_FRAMES,
  ST_HEADER,
  ST_KIND_TOTALS,
  ST_LATE_COUNT,
  ST_LATE_MAX,
  ST_LATE_MEAN,
  ST_LATE_MIN,
  ST_LATE_P50,
  ST_LATE_P99,
  ST_LATE_P999,
  ST_MODE,
  ST_STOPPED,
  TS_DEGRADED,
  TS_DEGRADED_RUNS,
  TS_ERRORS,
  TS_EXEC_COUNT,
  TS_EXEC_MAX,
  TS_EXEC_MAX_FRAME,
  TS_EXEC_MEAN,
  TS_EXEC_MIN,
  TS_EXEC_P50,
  TS_EXEC_P99,
  TS_EXEC_P999,
  TS_MISSES,
  TS_OVERRUNS,
  TS_POLICY_TRIGGERS,
  TS_RELEASES,
  TS_RUNS,
  TS_SIZE,
  TS_SKIPPED,
} from '../worker/protocol.js';
import { formatDurationNs, formatUs } from './format.js';
import type { CliIo } from './io.js';

/** Which thread runs the executive. */
export type RunThread = 'worker' | 'main';

/** Parsed `hardtick run` options. */
export interface RunOptions {
  readonly configFile: string;
  /** 0 = until stopped. */
  readonly durationNs: number;
  readonly reportFile: string | null;
  /** `--margin`, ns; null: the chosen waiter's default (native 100 µs, hybrid 200 µs). */
  readonly marginNs: number | null;
  /** null = the default rule. */
  readonly warmupNs: number | null;
  readonly quiet: boolean;
  /** Where the executive runs. @default 'worker' */
  readonly thread: RunThread;
  /**
   * Test aid (`--mode-after 200ms:degraded`, not in the help text): request a switch to
   * `mode` this long after measurement starts. null when not given.
   */
  readonly modeAfter: { readonly afterNs: number; readonly mode: string } | null;
  /**
   * `--trace N`: keep the last N executed slots and write them to the report's `trace`.
   * 0: off. @default 0
   */
  readonly traceCapacity?: number;
  /** `--metrics [host:]port`: serve `/metrics` there during the run; null: no endpoint. @default null */
  readonly metrics?: { readonly host: string; readonly port: number } | null;
  /**
   * `--channels FILE`: a module exporting `setupChannels(hub, print)` that registers the
   * non-real-time handlers of the task channels. null: channels are not consumed. @default null
   */
  readonly channelsModule?: string | null;
}

/** What `--channels FILE` must export. */
type SetupChannels = (hub: ChannelHub, print: (line: string) => void) => unknown;

/**
 * The main side of the task channels: a {@link ChannelHub} with the `--channels` module's
 * handlers registered (before the worker announces its channels; `on` may precede `add`).
 * Cold path. Throws HardtickError('usage') when the module cannot be loaded or lacks
 * `setupChannels`.
 */
export async function createChannelHub(
  options: RunOptions,
  print: (line: string) => void,
): Promise<ChannelHub> {
  const hub = new ChannelHub();
  const file = options.channelsModule ?? null;
  if (file === null) return hub;
  const path = resolve(file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HardtickError(
      'usage',
      `--channels ${file}: cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { file: path, cause: error },
    );
  }
  const setup = module.setupChannels;
  if (typeof setup !== 'function') {
    throw new HardtickError(
      'usage',
      `--channels ${file}: expected the module to export a function setupChannels(hub, print), ` +
        `found ${setup === undefined ? 'no such export' : typeof setup} (exports: ${Object.keys(module).join(', ') || 'none'})`,
      { file: path },
    );
  }
  (setup as SetupChannels)(hub, print);
  return hub;
}

/** Lines for the end of a run: records and losses per channel that has a handler. */
export function channelSummaryLines(hub: ChannelHub): string[] {
  const lines: string[] = [];
  const handled = new Set(hub.names().filter((name) => !hub.unattachedHandlers().includes(name)));
  for (const c of hub.summary()) {
    if (c.direction === 'to-main' && !handled.has(c.name)) continue;
    lines.push(`channel '${c.name}' (${c.direction}): ${c.records} record(s), ${c.lost} lost`);
  }
  return lines;
}

/** ANSI: erase from the cursor to the end of the line. */
const CLEAR_TO_EOL = '\u001b[K';
/** Default run length, ns. */
export const DEFAULT_DURATION_NS = 10_000_000_000;
/** Default margin of the hybrid (pure-JS) waiter, ns; the native waiter's is `DEFAULT_NATIVE_MARGIN_NS` (100 µs). */
export const DEFAULT_MARGIN_NS = 200_000;

/** `environment` of a run report, plus which thread ran the loop. */
export type RunEnvironmentWithThread = RunEnvironment & { readonly thread: RunThread };

/**
 * Fails early (before a long run) when the report cannot be written: creates its folder
 * and checks it is writable and the path is not a folder.
 */
export async function checkReportPath(file: string): Promise<void> {
  const path = resolve(file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await access(dirname(path), constants.W_OK);
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory() === true) throw new Error('it is a directory');
  } catch (error) {
    throw new HardtickError('usage', `--report: cannot write ${path}: ${(error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
}

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
  readonly slackApplied: boolean;
  readonly slackReason: string | null;
  readonly thread: RunThread;
  /** Why the native addon is not used (printed when the JS pair runs); null: not shown. @default null */
  readonly nativeReason?: string | null;
}): string {
  const durationText = input.durationNs === 0 ? 'until stopped' : formatDurationNs(input.durationNs);
  return (
    `hardtick run ${input.configName}: ${input.modes} mode(s), frame ${formatDurationNs(input.frameNs)}, ${durationText}` +
    ` (${input.warmupNs > 0 ? `warm-up ${formatDurationNs(input.warmupNs)}` : 'no warm-up'}; ` +
    `${input.thread === 'worker' ? 'worker thread' : 'main thread'}; clock ${input.clock}, waiter ${input.waiter} margin ` +
    `${formatDurationNs(input.marginNs)}, timer slack ${input.slackApplied ? 'lowered' : `unchanged: ${input.slackReason}`}` +
    `${input.nativeReason === undefined || input.nativeReason === null ? '' : `; native addon not used: ${input.nativeReason}`})`
  );
}

/**
 * Prints the summary and writes the report (when asked); returns the exit code: the
 * report's (0 clean, 1 fatal alarms), or 2 when the report cannot be written.
 */
export async function finishRun(
  report: RunReport,
  reportFile: string | null,
  printer: LinePrinter,
  io: CliIo,
): Promise<number> {
  printer.finish();
  io.out(formatRunSummary(report));
  if (reportFile !== null) {
    const path = resolve(reportFile);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      io.err(`hardtick run: cannot write the report ${path}: ${(error as Error).message}\n`);
      return 2;
    }
    io.out(`report: ${path}\n`);
  }
  return report.exitCode;
}

/**
 * {@link finishRun}, synchronously: for the watchdog's `beforeExit` on a stuck main thread,
 * where no event-loop turn follows (`process.exit` comes next). Returns the exit code.
 */
export function finishRunSync(
  report: RunReport,
  reportFile: string | null,
  printer: LinePrinter,
  io: CliIo,
): number {
  printer.finish();
  io.out(formatRunSummary(report));
  if (reportFile !== null) {
    const path = resolve(reportFile);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      io.err(`hardtick run: cannot write the report ${path}: ${(error as Error).message}\n`);
      return 2;
    }
    io.out(`report: ${path}\n`);
  }
  return report.exitCode;
}

/**
 * Turns SIGINT/SIGTERM into a stop request (`onStop`). A second signal exits the process
 * at once with the conventional code (128 + signal number).
 */
export class StopSignals {
  /** Called on the first signal. */
  onStop: (() => void) | null = null;
  /** The first signal received, or null. */
  signal: NodeJS.Signals | null = null;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.signal !== null) {
      // Second signal: the user insists; leave at once with the conventional code.
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    this.signal = signal;
    this.onStop?.();
  };

  install(): void {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/**
 * Writes lines, and on a TTY keeps one rewritable status line at the bottom
 * (`\r` + clear to end of line): other output clears it, then draws it again below.
 */
export class LinePrinter {
  /** The status line currently shown on the TTY, or null. */
  private shown: string | null = null;

  constructor(private readonly io: CliIo) {}

  /** A permanent line on stdout. */
  line(text: string): void {
    const status = this.clearStatus();
    this.io.out(`${text}\n`);
    if (status !== null) this.status(status);
  }

  /** An alarm line on stderr. */
  alarm(text: string): void {
    const status = this.clearStatus();
    this.io.err(`${text}\n`);
    if (status !== null) this.status(status);
  }

  /** The status line: rewritten in place on a TTY, one line each time otherwise. */
  status(text: string): void {
    if (this.io.isTty) {
      this.io.out(`\r${text}${CLEAR_TO_EOL}`);
      this.shown = text;
    } else {
      this.io.out(`${text}\n`);
    }
  }

  /** Ends a pending TTY status line (it stays on screen). */
  finish(): void {
    if (this.shown !== null) this.io.out('\n');
    this.shown = null;
  }

  /** Erases the TTY status line; returns its text so it can be drawn again. */
  private clearStatus(): string | null {
    const shown = this.shown;
    if (shown !== null) this.io.out(`\r${CLEAR_TO_EOL}`);
    this.shown = null;
    return shown;
  }
}

/** The figures of one status line (from the executive, or from a worker's stats record). */
export interface StatusFigures {
  readonly frames: number;
  readonly overruns: number;
  readonly misses: number;
  readonly errors: number;
  readonly skipped: number;
  readonly lateP99Ns: number;
  readonly lateMaxNs: number;
  readonly mode: string;
}

/** The once-a-second status line: frames, overruns, misses, worst lateness, CPU. */
export class StatusLine {
  private startNs = 0;
  private lastNs = 0;
  private lastCpu = process.cpuUsage();

  /** Starts the elapsed time and the CPU measurement at `startNs` (any monotonic ns clock). */
  begin(startNs: number): void {
    this.startNs = startNs;
    this.lastNs = startNs;
    this.lastCpu = process.cpuUsage();
  }

  /** Formats the line for `nowNs` (same clock as `begin`); CPU is the whole process's. */
  format(f: StatusFigures, nowNs: number): string {
    const cpu = process.cpuUsage(this.lastCpu);
    const wallUs = (nowNs - this.lastNs) / 1000;
    const cpuPercent = wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0;
    this.lastCpu = process.cpuUsage();
    this.lastNs = nowNs;
    return (
      `${((nowNs - this.startNs) / 1e9).toFixed(1).padStart(6)} s  frames ${f.frames}` +
      `  overruns ${f.overruns}  misses ${f.misses}` +
      `  errors ${f.errors}  skipped ${f.skipped}` +
      `  late p99 ${formatUs(f.lateP99Ns)} max ${formatUs(f.lateMaxNs)} µs` +
      `  cpu ${cpuPercent.toFixed(0)} %` +
      (f.mode === 'main' ? '' : `  mode ${f.mode}`)
    );
  }
}

/** One alarm as the log line needs it (a copy: the runtime's view object is reused). */
export interface AlarmLine {
  readonly kind: AlarmKindName;
  readonly mode: string;
  readonly task: string | null;
  readonly frame: number;
  /** Time since the measured run's first release, ns. */
  readonly sinceStartNs: number;
  readonly value: number;
  readonly suppressed: number;
  readonly firstFrame: number;
}

/** One alarm as a log line (cold: allocates). */
export function describeAlarm(a: AlarmLine): string {
  const at = `t=${(a.sinceStartNs / 1e9).toFixed(3)}s`;
  const task = a.task === null ? '' : ` task ${a.task}${a.mode === 'main' ? '' : ` (mode ${a.mode})`}`;
  const what = describeValue(a);
  if (a.suppressed > 0) {
    return (
      `alarm ${a.kind}:${task} ${a.suppressed} more in the last second (rate limit), ` +
      `frames ${a.firstFrame}–${a.frame}, last ${what}`
    );
  }
  return `alarm ${a.kind}:${task} frame ${a.frame} ${at} ${what}`;
}

function describeValue(a: AlarmLine): string {
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
    default:
      return `value ${a.value}`;
  }
}

/** An error a task threw, as one line. */
export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The waiter margin a run will use: `--margin` when given, else the default of the waiter
 * `selectClockAndWaiter` will pick (native when the addon loads: 100 µs; hybrid: 200 µs).
 * The main thread uses it for the RT-throttling check before the worker has chosen.
 */
export function expectedMarginNs(marginNs: number | null): number {
  if (marginNs !== null) return marginNs;
  return loadNative() === null ? DEFAULT_MARGIN_NS : DEFAULT_NATIVE_MARGIN_NS;
}

/**
 * The loop's timing for the RT-throttling check: of every mode, the one with the largest
 * busy share (waiter spin + fullest frame's planned load, over its frame).
 */
export function loopTimingFor(tables: readonly ScheduleTable[], spinNsPerFrame: number): RealtimeLoopTiming {
  let best: RealtimeLoopTiming = { frameNs: 1, spinNsPerFrame, loadNsPerFrame: 0 };
  let bestShare = -1;
  for (const table of tables) {
    let maxLoadNs = 0;
    for (let f = 0; f < table.frameCount; f++) {
      let load = 0;
      for (let i = table.frameSlotStart[f]!; i < table.frameSlotStart[f + 1]!; i++)
        load += table.slotBudgetNs[i]!;
      if (load > maxLoadNs) maxLoadNs = load;
    }
    const share = (Math.min(spinNsPerFrame, table.frameNs) + maxLoadNs) / table.frameNs;
    if (share > bestShare) {
      bestShare = share;
      best = { frameNs: table.frameNs, spinNsPerFrame, loadNsPerFrame: maxLoadNs };
    }
  }
  return best;
}

/**
 * An {@link ExecutiveSnapshot} rebuilt from a statistics record (protocol.ts `ST_*`/`TS_*`):
 * the figures of `/metrics` in both run modes, and of the report when the worker crashed.
 * No response times or histogram buckets (the record does not carry them). `record` null:
 * zeros. Cold (allocates).
 */
export function snapshotFromStatsRecord(
  record: Float64Array | null,
  config: ResolvedConfig,
  fallbackFrameNs: number,
  stopReason: string | null,
): ExecutiveSnapshot {
  let taskCount = 0;
  for (const mode of config.modes) taskCount += mode.tasks.length;
  const s = record ?? new Float64Array(ST_HEADER + taskCount * TS_SIZE);
  const nonNeg = (v: number | undefined): number => Math.max(0, v ?? 0);
  const tasks: TaskSnapshot[] = [];
  let g = 0;
  for (const mode of config.modes) {
    for (const task of mode.tasks) {
      const o = ST_HEADER + g * TS_SIZE;
      const at = (i: number): number => nonNeg(s[o + i]);
      tasks.push({
        name: task.name,
        mode: mode.name,
        budgetNs: task.budgetNs,
        deadlineNs: task.deadlineNs,
        periodNs: task.periodNs,
        releases: at(TS_RELEASES),
        runs: at(TS_RUNS),
        overruns: at(TS_OVERRUNS),
        deadlineMisses: at(TS_MISSES),
        errors: at(TS_ERRORS),
        skipped: at(TS_SKIPPED),
        degradedRuns: at(TS_DEGRADED_RUNS),
        execNs: {
          count: at(TS_EXEC_COUNT),
          min: at(TS_EXEC_MIN),
          mean: at(TS_EXEC_MEAN),
          p50: at(TS_EXEC_P50),
          p99: at(TS_EXEC_P99),
          p999: at(TS_EXEC_P999),
          max: at(TS_EXEC_MAX),
        },
        execMaxFrame: record === null ? -1 : (s[o + TS_EXEC_MAX_FRAME] ?? -1),
        responseNs: { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0 },
        execHistogram: [],
        policyTriggers: at(TS_POLICY_TRIGGERS),
        degraded: s[o + TS_DEGRADED] === 1,
      });
      g++;
    }
  }
  const alarms = {} as Record<(typeof ALARM_KINDS)[number], number>;
  for (let k = 0; k < KIND_COUNT; k++) alarms[ALARM_KINDS[k]!] = nonNeg(s[ST_KIND_TOTALS + k]);
  const mode = config.modes[s[ST_MODE]!] ?? config.modes[0]!;
  const frameNs = s[ST_FRAME_NS]! > 0 ? s[ST_FRAME_NS]! : fallbackFrameNs;
  return {
    mode: mode.name,
    frameNs,
    frames: {
      count: nonNeg(s[ST_FRAMES]),
      overruns: nonNeg(s[ST_KIND_TOTALS + KIND_FRAME_OVERRUN]),
      skipped: nonNeg(s[ST_FRAME_INDEX]! - s[ST_FRAMES]!),
    },
    release: {
      latenessNs: {
        count: nonNeg(s[ST_LATE_COUNT]),
        min: nonNeg(s[ST_LATE_MIN]),
        mean: nonNeg(s[ST_LATE_MEAN]),
        p50: nonNeg(s[ST_LATE_P50]),
        p99: nonNeg(s[ST_LATE_P99]),
        p999: nonNeg(s[ST_LATE_P999]),
        max: nonNeg(s[ST_LATE_MAX]),
      },
    },
    tasks,
    alarms,
    alarmsDropped: nonNeg(s[ST_ALARMS_DROPPED]),
    stopped: stopReason !== null || s[ST_STOPPED] === 1,
    stopReason,
    elapsedNs: nonNeg(s[ST_ELAPSED]),
    startNs: null,
    nextFrameIndex: nonNeg(s[ST_FRAME_INDEX]),
  };
}

/**
 * Starts `--metrics` (when asked) and prints its URL; a non-loopback address gets a
 * warning (the endpoint has no authentication). Returns null when not asked.
 * @throws HardtickError `usage` when the address cannot be bound.
 */
export async function startRunMetrics(
  options: RunOptions,
  collect: () => MetricsSource,
  printer: LinePrinter,
): Promise<MetricsServer | null> {
  if (options.metrics === undefined || options.metrics === null) return null;
  const server = await startMetricsServer({
    host: options.metrics.host,
    port: options.metrics.port,
    collect,
  });
  printer.line(`metrics: ${server.url}metrics`);
  if (!server.loopback) {
    printer.alarm(
      `hardtick run: --metrics listens on ${server.host}, reachable from other machines; the endpoint has no authentication`,
    );
  }
  return server;
}

/** One trace record in numeric form (the executive's `TraceRecord`, relative times). */
export interface NumericTraceRecord {
  readonly frame: number;
  readonly mode: number;
  readonly task: number;
  readonly startNs: number;
  readonly endNs: number;
  readonly flags: number;
}

/**
 * The report's `trace`: records named by the config (mode and task names), ordered by
 * start, the last `limit` kept. `startNs`/`endNs` must already be relative to the
 * measured run's first release. Cold; allocates.
 */
export function traceEntries(
  records: readonly NumericTraceRecord[],
  config: ResolvedConfig,
  limit: number,
): RunReportTraceEntry[] {
  const sorted = [...records].sort((a, b) => a.startNs - b.startNs || a.frame - b.frame);
  return sorted.slice(Math.max(0, sorted.length - limit)).map((r) => namedTraceEntry(r, config));
}

/**
 * The report's `traceOverruns`: the overrun / deadline-miss records older than the last
 * `limit` (those the trace ring and collector kept after their window moved on), named and
 * ordered like {@link traceEntries}. Cold; allocates.
 */
export function traceOverrunEntries(
  records: readonly NumericTraceRecord[],
  config: ResolvedConfig,
  limit: number,
): RunReportTraceEntry[] {
  const sorted = [...records].sort((a, b) => a.startNs - b.startNs || a.frame - b.frame);
  return sorted
    .slice(0, Math.max(0, sorted.length - limit))
    .filter((r) => (r.flags & TRACE_KEEP_FLAGS) !== 0)
    .map((r) => namedTraceEntry(r, config));
}

function namedTraceEntry(r: NumericTraceRecord, config: ResolvedConfig): RunReportTraceEntry {
  const mode = config.modes[r.mode];
  return {
    frame: r.frame,
    task: mode?.tasks[r.task]?.name ?? `#${r.task}`,
    mode: mode?.name ?? `#${r.mode}`,
    startNs: r.startNs,
    endNs: r.endNs,
    flags: r.flags,
  };
}

/**
 * Main side of the worker's trace ring: keeps the last `capacity` records in a
 * preallocated Float64Array (newest overwrite oldest) as they are drained at each poll.
 * `drainFrom` allocates nothing; `records` is cold.
 */
export class TraceCollector {
  private readonly data: Float64Array;
  private readonly rec: Float64Array;
  /** Records taken so far (the collector holds the last `min(taken, capacity)`). */
  private taken = 0;
  /** Overrun / deadline-miss records kept after the window moved past them. */
  private readonly flagged: FlaggedTraceKeeper;

  constructor(
    readonly capacity: number,
    private readonly recordSize: number,
    private readonly offsets: {
      readonly frame: number;
      readonly mode: number;
      readonly task: number;
      readonly start: number;
      readonly end: number;
      readonly flags: number;
    },
  ) {
    this.data = new Float64Array(Math.max(1, capacity) * recordSize);
    this.rec = new Float64Array(recordSize);
    this.flagged = new FlaggedTraceKeeper(capacity > 0 ? TRACE_FLAGGED_KEPT : 0, recordSize, offsets.flags);
  }

  /** Moves every record the ring holds into the collector. Returns how many. */
  drainFrom(ring: { tryPop(dst: Float64Array, offset: number): boolean }): number {
    let n = 0;
    while (ring.tryPop(this.rec, 0)) {
      if (this.capacity > 0) this.data.set(this.rec, (this.taken % this.capacity) * this.recordSize);
      this.flagged.offer(this.rec, this.taken);
      this.taken++;
      n++;
    }
    return n;
  }

  /**
   * The kept records, oldest first (cold; allocates): overrun / deadline-miss records the
   * window moved past (the newest `TRACE_FLAGGED_KEPT`), then the last `capacity`.
   */
  records(): NumericTraceRecord[] {
    const out: NumericTraceRecord[] = [];
    const n = Math.min(this.taken, this.capacity);
    const o = this.offsets;
    const pick = (d: Float64Array, b: number): NumericTraceRecord => ({
      frame: d[b + o.frame]!,
      mode: d[b + o.mode]!,
      task: d[b + o.task]!,
      startNs: d[b + o.start]!,
      endNs: d[b + o.end]!,
      flags: d[b + o.flags]!,
    });
    for (const d of this.flagged.before(this.taken - n)) out.push(pick(d, 0));
    for (let i = this.taken - n; i < this.taken; i++)
      out.push(pick(this.data, (i % this.capacity) * this.recordSize));
    return out;
  }
}

/** The alarm line of a watchdog stuck event. */
export function describeStuck(e: StuckEvent): string {
  return `alarm stuck: task ${e.taskName} slot ${e.slot} frame ${e.frame}, ${(e.overrunNs / 1e6).toFixed(1)} ms past its deadline`;
}

/** The line printed when a stuck slot ended after all (`watchdog.onStuck: "keep-running"`). */
export function describeRecovered(e: RecoveredEvent): string {
  return `stuck event ${e.ordinal} over: the slot returned, at most ${(e.overrunNs / 1e6).toFixed(1)} ms past its deadline`;
}

/** Stuck events listed in the report (`stuck`); the first ones when there are more. */
export const STUCK_KEPT = 100;

/**
 * The report's `stuck` entries from what a watchdog saw: each stuck event with its
 * fail-safe result (matched by ordinal; `'none'` without a fail-safe or a result) and,
 * when it ended after all, how far past its deadline it ran. Cold.
 */
export function stuckReportEntries(seen: {
  readonly stuckEvents: readonly StuckEvent[];
  readonly failSafeResults: readonly FailSafeResult[];
  readonly recoveredEvents: readonly RecoveredEvent[];
}): RunReportStuckEntry[] {
  return seen.stuckEvents.slice(0, STUCK_KEPT).map((e) => {
    const r = seen.failSafeResults.find((f) => f.ordinal === e.ordinal);
    const rec = seen.recoveredEvents.find((x) => x.ordinal === e.ordinal);
    return {
      task: e.taskName,
      frame: e.frame,
      slot: e.slot,
      overrunNs: e.overrunNs,
      failSafe: r === undefined ? 'none' : r.ok ? 'ran' : `failed: ${r.error}`,
      ordinal: e.ordinal,
      recoveredNs: rec === undefined ? null : rec.overrunNs,
    };
  });
}

/** Inputs of {@link attributeRunPauses}. */
export interface RunPauseInput {
  /** Pause alarms raised in the measured run (the snapshot's exact count). */
  readonly count: number;
  /** Pause alarms delivered by the drain (no rate-limit summaries), ns since the run's first release. */
  readonly sightings: readonly PauseSighting[];
  /** The loop isolate's GCs as its `GcMonitor` saw them (`atNs` on the performance timeline). */
  readonly gcEvents: readonly GcEvent[];
  /**
   * Performance timeline → run time: `clock.nowNs() − performance.now() × 1e6 − runStartNs`,
   * read in the loop's isolate (rt-loop.ts `gcToRunNs`).
   */
  readonly gcToRunNs: number;
  /** /proc/stat steal when measuring started and ended, ns (null: unreadable). */
  readonly stealAtStartNs: number | null;
  readonly stealAtEndNs: number | null;
  /** Steal sampled during the run, `atNs` already in run time (pauses.ts). @default [] */
  readonly stealSamples?: readonly StealSample[];
}

/**
 * The report's `pauses`: {@link attributePauses} over the drained sightings and the loop
 * isolate's GCs converted to run time. Cold; allocates.
 */
export function attributeRunPauses(input: RunPauseInput): PauseSummary {
  return attributePauses({
    count: input.count,
    sightings: input.sightings,
    gcEvents: input.gcEvents.map((g) => ({ ...g, atNs: g.atNs + input.gcToRunNs })),
    stealNs:
      input.stealAtStartNs === null || input.stealAtEndNs === null
        ? null
        : Math.max(0, input.stealAtEndNs - input.stealAtStartNs),
    stealSamples: input.stealSamples ?? [],
  });
}

/** One attributed pause as the end-of-run line (the worker's wording). */
export function describePause(p: RunReportPause): string {
  return `pause at t=${(p.atNs / 1e9).toFixed(3)}s (${(p.lengthNs / 1e6).toFixed(1)}ms): ${describePauseCause(p)}`;
}
