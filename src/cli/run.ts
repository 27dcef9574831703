/**
 * `hardtick run <config> [options]`: argument parsing and printing on top of the library's
 * `startRun` (src/run): a live status line, alarm lines, the WCET summary, the report.
 * SIGINT/SIGTERM/SIGHUP stop the run after the current frame (a second one exits at once).
 * Test aid, not in the help text: `--mode-after <duration>:<mode>` requests a mode switch
 * that long after measurement starts.
 */
import {
  DEFAULT_DURATION_NS,
  formatRunSummary,
  HardtickError,
  MAX_TRACE,
  parseDurationNs,
  parseMetricsAddress,
  type RunOptions,
  startRun,
} from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

const HELP = `Usage: hardtick run <config> [options]

Plans the config's schedule, loads its task functions and runs the cyclic executive on
the real clock: drift-free frame releases, every slot timed against its budget, overrun
policies, alarms. Prints a status line once a second and a WCET summary at the end.
Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the loop after the current frame; the summary
and the report are still produced. A second one exits at once, without them.

Options:
  --duration <d>  how long to measure, e.g. 10s, 500ms, 120s; 0 runs until
                  SIGINT/SIGTERM/SIGHUP                                 (default 10s)
  --report <file> write the run report (JSON, schema hardtick.run/v1) to <file>
  --margin <d>    the waiter's spin margin before each release
                  (default: native waiter 100us, hybrid waiter 200us)
  --warmup <d>    warm up this long before measuring, whatever the frame size
                  (tasks see ctx.phase 'warmup'): JIT drives on compressed frames
                  and an alarm rehearsal (~0.3s), the real loop for the rest (at
                  least a quarter); 0 to skip
                  (default: 200ms or 500 frames, whichever is longer, at most 2s)
  --thread <t>    where the loop runs: 'worker' (a dedicated real-time worker
                  thread; the main thread only prints and writes the report) or
                  'main' (the main thread, yielding to the event loop in frame
                  slack)                                                (default worker)
  --metrics <a>   serve Prometheus metrics at http://<a>/metrics during the
                  run; <a> is [host:]port, the host defaults to 127.0.0.1
                  (loopback), port 0 picks a free one (the URL is printed)
  --channels <f>  a module exporting setupChannels(hub, print): the non-real-time
                  side of the task channels (tasks open them with openChannel from
                  'hardtick/worker'); see examples/channels
  --trace <n>     keep the last <n> executed slots (frame, task, mode, start,
                  end, flags) and write them to the report's "trace"; 0 = off
                                                                         (default 0)
  --candidate <name>
                  this process's name in the election of the config's "lease"
                  (hot standby; two processes on one config need different
                  names)                 (default: lease.candidate, else host:pid)
  --allow-outside-project
                  let the config name task modules outside its project (the
                  nearest folder with a package.json); a config is code
  --quiet         no live status line
  -h, --help      this text

Hot standby: with a "lease" section in the config the run joins an election in etcd
once measuring starts and runs the tasks only while it holds the lease; a standby keeps
its frames and runs no task. Lease lines tell each change of role; the status line shows
it; the report has a "lease" section. See docs/hot-standby.md.

Clock and waiter: the native addon's CLOCK_MONOTONIC clock and clock_nanosleep
waiter when it is built, else performance.now() and the hybrid Atomics.wait
waiter; HARDTICK_NATIVE=0 forces the latter. The config's "realtime" section
(priority, cpu, lockMemory, cpuDmaLatency, timerSlackNs, nice) is applied to the
loop thread; every step is reported, a refused one is a warning.

Task modules: .mjs/.js load directly; TypeScript task modules need tsx, in both
thread modes (the real-time worker registers it when this process has it):
  node --import tsx node_modules/hardtick/dist/cli/main.js run hardtick.json
In worker mode the task modules are imported in the worker: their module state is the
worker's, not the main thread's.

Exit codes: 0 clean, 1 an alarm kind listed in the config's alarms.fatal occurred,
2 bad input (options, config, infeasible schedule, task module that cannot be loaded,
a --report path that cannot be written) or a crashed run: task code that rejected a
promise with no handler, threw from a timer or called process.exit (the report names it).
After a watchdog "stuck" event: the config's watchdog.exitCode, else 1 (a config without
a watchdog section gets one: grace max(1s, 10 frames); "watchdog": false turns it off).
A stop the loop never answers (a task blocked in a system call): 128 + the signal's
number, the report built from the loop's last published figures. --thread main: a main
thread blocked in a system call takes no signal; the watchdog ends it by SIGKILL, with a
minimal report. Details: docs/faults.md.
`;

/** ANSI: erase from the cursor to the end of the line. */
const CLEAR_TO_EOL = '\u001b[K';

/** Parsed `hardtick run` arguments. */
interface RunArgs {
  readonly config: string;
  readonly options: RunOptions;
  readonly quiet: boolean;
  readonly modeAfter: { readonly afterNs: number; readonly mode: string } | null;
}

/** Runs `hardtick run`; returns the exit code. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  let args: RunArgs | 'help';
  try {
    args = parseRunArgs(argv);
  } catch (error) {
    io.err(`hardtick run: ${(error as Error).message}\nRun 'hardtick run --help' for the options.\n`);
    return 2;
  }
  if (args === 'help') {
    io.out(HELP);
    return 0;
  }
  const printer = new LinePrinter(io);
  const handle = startRun(args.config, {
    ...args.options,
    // Listened to from here on: before any task module is imported.
    stopSignals: STOP_SIGNALS,
    onEvent: (e) => {
      if (e.type === 'measuring') return;
      if (e.level === 'warn') printer.alarm(e.text);
      else printer.line(e.text);
    },
    onAlarm: (a) => printer.alarm(a.text),
    onStatus: args.quiet ? () => {} : (s) => printer.status(s.text),
    onReport: (report) => {
      printer.finish();
      io.out(formatRunSummary(report));
    },
  });
  if (args.modeAfter !== null) handle.requestMode(args.modeAfter.mode, args.modeAfter.afterNs);
  try {
    return (await handle.done).exitCode;
  } catch (error) {
    if (!(error instanceof HardtickError)) throw error;
    printer.finish();
    io.err(`hardtick run: ${error.message.replace(/^requestMode: /, '--mode-after: ')}\n`);
    for (const issue of error.issues) if (!error.message.includes(issue)) io.err(`  ${issue}\n`);
    return 2;
  }
}

/** The signals that stop a run (a second one ends the process at once). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const FLAGS = {
  duration: { type: 'string' },
  report: { type: 'string' },
  margin: { type: 'string' },
  warmup: { type: 'string' },
  thread: { type: 'string' },
  'mode-after': { type: 'string' },
  metrics: { type: 'string' },
  channels: { type: 'string' },
  trace: { type: 'string' },
  candidate: { type: 'string' },
  'allow-outside-project': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

/** The arguments (the one place they are parsed). @throws Error with the message to print. */
function parseRunArgs(argv: string[]): RunArgs | 'help' {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help === true) return 'help';
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0
        ? 'missing the config file: hardtick run <config>'
        : `expected one config file, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  if (values.report === '') throw new Error('--report: expected a file name');
  const thread = values.thread ?? 'worker';
  if (thread !== 'worker' && thread !== 'main') {
    throw new Error(`--thread: expected 'worker' or 'main', got '${thread}'`);
  }
  const modeAfter = values['mode-after'];
  const colon = modeAfter?.indexOf(':') ?? -1;
  if (modeAfter !== undefined && (colon <= 0 || colon === modeAfter.length - 1)) {
    throw new Error(`--mode-after: expected <duration>:<mode>, e.g. 200ms:degraded, got '${modeAfter}'`);
  }
  const trace = values.trace?.trim();
  if (trace !== undefined && !(/^\d+$/.test(trace) && Number(trace) <= MAX_TRACE)) {
    throw new Error(
      `--trace: expected a whole number of slots from 0 to ${MAX_TRACE}, got '${values.trace}'`,
    );
  }
  const options: RunOptions = {
    duration:
      values.duration === undefined ? DEFAULT_DURATION_NS : optionDuration('--duration', values.duration),
    thread,
    ...(values.report === undefined ? {} : { report: values.report }),
    ...(values.margin === undefined ? {} : { margin: optionDuration('--margin', values.margin) }),
    ...(values.warmup === undefined ? {} : { warmup: optionDuration('--warmup', values.warmup) }),
    ...(values.metrics === undefined
      ? {}
      : { metrics: parseMetricsAddress(values.metrics).port === 0 ? values.metrics : values.metrics }),
    ...(values.channels === undefined || values.channels === '' ? {} : { channels: values.channels }),
    ...(trace === undefined ? {} : { trace: Number(trace) }),
    ...(values.candidate === undefined ? {} : { candidate: values.candidate }),
    ...(values['allow-outside-project'] === true ? { allowOutsideProject: true } : {}),
  };
  return {
    config: positionals[0]!,
    options,
    quiet: values.quiet === true,
    modeAfter:
      modeAfter === undefined
        ? null
        : {
            afterNs: optionDuration('--mode-after', modeAfter.slice(0, colon)),
            mode: modeAfter.slice(colon + 1),
          },
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

/**
 * Writes lines, and on a TTY keeps one rewritable status line at the bottom (`\r` + clear
 * to end of line): other output clears it, then draws it again below.
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

  private clearStatus(): string | null {
    const shown = this.shown;
    if (shown !== null) this.io.out(`\r${CLEAR_TO_EOL}`);
    this.shown = null;
    return shown;
  }
}
