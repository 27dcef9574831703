/**
 * `hardtick run <config> [--duration 10s] [--report FILE] [--margin 100us] [--warmup …]
 * [--thread worker|main] [--metrics [host:]port] [--channels FILE] [--trace N] [--quiet]`: plan every mode, load the task functions, run the
 * executive on the real clock, print a live status line, the WCET summary, and write the
 * `hardtick.run/v1` report.
 *
 * Where the loop runs: by default in a dedicated worker thread (run-worker.ts; the main
 * thread stays free for output, signals and the report, and talks to the loop through
 * shared-memory rings); `--thread main` keeps it on the main thread (run-main-thread.ts,
 * the loop yields to the event loop in frame slack). The report's `environment.thread`
 * says which. `--thread` is a command-line option only (not a config field): where the
 * loop runs is a property of the invocation, not of the task set.
 *
 * Exit codes: 0 clean; 1 an alarm kind listed in the config's `alarms.fatal` occurred;
 * 2 bad input (options, config, infeasible schedule, task module that cannot be loaded,
 * report file that cannot be written) or a real-time worker that crashed mid-run (the
 * report is still written, from the last statistics it published).
 *
 * Test aid, not in the help text: `--mode-after <duration>:<mode>` requests a switch to
 * `<mode>` that long after measurement starts (through the command ring in worker mode).
 */
import { parseArgs } from 'node:util';
import { parseDurationNs } from '../config/duration.js';
import { HardtickError } from '../errors.js';
import { parseMetricsAddress } from '../metrics/server.js';
import type { CliIo } from './io.js';
import { runOnMainThread } from './run-main-thread.js';
import { DEFAULT_DURATION_NS, type RunOptions } from './run-shared.js';
import { runInWorker } from './run-worker.js';

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
  --margin <d>    the waiter's spin margin before each release
                  (default: native waiter 100us, hybrid waiter 200us)
  --warmup <d>    run the loop this long before measuring; 0 to skip
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
  --quiet         no live status line
  -h, --help      this text

Clock and waiter: the native addon's CLOCK_MONOTONIC clock and clock_nanosleep
waiter when it is built, else performance.now() and the hybrid Atomics.wait
waiter; HARDTICK_NATIVE=0 forces the latter. The config's "realtime" section
(priority, cpu, lockMemory, cpuDmaLatency, timerSlackNs, nice) is applied to the
loop thread; every step is reported, a refused one is a warning.

Task modules: .mjs/.js load directly; TypeScript task modules need a loader:
  node --import tsx node_modules/hardtick/dist/cli/main.js run hardtick.json
In worker mode the task modules are imported in the worker: their module state is the
worker's, not the main thread's.

Exit codes: 0 clean, 1 an alarm kind listed in the config's alarms.fatal occurred,
2 bad input (options, config, infeasible schedule, task module that cannot be loaded)
or a worker that crashed mid-run (the report is still written). After a watchdog
"stuck" event: the config's watchdog.exitCode (else 1), the report still written
(--thread main: by the stuck main thread, interrupted by the watchdog; only a thread
blocked in a system call ends by SIGKILL, with a minimal report).
`;

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
    return options.thread === 'main' ? await runOnMainThread(options, io) : await runInWorker(options, io);
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
      thread: { type: 'string' },
      'mode-after': { type: 'string' },
      metrics: { type: 'string' },
      channels: { type: 'string' },
      trace: { type: 'string' },
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
  const thread = values.thread ?? 'worker';
  if (thread !== 'worker' && thread !== 'main') {
    throw new Error(`--thread: expected 'worker' or 'main', got '${thread}'`);
  }
  return {
    configFile: positionals[0]!,
    durationNs:
      values.duration === undefined ? DEFAULT_DURATION_NS : optionDuration('--duration', values.duration),
    reportFile: values.report ?? null,
    marginNs: values.margin === undefined ? null : optionDuration('--margin', values.margin),
    warmupNs: values.warmup === undefined ? null : optionDuration('--warmup', values.warmup),
    quiet: values.quiet === true,
    thread,
    modeAfter: values['mode-after'] === undefined ? null : parseModeAfter(values['mode-after']),
    metrics: values.metrics === undefined ? null : parseMetricsAddress(values.metrics),
    channelsModule: values.channels === undefined || values.channels === '' ? null : values.channels,
    traceCapacity: values.trace === undefined ? 0 : parseTraceCount(values.trace),
  };
}

/** Largest `--trace`: the executive's trace ring and the main side's copy are preallocated. */
const MAX_TRACE = 1_000_000;

/** `--trace 100`: a whole number of slots, 0 … {@link MAX_TRACE}. */
function parseTraceCount(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n <= MAX_TRACE)) {
    throw new Error(`--trace: expected a whole number of slots from 0 to ${MAX_TRACE}, got '${text}'`);
  }
  return n;
}

/** `--mode-after 200ms:degraded`. */
function parseModeAfter(text: string): { afterNs: number; mode: string } {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new Error(`--mode-after: expected <duration>:<mode>, e.g. 200ms:degraded, got '${text}'`);
  }
  return { afterNs: optionDuration('--mode-after', text.slice(0, colon)), mode: text.slice(colon + 1) };
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
