/**
 * `hardtick jitter [--period 1ms] [--duration 10s] [--margin 200us] [--waiter hybrid] [--json]`:
 * measures this machine's release lateness with hardtick's own clock and waiter, the way
 * cyclictest does (absolute releases t0 + k·period, lateness = wake − release).
 * Exit 0 after a measurement, 2 on bad options.
 */
import { parseArgs } from 'node:util';
import { checkDurationNs } from '../config/duration.js';
import { LogHistogram } from '../stats/histogram.js';
import { HybridWaiter, type WaitMode } from '../time/hybrid-waiter.js';
import { type JitterResult, measureJitter } from '../time/jitter.js';
import { systemClock } from '../time/system-clock.js';
import { type TimerSlackResult, tryLowerTimerSlack } from '../time/timer-slack.js';
import { formatTable, formatUs } from './format.js';
import type { CliIo } from './io.js';

/** Releases run before measuring and discarded (JIT warm-up), see `measureJitter`. */
const WARMUP_PERIODS = 100;

const HELP = `Usage: hardtick jitter [--period 1ms] [--duration 10s] [--margin 200us] [--waiter hybrid] [--json]

Measures this machine's release lateness (cyclictest-style): the loop wakes at absolute
times t0 + k·period with hardtick's waiter and records how late each wake-up is. This is
the floor under every deadline a hardtick run can meet here. The calling thread's timer
slack is lowered to 1 ns first (Linux, no privilege needed) and the report says whether
that worked. The first ${WARMUP_PERIODS} releases are a warm-up and are not counted.

Options:
  --period D    release period                                  (default 1ms)
  --duration D  how long to measure                             (default 10s)
  --margin D    hybrid waiter: start spinning this long before
                each release; larger = tighter, more CPU        (default 200us)
  --waiter W    hybrid (sleep, then spin), sleep (Atomics.wait
                only) or spin (busy-wait only)                  (default hybrid)
  --json        print { periodNs, count, latenessNs: { min, p50, p99, p999, max } }
                plus extra keys (missedPeriods, meanNs, backend)
  -h, --help    this text

Durations: a number with a unit ns, us, ms or s ("250us", "1.5ms"); a bare number is ms.
For lower figures run it under SCHED_FIFO (chrt -f 80 hardtick jitter) and hold
/dev/cpu_dma_latency at 0 (see TIMING_FACTS.md). Exit codes: 0 measured, 2 bad options.
`;

/** The JSON object `jitter --json` prints: the DESIGN.md shape plus compatible extra keys. */
export interface JitterJson {
  /** Release period in ns. */
  periodNs: number;
  /** Releases measured. */
  count: number;
  /** Lateness percentiles in ns. */
  latenessNs: { min: number; p50: number; p99: number; p999: number; max: number };
  /** Extension: releases skipped because the loop woke after the next one was due. */
  missedPeriods: number;
  /** Extension: mean lateness in ns (rounded). */
  meanNs: number;
  /** Extension: what was measured with. */
  backend: {
    clock: string;
    waiter: string;
    marginNs: number;
    timerSlackApplied: boolean;
    timerSlackNs: number | null;
  };
}

interface JitterOptions {
  periodNs: number;
  durationNs: number;
  marginNs: number;
  mode: WaitMode;
  json: boolean;
}

/** Runs `hardtick jitter`; returns the exit code (0, or 2 on bad options). */
export async function jitterCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`hardtick jitter: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.out(HELP);
    return 0;
  }
  const options = resolveOptions(parsed.values, parsed.positionals);
  if (typeof options === 'string') {
    io.err(`hardtick jitter: ${options}\nRun 'hardtick jitter --help' for the options.\n`);
    return 2;
  }

  const slack = tryLowerTimerSlack(1);
  const waiter = new HybridWaiter({ clock: systemClock, marginNs: options.marginNs, mode: options.mode });
  const result = measureJitter({
    periodNs: options.periodNs,
    durationNs: options.durationNs,
    clock: systemClock,
    waiter,
    histogram: new LogHistogram(),
    warmupPeriods: WARMUP_PERIODS,
  });
  const json = jitterToJson(result, waiter.marginNs, slack);
  io.out(options.json ? `${JSON.stringify(json, null, 2)}\n` : renderJitter(json, slack));
  return 0;
}

/** Builds the `--json` object from a measurement. */
export function jitterToJson(result: JitterResult, marginNs: number, slack: TimerSlackResult): JitterJson {
  return {
    periodNs: result.periodNs,
    count: result.count,
    latenessNs: { ...result.latenessNs },
    missedPeriods: result.details.missedPeriods,
    meanNs: Math.round(result.details.meanNs),
    backend: {
      clock: result.details.clock,
      waiter: result.details.waiter,
      marginNs,
      timerSlackApplied: slack.applied,
      timerSlackNs: slack.applied ? 1 : slack.previousNs,
    },
  };
}

/** Human-readable report: one line of context, a percentile table in µs, the backend. */
function renderJitter(json: JitterJson, slack: TimerSlackResult): string {
  const l = json.latenessNs;
  const seconds = (json.count * json.periodNs) / 1e9;
  const missedPct = json.count > 0 ? (100 * json.missedPeriods) / (json.count + json.missedPeriods) : 0;
  const slackText = slack.applied
    ? `lowered to 1 ns (was ${slack.previousNs ?? '?'} ns)`
    : `not lowered (${slack.reason ?? 'unknown reason'})`;
  const waiterText =
    json.backend.waiter === 'hybrid'
      ? `hybrid (Atomics.wait, then spin the last ${formatUs(json.backend.marginNs)} µs)`
      : json.backend.waiter;
  return (
    `release lateness at a ${formatUs(json.periodNs)} µs period: ${json.count} releases in ${seconds.toFixed(1)} s, ` +
    `${json.missedPeriods} missed (${missedPct.toFixed(2)} %)\n\n` +
    formatTable(
      [
        { header: 'lateness (µs)', align: 'left' },
        { header: 'min' },
        { header: 'p50' },
        { header: 'p99' },
        { header: 'p99.9' },
        { header: 'max' },
        { header: 'mean' },
      ],
      [
        [
          '',
          formatUs(l.min),
          formatUs(l.p50),
          formatUs(l.p99),
          formatUs(l.p999),
          formatUs(l.max),
          formatUs(json.meanNs),
        ],
      ],
    ) +
    `\nclock: ${json.backend.clock}\nwaiter: ${waiterText}\ntimer slack: ${slackText}\n`
  );
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      period: { type: 'string' },
      duration: { type: 'string' },
      margin: { type: 'string' },
      waiter: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Validates the parsed options; returns them resolved, or the error message. */
function resolveOptions(
  values: ReturnType<typeof parse>['values'],
  positionals: string[],
): JitterOptions | string {
  if (positionals.length > 0) return `unexpected argument "${positionals[0]}" (jitter takes only options)`;
  const periodNs = durationOption('--period', values.period, '1ms');
  if (typeof periodNs === 'string') return periodNs;
  const durationNs = durationOption('--duration', values.duration, '10s');
  if (typeof durationNs === 'string') return durationNs;
  const marginNs = durationOption('--margin', values.margin, '200us', true);
  if (typeof marginNs === 'string') return marginNs;
  if (durationNs < periodNs) {
    return `--duration (${values.duration}) must be at least one --period (${values.period ?? '1ms'})`;
  }
  const mode = values.waiter ?? 'hybrid';
  if (mode !== 'hybrid' && mode !== 'sleep' && mode !== 'spin') {
    return `--waiter: expected hybrid, sleep or spin, got ${JSON.stringify(mode)}`;
  }
  return { periodNs, durationNs, marginNs, mode, json: values.json === true };
}

/** Parses one duration option (a bare number means ms, like in the config). */
function durationOption(
  name: string,
  value: string | undefined,
  fallback: string,
  allowZero = false,
): number | string {
  const text = value ?? fallback;
  const input: unknown = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
  const check = checkDurationNs(input, { allowZero });
  return check.ok ? check.ns : `${name}: ${check.message}`;
}
