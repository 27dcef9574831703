/**
 * What both `hardtick run` paths share (main-thread loop in run-main-thread.ts, real-time
 * worker in run-worker.ts): parsed options, planning, the report path check and write,
 * the line printer, stop signals, alarm and status formatting. Cold code only.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AlarmKindName } from '../config/types.js';
import { HardtickError } from '../errors.js';
import type { RunEnvironment } from '../report/environment.js';
import type { RunReport } from '../report/run-report.js';
import { formatRunSummary } from '../report/summary.js';
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
  readonly marginNs: number;
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
}

/** ANSI: erase from the cursor to the end of the line. */
const CLEAR_TO_EOL = '\u001b[K';
/** Default run length, ns. */
export const DEFAULT_DURATION_NS = 10_000_000_000;
/** Default waiter margin, ns. */
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
}): string {
  const durationText = input.durationNs === 0 ? 'until stopped' : formatDurationNs(input.durationNs);
  return (
    `hardtick run ${input.configName}: ${input.modes} mode(s), frame ${formatDurationNs(input.frameNs)}, ${durationText}` +
    ` (${input.warmupNs > 0 ? `warm-up ${formatDurationNs(input.warmupNs)}` : 'no warm-up'}; ` +
    `${input.thread === 'worker' ? 'worker thread' : 'main thread'}; clock ${input.clock}, waiter ${input.waiter} margin ` +
    `${formatDurationNs(input.marginNs)}, timer slack ${input.slackApplied ? 'lowered' : `unchanged: ${input.slackReason}`})`
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
    default:
      return `value ${a.value}`;
  }
}

/** An error a task threw, as one line. */
export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
