/**
 * `hardtick run <config> [--duration 10s] [--report FILE] [--margin 200us] [--warmup …] [--quiet]`:
 * plan every mode, load the task functions, run the executive on the real clock, print a
 * live status line, the WCET summary, and write the `hardtick.run/v1` report.
 *
 * Exit codes: 0 clean; 1 an alarm kind listed in the config's `alarms.fatal` occurred;
 * 2 bad input (options, config, infeasible schedule, task module that cannot be loaded,
 * report file that cannot be written).
 *
 * How the loop shares the main thread. The executive runs on this thread, one frame per
 * `step()`. Between frames, and only when the time left before the next release
 * (`nextReleaseNs() − now`) is at least {@link HOUSEKEEPING_MIN_SLACK_NS}, the CLI does its
 * cold work: drains alarms (rate-limited by the executive), prints the status line once
 * a second, and every {@link YIELD_INTERVAL_NS} yields one event-loop turn (`setImmediate`)
 * so SIGINT/SIGTERM handlers, stdout writes and GC observer callbacks run. If a frame
 * never leaves that much slack, the housekeeping runs anyway after {@link FORCE_YIELD_NS}
 * (a late frame once a second beats a loop that cannot be stopped).
 *
 * Warm-up: a first executive over the same tables and task functions runs on the real
 * clock for `--warmup` (default: 200 ms or 500 frames, whichever is longer, at most 2 s)
 * and is then thrown away; the measured executive starts afterwards with fresh
 * statistics. It makes V8 tier up (and re-optimise) the task functions, the executive,
 * the waiter and the clock before measurement starts — that first optimisation allocates
 * ~1 MB once (TIMING_FACTS.md) and would otherwise show up as the run's worst frames and
 * GCs. The warm-up runs the real task functions, so their side effects happen: it is
 * as if the loop had started that much earlier. Its alarms are counted and reported as a
 * count, not as run evidence.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { parseDurationNs } from '../config/duration.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { planSchedule } from '../plan/plan.js';
import { buildScheduleTable } from '../plan/table.js';
import { collectEnvironment } from '../report/environment.js';
import { GcMonitor } from '../report/gc-monitor.js';
import { buildRunReport } from '../report/run-report.js';
import { formatRunSummary } from '../report/summary.js';
import type { AlarmRecordView, ExecutiveModeSpec, ExecutiveSnapshot } from '../runtime/index.js';
import { Executive, KIND_DEADLINE_MISS, KIND_OVERRUN, KIND_TASK_ERROR } from '../runtime/index.js';
import { loadTaskFunctions, type ModuleCache } from '../tasks/load.js';
import { HybridWaiter } from '../time/hybrid-waiter.js';
import { SystemClock } from '../time/system-clock.js';
import { tryLowerTimerSlack } from '../time/timer-slack.js';
import { formatDurationNs, formatUs } from './format.js';
import type { CliIo } from './io.js';

const HELP = `Usage: hardtick run <config> [options]

Plans the config's schedule, loads its task functions and runs the cyclic executive on
the real clock: drift-free frame releases, every slot timed against its budget, overrun
policies, alarms. Prints a status line once a second and a WCET summary at the end.
Ctrl-C (SIGINT) or SIGTERM stops the loop after the current frame; the summary and the
report are still produced.

Options:
  --duration <d>  how long to measure, e.g. 10s, 500ms, 120s; 0 runs until
                  SIGINT/SIGTERM                                        (default 10s)
  --report <file> write the run report (JSON, schema hardtick.run/v1) to <file>
  --margin <d>    the waiter's spin margin before each release          (default 200us)
  --warmup <d>    run the loop this long before measuring; 0 to skip
                  (default: 200ms or 500 frames, whichever is longer, at most 2s)
  --quiet         no live status line
  -h, --help      this text

Task modules: .mjs/.js load directly; TypeScript task modules need a loader:
  node --import tsx node_modules/hardtick/dist/cli/main.js run hardtick.json

Exit codes: 0 clean, 1 an alarm kind listed in the config's alarms.fatal occurred,
2 bad input (options, config, infeasible schedule, task module that cannot be loaded).
`;

/**
 * Housekeeping (alarms, status, yield) only runs when at least this much slack is left
 * before the next release. Measured here (2-vCPU VM under load, demo config): drain +
 * status ≈ 40 µs p50, the `setImmediate` turn ≈ 150 µs p50 and ≈ 0.8 ms p90.
 */
export const HOUSEKEEPING_MIN_SLACK_NS = 500_000;
/** How often the loop yields to the event loop (signals, stdout, GC observer), ns. */
export const YIELD_INTERVAL_NS = 50_000_000;
/** Housekeeping runs after this long even without enough slack, ns. */
export const FORCE_YIELD_NS = 1_000_000_000;
/** ANSI: erase from the cursor to the end of the line. */
const CLEAR_TO_EOL = '\u001b[K';
/** Status line period, ns. */
const STATUS_INTERVAL_NS = 1_000_000_000;
/** Default run length, ns. */
const DEFAULT_DURATION_NS = 10_000_000_000;
/** Default waiter margin, ns. */
const DEFAULT_MARGIN_NS = 200_000;
/** Warm-up when `--warmup` is not given: the longer of these two, capped. */
const WARMUP_MIN_NS = 200_000_000;
const WARMUP_MIN_FRAMES = 500;
const WARMUP_MAX_NS = 2_000_000_000;
/** Alarm records the executive can queue between drains. */
const ALARM_CAPACITY = 4096;
/**
 * V8 flags set before the loop: the memory reducer starts a 2–10 ms mark-compact soon
 * after a quiet loop yields to the event loop (TIMING_FACTS.md); it has nothing to reclaim
 * from an allocation-free loop, so it is switched off.
 */
const V8_FLAGS = ['--no-memory-reducer'];

/** Parsed `hardtick run` options. */
interface RunOptions {
  readonly configFile: string;
  /** 0 = until stopped. */
  readonly durationNs: number;
  readonly reportFile: string | null;
  readonly marginNs: number;
  /** null = the default rule. */
  readonly warmupNs: number | null;
  readonly quiet: boolean;
}

/** Runs `hardtick run`; returns the exit code. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseRunArgs(argv);
  } catch (error) {
    io.err(`hardtick run: ${(error as Error).message}\nRun 'hardtick run --help' for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.out(HELP);
    return 0;
  }
  try {
    return await run(options, io);
  } catch (error) {
    if (error instanceof HardtickError) {
      io.err(`hardtick run: ${error.message}\n`);
      for (const issue of error.issues) if (!error.message.includes(issue)) io.err(`  ${issue}\n`);
      return 2;
    }
    throw error;
  }
}

function parseRunArgs(argv: string[]): RunOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      duration: { type: 'string' },
      report: { type: 'string' },
      margin: { type: 'string' },
      warmup: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0
        ? 'missing the config file: hardtick run <config>'
        : `expected one config file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (values.report === '') throw new Error('--report: expected a file name');
  return {
    configFile: positionals[0]!,
    durationNs:
      values.duration === undefined ? DEFAULT_DURATION_NS : optionDuration('--duration', values.duration),
    reportFile: values.report ?? null,
    marginNs: values.margin === undefined ? DEFAULT_MARGIN_NS : optionDuration('--margin', values.margin),
    warmupNs: values.warmup === undefined ? null : optionDuration('--warmup', values.warmup),
    quiet: values.quiet === true,
  };
}

/** A duration option: a string with a unit (`500ms`), or a bare `0` (zero needs no unit). */
function optionDuration(name: string, text: string): number {
  if (/^\s*0+(\.0*)?\s*$/.test(text)) return 0;
  try {
    return parseDurationNs(text, { allowZero: true });
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

/** Plans every mode; an infeasible one is bad input (its diagnostics in the message). */
function planModes(config: ResolvedConfig): ExecutiveModeSpec['table'][] {
  return config.modes.map((mode) => {
    const plan = planSchedule(mode, config.limits);
    if (!plan.feasible) {
      const where = config.modes.length > 1 ? `mode '${mode.name}' of ${config.name}` : config.name;
      const issues = plan.diagnostics.map((d) => `${d.code}: ${d.message}`);
      throw new HardtickError(
        'schedule_infeasible',
        `the schedule of ${where} is infeasible (run 'hardtick plan' for details):\n${issues.map((i) => `  ${i}`).join('\n')}`,
        { issues },
      );
    }
    return buildScheduleTable(plan);
  });
}

/**
 * Fails early (before a long run) when the report cannot be written: creates its folder
 * and checks it is writable and the path is not a folder.
 */
async function checkReportPath(file: string): Promise<void> {
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

async function run(options: RunOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(options.configFile);
  if (options.reportFile !== null) await checkReportPath(options.reportFile);
  const tables = planModes(config);
  const cache: ModuleCache = new Map();
  const modes: ExecutiveModeSpec[] = [];
  for (let i = 0; i < config.modes.length; i++) {
    const mode = config.modes[i]!;
    const fns = await loadTaskFunctions(mode, cache);
    modes.push({ name: mode.name, table: tables[i]!, tasks: mode.tasks, ...fns });
  }
  // The config loader guarantees initialMode names a mode.
  const initialMode = Math.max(
    0,
    config.modes.findIndex((m) => m.name === config.initialMode),
  );

  const slack = tryLowerTimerSlack();
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  const clock = new SystemClock();
  const waiter = new HybridWaiter({ clock, marginNs: options.marginNs });
  const environment = collectEnvironment({
    clock: clock.kind,
    waiter: waiter.kind,
    waiterMarginNs: waiter.marginNs,
    timerSlackApplied: slack.applied,
    v8Flags: V8_FLAGS,
  });
  const newExecutive = (): Executive =>
    new Executive({
      clock,
      waiter,
      modes,
      initialMode,
      catchUp: config.catchUp,
      releaseLateNs: config.alarms.releaseLateNs,
      alarmCapacity: ALARM_CAPACITY,
      alarmRatePerSecond: config.alarms.ratePerSecond,
      traceCapacity: 0,
    });

  const printer = new LinePrinter(io);
  const stop = new StopSignals();
  const frameNs = tables[initialMode]!.frameNs;
  const warmupNs =
    options.warmupNs ?? Math.min(WARMUP_MAX_NS, Math.max(WARMUP_MIN_NS, WARMUP_MIN_FRAMES * frameNs));
  const durationText = options.durationNs === 0 ? 'until stopped' : formatDurationNs(options.durationNs);
  printer.line(
    `hardtick run ${config.name}: ${modes.length} mode(s), frame ${formatDurationNs(frameNs)}, ${durationText}` +
      ` (${warmupNs > 0 ? `warm-up ${formatDurationNs(warmupNs)}` : 'no warm-up'}; clock ${clock.kind}, waiter ${waiter.kind} margin ` +
      `${formatDurationNs(waiter.marginNs)}, timer slack ${slack.applied ? 'lowered' : `unchanged: ${slack.reason}`})`,
  );

  stop.install();
  let measured: Executive;
  let warmupFrames = 0;
  let measuredWarmupNs = 0;
  let stopNote: string | null = null;
  const gc = new GcMonitor();
  let startedAt = new Date();
  try {
    let executive = newExecutive();
    if (warmupNs > 0) {
      stop.target = executive;
      const outcome = await drive(executive, clock, warmupNs, printer, null, false);
      warmupFrames = outcome.snapshot.frames.count;
      measuredWarmupNs = outcome.snapshot.elapsedNs;
      if (executive.stopped || stop.signal !== null) {
        // Stopped during warm-up (a policy or a signal): its frames are all the evidence there is.
        stopNote = `${stop.signal === null ? executive.stopReason : `signal:${stop.signal}`} (during warm-up)`;
        printer.line(`warm-up stopped: ${stopNote}`);
        warmupFrames = 0;
      } else {
        if (outcome.alarms > 0) printer.line(`warm-up: ${outcome.alarms} alarm(s), not counted`);
        executive = newExecutive();
        waiter.resetStats();
      }
    }
    measured = executive;
    if (stopNote === null) {
      stop.target = measured;
      gc.start();
      startedAt = new Date();
      const status = options.quiet ? null : new Status();
      await drive(measured, clock, options.durationNs, printer, status, true);
      if (stop.signal !== null) stopNote = `signal:${stop.signal}`;
      else if (!measured.stopped) stopNote = 'duration';
    }
  } finally {
    stop.uninstall();
  }
  const endedAt = new Date();
  // Let queued GC observer entries arrive before reading them.
  await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  const snapshot = measured.snapshot();
  const report = buildRunReport({
    config,
    snapshot,
    environment,
    gc: gc.stop(),
    startedAt,
    endedAt,
    requestedDurationNs: options.durationNs === 0 ? null : options.durationNs,
    warmup: { frames: warmupFrames, durationNs: warmupFrames === 0 ? 0 : measuredWarmupNs },
    stopReason: stopNote ?? snapshot.stopReason,
  });
  printer.finish();
  io.out(formatRunSummary(report));
  if (options.reportFile !== null) {
    const path = resolve(options.reportFile);
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

/** What one {@link drive} call observed. */
interface DriveOutcome {
  readonly snapshot: ExecutiveSnapshot;
  /** Alarm records delivered (rate-limit summaries included). */
  readonly alarms: number;
}

/**
 * Runs `executive` from now for `durationNs` (0: until stopped), doing the cold-side
 * housekeeping in frame slack. `status` null: no status line. `printAlarms` false: alarms
 * are only counted (warm-up).
 */
async function drive(
  executive: Executive,
  clock: SystemClock,
  durationNs: number,
  printer: LinePrinter,
  status: Status | null,
  printAlarms: boolean,
): Promise<DriveOutcome> {
  let alarms = 0;
  // Default t0: the next frame-aligned time one frame ahead; `endNs` counts from it.
  executive.start();
  const startNs = executive.nextReleaseNs();
  const endNs = durationNs > 0 ? startNs + durationNs : Number.POSITIVE_INFINITY;
  const origin = startNs;
  const listener = (a: AlarmRecordView): void => {
    alarms++;
    if (!printAlarms) return;
    let line = describeAlarm(a, origin);
    if (a.kind === 'task-error' && a.taskIndex >= 0) {
      const error = executive.lastError(a.taskIndex, a.mode);
      if (error !== undefined)
        line += `: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
    printer.alarm(line);
  };
  let nextYieldNs = startNs + YIELD_INTERVAL_NS;
  let forceNs = startNs + FORCE_YIELD_NS;
  let nextStatusNs = startNs + STATUS_INTERVAL_NS;
  status?.begin(startNs);
  while (!executive.stopped && executive.nextReleaseNs() < endNs) {
    executive.step();
    const nowNs = clock.nowNs();
    if (nowNs < nextYieldNs) continue;
    const slackNs = executive.nextReleaseNs() - nowNs;
    if (slackNs < HOUSEKEEPING_MIN_SLACK_NS && nowNs < forceNs) continue;
    executive.drainAlarms(listener);
    if (status !== null && nowNs >= nextStatusNs) {
      status.print(executive, nowNs, printer);
      nextStatusNs +=
        STATUS_INTERVAL_NS * Math.max(1, Math.ceil((nowNs - nextStatusNs) / STATUS_INTERVAL_NS));
    }
    // One event-loop turn: signal handlers (→ requestStop, honoured by the next step),
    // stdout, the GC observer.
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    const afterNs = clock.nowNs();
    nextYieldNs = afterNs + YIELD_INTERVAL_NS;
    forceNs = afterNs + FORCE_YIELD_NS;
  }
  executive.drainAlarms(listener);
  return { snapshot: executive.snapshot(), alarms };
}

/** Turns SIGINT/SIGTERM into `requestStop()` on the running executive. */
class StopSignals {
  /** The executive a signal stops. */
  target: Executive | null = null;
  /** The first signal received, or null. */
  signal: NodeJS.Signals | null = null;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.signal !== null) {
      // Second signal: the user insists; leave at once with the conventional code.
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    this.signal = signal;
    this.target?.requestStop();
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
class LinePrinter {
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

/** The once-a-second status line: frames, overruns, misses, worst lateness, CPU. */
class Status {
  private startNs = 0;
  private lastNs = 0;
  private lastCpu = process.cpuUsage();

  begin(startNs: number): void {
    this.startNs = startNs;
    this.lastNs = startNs;
    this.lastCpu = process.cpuUsage();
  }

  /**
   * Prints the line from the executive's O(1) counters and one histogram scan (~µs):
   * `snapshot()` would take 0.3–5 ms (every percentile of every histogram), more than a
   * frame's slack.
   */
  print(executive: Executive, nowNs: number, printer: LinePrinter): void {
    const cpu = process.cpuUsage(this.lastCpu);
    const wallUs = (nowNs - this.lastNs) / 1000;
    const cpuPercent = wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0;
    this.lastCpu = process.cpuUsage();
    this.lastNs = nowNs;
    const frames = executive.framesRun;
    const lateness = executive.latenessHistogram;
    printer.status(
      `${((nowNs - this.startNs) / 1e9).toFixed(1).padStart(6)} s  frames ${frames}` +
        `  overruns ${executive.alarmTotal(KIND_OVERRUN)}  misses ${executive.alarmTotal(KIND_DEADLINE_MISS)}` +
        `  errors ${executive.alarmTotal(KIND_TASK_ERROR)}  skipped ${executive.frameIndex - frames}` +
        `  late p99 ${formatUs(lateness.valueAtQuantile(0.99))} max ${formatUs(lateness.maxNs)} µs` +
        `  cpu ${cpuPercent.toFixed(0)} %` +
        (executive.modeName === 'main' ? '' : `  mode ${executive.modeName}`),
    );
  }
}

/** One alarm as a log line (cold: allocates). */
function describeAlarm(a: AlarmRecordView, originNs: number): string {
  const at = `t=${((a.timeNs - originNs) / 1e9).toFixed(3)}s`;
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

function describeValue(a: AlarmRecordView): string {
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
    default:
      return `value ${a.value}`;
  }
}
