/**
 * `hardtick jitter [--period 1ms] [--duration 10s] [--margin D] [--waiter auto] [--json]`:
 * measures this machine's release lateness with hardtick's own clock and waiter, the way
 * cyclictest does (absolute releases t0 + k·period, lateness = wake − release).
 * Exit 0 after a measurement, 2 on bad options.
 */
import {
  type Clock,
  checkDurationNs,
  HybridWaiter,
  jitterToJson,
  LogHistogram,
  loadNative,
  measureJitter,
  nativeStatus,
  renderJitter,
  selectClockAndWaiter,
  systemClock,
  tryLowerTimerSlack,
  type Waiter,
  type WaitMode,
} from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

/** Releases run before measuring and discarded (JIT warm-up), see `measureJitter`. */
const WARMUP_PERIODS = 100;

/** Margin of the pure-JS hybrid waiter when --margin is not given. */
const DEFAULT_HYBRID_MARGIN_NS = 200_000;

const HELP = `Usage: hardtick jitter [--period 1ms] [--duration 10s] [--margin D] [--waiter auto] [--json]

Measures this machine's release lateness (cyclictest-style): the loop wakes at absolute
times t0 + k·period with hardtick's waiter and records how late each wake-up is. This is
the floor under every deadline a hardtick run can meet here. The calling thread's timer
slack is lowered to 1 ns first (Linux, no privilege needed) and the report says whether
that worked. The first ${WARMUP_PERIODS} releases are a warm-up and are not counted.

Options:
  --period D    release period                                  (default 1ms)
  --duration D  how long to measure                             (default 10s)
  --margin D    start spinning this long before each release;
                larger = tighter, more CPU    (default: native 100us, hybrid 200us)
  --waiter W    auto (native when the addon is built, else
                hybrid), native (clock_nanosleep TIMER_ABSTIME,
                then spin), hybrid (Atomics.wait, then spin),
                sleep (Atomics.wait only) or spin (busy-wait)   (default auto)
                HARDTICK_NATIVE=0 makes auto pick hybrid.
  --json        print { periodNs, count, latenessNs: { min, p50, p99, p999, max } }
                plus extra keys (missedPeriods, meanNs, backend)
  -h, --help    this text

Durations: a number with a unit ns, us, ms or s ("250us", "1.5ms"); a bare number is ms.
For lower figures run it under SCHED_FIFO (chrt -f 80 hardtick jitter) and hold
/dev/cpu_dma_latency at 0 (realtime.cpuDmaLatency). Exit codes: 0 measured, 2 bad options.
`;

interface JitterOptions {
  periodNs: number;
  durationNs: number;
  /** null: the chosen waiter's default. */
  marginNs: number | null;
  mode: WaitMode | 'auto' | 'native';
  json: boolean;
}

/** Runs `hardtick jitter`; returns the exit code (0, or 2 on bad options). */
export async function jitterCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`hardtick jitter: ${(error as Error).message}\nRun 'hardtick jitter --help' for the options.\n`);
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
  const { clock, waiter, marginNs } = pickBackend(options);
  const result = measureJitter({
    periodNs: options.periodNs,
    durationNs: options.durationNs,
    clock,
    waiter,
    histogram: new LogHistogram(),
    warmupPeriods: WARMUP_PERIODS,
  });
  const json = jitterToJson(result, marginNs, slack);
  io.out(options.json ? `${JSON.stringify(json, null, 2)}\n` : renderJitter(json, slack));
  return 0;
}

/**
 * The clock and waiter to measure with: `auto` takes the native pair (clock_gettime +
 * clock_nanosleep TIMER_ABSTIME, 0 B per read) when the addon is built and not disabled
 * by HARDTICK_NATIVE=0, else the pure-JS hybrid; the other names force one.
 */
function pickBackend(options: JitterOptions): { clock: Clock; waiter: Waiter; marginNs: number } {
  if (options.mode === 'auto' || options.mode === 'native') {
    const selection = selectClockAndWaiter({
      preferNative: true,
      ...(options.marginNs === null
        ? {}
        : { native: { marginNs: options.marginNs }, hybrid: { marginNs: options.marginNs } }),
    });
    return { clock: selection.clock, waiter: selection.waiter, marginNs: selection.backend.marginNs };
  }
  const waiter = new HybridWaiter({
    clock: systemClock,
    marginNs: options.marginNs ?? DEFAULT_HYBRID_MARGIN_NS,
    mode: options.mode,
  });
  return { clock: systemClock, waiter, marginNs: waiter.marginNs };
}

const FLAGS = {
  period: { type: 'string' },
  duration: { type: 'string' },
  margin: { type: 'string' },
  waiter: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function parse(argv: string[]) {
  return parseFlags(argv, FLAGS);
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
  const marginNs = values.margin === undefined ? null : durationOption('--margin', values.margin, '0', true);
  if (typeof marginNs === 'string') return marginNs;
  if (durationNs < periodNs) {
    return `--duration (${values.duration}) must be at least one --period (${values.period ?? '1ms'})`;
  }
  const mode = values.waiter ?? 'auto';
  if (mode !== 'auto' && mode !== 'native' && mode !== 'hybrid' && mode !== 'sleep' && mode !== 'spin') {
    return `--waiter: expected auto, native, hybrid, sleep or spin, got ${JSON.stringify(mode)}`;
  }
  if (mode === 'native' && loadNative() === null) {
    return `--waiter native: the native addon is not available (${nativeStatus().reason})`;
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
