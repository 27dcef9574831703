/**
 * What a caller of `run`/`startRun` passes and gets back while the run goes on: the
 * options, the alarm, status and event records the callbacks receive, and the resolved
 * form of the options (durations in ns, defaults filled in). Cold code; a bad option is a
 * {@link HardtickError} `usage` naming the option.
 */

import { parseDurationNs } from '../config/duration.js';
import type { AlarmKindName } from '../config/types.js';
import { HardtickError } from '../errors.js';
import { parseMetricsAddress } from '../metrics/server.js';
import type { RunReport } from '../report/run-report.js';
import type { ChannelHub } from '../worker/channel-hub.js';
import { checkCandidateOption, type RunLeaseStatus } from './lease.js';

/** Which thread runs the loop: a dedicated worker thread, or the calling (main) thread. */
export type RunThread = 'worker' | 'main';

/**
 * The main-thread side of the task channels: registers handlers on `hub`; `print` writes a
 * line the way the run's other lines go (`onEvent`, type `channel`); `run` says which run.
 * It may return a function (sync or async), called once the run has ended, before `done`
 * resolves: close the sockets and files the handlers use (an open socket would keep
 * `hardtick run` from exiting).
 */
export type SetupChannels = (hub: ChannelHub, print: (line: string) => void, run: ChannelRunInfo) => unknown;

/** What the channels' main side is told about the run (`setupChannels`' third argument). */
export interface ChannelRunInfo {
  /** The config's name. */
  readonly config: string;
  /**
   * The config's `lease`: the election key and this process's candidate name (the writer
   * name to give a fencing sink with each output's token); null without a lease.
   */
  readonly lease: { readonly key: string; readonly candidate: string } | null;
}

/** Options of `run` and `startRun`. Durations: a string with a unit (`'10s'`, `'500ms'`) or ns. */
export interface RunOptions {
  /** How long to measure; 0 runs until stopped (`stop()`, `signal`). @default '10s' */
  readonly duration?: string | number;
  /**
   * How long to warm up before measuring, in all: JIT drives on compressed frames and an
   * alarm rehearsal, the real loop for the rest (at least a quarter of it). Its figures are
   * discarded; tasks see `ctx.phase === 'warmup'`. 0 skips it.
   * @default the longer of 200 ms and 500 frames, at most 2 s
   */
  readonly warmup?: string | number;
  /** Where the loop runs. @default 'worker' */
  readonly thread?: RunThread;
  /** Write the report (`hardtick.run/v1` JSON) to this file when the run ends. @default none */
  readonly report?: string;
  /** Keep the last N executed slots and put them in the report's `trace`; 0 = off. @default 0 */
  readonly trace?: number;
  /**
   * Serve Prometheus metrics during the run at `[host:]port` (a number: the port; host
   * 127.0.0.1; port 0 picks a free one, see the `metrics` event). @default none
   */
  readonly metrics?: string | number;
  /**
   * The main-thread side of the task channels: a module exporting `setupChannels(hub,
   * print)`, or that function. @default none (channel records are not consumed)
   */
  readonly channels?: string | SetupChannels;
  /** The waiter's spin margin before each release. @default native waiter 100 µs, hybrid 200 µs */
  readonly margin?: string | number;
  /** Aborting it stops the run after the current frame; the report is still built. */
  readonly signal?: AbortSignal;
  /**
   * Process signals that stop the run (what `hardtick run` does with SIGINT, SIGTERM and
   * SIGHUP): the first stops it after the current frame (stopReason `signal:<NAME>`; a loop
   * that does not come back in time, a task blocked outside JavaScript, ends the run as
   * crashed with exit code 128 + the signal's number, and then the process); a second one
   * ends the process at once with that code, without a report. Listened to from the call,
   * before any task module is imported, until the run ends. @default none
   */
  readonly stopSignals?: readonly NodeJS.Signals[];
  /** Each alarm as the loop raises it (rate-limited per kind; the report's counts are exact). */
  readonly onAlarm?: (alarm: RunAlarm) => void;
  /** Once a second while measuring. */
  readonly onStatus?: (status: RunStatus) => void;
  /** Every line the run has to tell (what `hardtick run` prints, besides alarms and status). */
  readonly onEvent?: (event: RunEvent) => void;
  /** The report, as soon as it is built (before it is written); synchronous. */
  readonly onReport?: (report: RunReport) => void;
  /**
   * Create a lease guard on the loop's thread (`ctx.lease`) for a `LeaseKeeper` of your own;
   * `RunHandle.ready` gives it. Not with a config that has `lease` (the runner keeps that
   * one: hot standby, docs/hot-standby.md). @default false (`ctx.lease.valid()` is always
   * true, unless the config has `lease`)
   */
  readonly lease?: boolean;
  /**
   * This process's name in the election of the config's `lease` (overrides
   * `lease.candidate`): two processes on one config need different names.
   * @default the config's `lease.candidate`, else the host name and process id
   */
  readonly candidate?: string;
  /** Folder relative `run` paths of a config object are resolved against. @default process.cwd() */
  readonly baseDir?: string;
  /**
   * Let the config's module references point outside its project (the nearest folder with
   * a package.json): a config is code, run with your rights. @default false
   */
  readonly allowOutsideProject?: boolean;
}

/** One alarm as a run reports it (a copy: safe to keep). Times in ns, integers. */
export interface RunAlarm {
  /** Kind name. */
  readonly kind: AlarmKindName;
  /** Mode it was raised in. */
  readonly mode: string;
  /** Task it concerns, or null. */
  readonly task: string | null;
  /** Frame index since the measured run's first release. */
  readonly frame: number;
  /** Time since the measured run's first release, ns. */
  readonly sinceStartNs: number;
  /** Kind-specific value (an ns figure, a count or an index; see `ALARM_KINDS`). */
  readonly value: number;
  /** 0, or for a rate-limit summary the alarms of this kind it stands for. */
  readonly suppressed: number;
  /** Summary only: frame of the first suppressed alarm (else equal to `frame`). */
  readonly firstFrame: number;
  /** For `task-error`: what the task threw (`Name: message`), when known. */
  readonly error: string | null;
  /**
   * `measure`, or `warmup` for a pause of the warm-up (its frame and time are the warm-up
   * executive's; counted in the report's `warmup`, not in `alarms`).
   */
  readonly phase: 'warmup' | 'measure';
  /** The line `hardtick run` prints for it. */
  readonly text: string;
}

/** The once-a-second status of a measured run. Counts and `elapsedNs` come from one record. */
export interface RunStatus {
  /** Loop time since the first release, ns. */
  readonly elapsedNs: number;
  /** Frames run. */
  readonly frames: number;
  /** Frames skipped (catch-up). */
  readonly skipped: number;
  /** Jobs not run so far, every cause (dropped, lost to a pause, unavailable, cut off). */
  readonly notRun: number;
  /** Overrun, deadline-miss and task-error alarms so far. */
  readonly overruns: number;
  readonly misses: number;
  readonly errors: number;
  /** Release lateness p99 and max so far, ns. */
  readonly lateP99Ns: number;
  readonly lateMaxNs: number;
  /** Current mode. */
  readonly mode: string;
  /** This process's CPU use since the previous status, percent of one core. */
  readonly cpuPercent: number;
  /** The waiter's spin margin at its last wait, ns (learned or fixed); null: a waiter without a learner. */
  readonly marginNs: number | null;
  /** The config's `lease`: this process's role and token; null without a lease (or before it campaigns). */
  readonly lease: RunLeaseStatus | null;
  /** The line `hardtick run` prints for it. */
  readonly text: string;
}

/** Kinds of {@link RunEvent}. */
export type RunEventType =
  | 'start'
  | 'warning'
  | 'metrics'
  | 'warmup'
  | 'measuring'
  | 'stuck'
  | 'recovered'
  | 'fail-safe'
  | 'channel'
  | 'channel-summary'
  | 'pause'
  | 'alarms-lost'
  | 'worker-failed'
  | 'lease'
  | 'crash'
  | 'report';

/** A line of a run's story: the start, real-time warnings, the warm-up, stuck slots, pauses… */
export interface RunEvent {
  /** What it is about. */
  readonly type: RunEventType;
  /** `warn` lines go where alarms go (stderr in the CLI), `info` lines to the normal output. */
  readonly level: 'info' | 'warn';
  /** The line. */
  readonly text: string;
}

/** {@link RunOptions} resolved: ns, defaults, parsed addresses. */
export interface ResolvedRunOptions {
  /** 0 = until stopped. */
  readonly durationNs: number;
  /** null = the default rule (needs the planned frame). */
  readonly warmupNs: number | null;
  readonly thread: RunThread;
  readonly reportFile: string | null;
  readonly traceCapacity: number;
  readonly metrics: { readonly host: string; readonly port: number } | null;
  readonly channels: string | SetupChannels | null;
  /** null = the waiter's default. */
  readonly marginNs: number | null;
  readonly lease: boolean;
  /** null = the config's candidate (or the default). */
  readonly candidate: string | null;
  readonly baseDir: string;
  readonly allowOutsideProject: boolean;
}

/** Default run length, ns. */
export const DEFAULT_DURATION_NS = 10_000_000_000;
/** Largest `trace`: the executive's trace ring and the host's copy are preallocated. */
export const MAX_TRACE = 1_000_000;

/** A duration option: a string with a unit (`'500ms'`), a bare `'0'`, or a number of ns ≥ 0. */
export function durationOptionNs(name: string, value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
    throw new HardtickError('usage', `${name}: expected a duration like '10s' or ns >= 0, got ${value}`);
  }
  if (/^\s*0+(\.0*)?\s*$/.test(value)) return 0;
  try {
    return parseDurationNs(value, { allowZero: true });
  } catch (error) {
    throw new HardtickError('usage', `${name}: ${(error as Error).message}`);
  }
}

/** Resolves and checks `options`. @throws HardtickError `usage` naming the bad option. */
export function resolveRunOptions(options: RunOptions): ResolvedRunOptions {
  const thread = options.thread ?? 'worker';
  if (thread !== 'worker' && thread !== 'main') {
    throw new HardtickError('usage', `thread: expected 'worker' or 'main', got '${String(thread)}'`);
  }
  const trace = options.trace ?? 0;
  if (!(Number.isSafeInteger(trace) && trace >= 0 && trace <= MAX_TRACE)) {
    throw new HardtickError(
      'usage',
      `trace: expected a whole number of slots from 0 to ${MAX_TRACE}, got ${String(trace)}`,
    );
  }
  if (options.report === '') throw new HardtickError('usage', 'report: expected a file name');
  return {
    durationNs:
      options.duration === undefined ? DEFAULT_DURATION_NS : durationOptionNs('duration', options.duration),
    warmupNs: options.warmup === undefined ? null : durationOptionNs('warmup', options.warmup),
    thread,
    reportFile: options.report ?? null,
    traceCapacity: trace,
    metrics:
      options.metrics === undefined
        ? null
        : parseMetricsAddress(
            typeof options.metrics === 'number' ? String(options.metrics) : options.metrics,
          ),
    channels: options.channels === undefined || options.channels === '' ? null : options.channels,
    marginNs: options.margin === undefined ? null : durationOptionNs('margin', options.margin),
    lease: options.lease === true,
    candidate: options.candidate === undefined ? null : checkCandidateOption(options.candidate),
    baseDir: options.baseDir ?? process.cwd(),
    allowOutsideProject: options.allowOutsideProject === true,
  };
}
