/**
 * hardtick against the alternatives people reach for: the same periodic workload at a 1 ms,
 * 10 ms and 100 ms period, all in one run.
 *
 *   npm run build && npm run bench:peers
 *   npx tsx bench/peers.ts [--duration 10s] [--periods 1ms,10ms,100ms] [--work 50us]
 *                          [--min-releases 300] [--contenders hardtick,setInterval,…] [--json]
 *
 * Each contender runs `--duration` at each period, or longer where that gives fewer than
 * `--min-releases` releases (default 300: 30 s at 100 ms), so a p99 is not one stall.
 *
 * Contenders (each one its own child process, run one after the other, so they never
 * compete with each other; the bench process only waits):
 * - `hardtick`     `node dist/cli/main.js run <config> --duration <d>`: the real CLI, the loop
 *                  in its worker thread with the waiter it selects (native when the addon is
 *                  built, else the pure-JS hybrid; margin learned), default warm-up; one task
 *                  at the period.
 *                  The task pushes [frame, entry time, release time] over a channel; a
 *                  `--channels` consumer collects them and writes them out at exit.
 * - `setInterval`  `setInterval(task, P)`.
 * - `setTimeout`   the naive chain: `setTimeout(tick, P)` again at the end of each tick.
 * - `setTimeout-corrected` the drift-correcting chain as it is usually written:
 *                  `expected += P; setTimeout(tick, Math.max(0, expected − now))` (catches up
 *                  after a late tick by running the next ones sooner).
 * - `toad-scheduler` `SimpleIntervalJob({ milliseconds: P }, new Task(…))` on a ToadScheduler.
 * - `bare-worker`  hardtick's design with nothing of hardtick: a worker thread sleeping with the
 *                  native addon's absolute sleep to 30 µs before each release, then spinning to
 *                  it and running the workload. No executive, measurement, watchdog or
 *                  main-thread poll: what such a loop costs on this machine (a floor, not a peer).
 * - `cyclictest-fifo`, `cyclictest-other` the machine's floor when `cyclictest` is installed:
 *                  `cyclictest -m -p 80 -i <P µs> -t1 -D <d> -q -h 20000` (SCHED_FIFO 80, needs
 *                  root) and the same with `-p 0 --policy=other`. No workload; it only wakes.
 *
 * Workload: every contender's task reads its clock first (the execution's start, what is
 * measured) and then spins `--work` (default 50 µs) on that clock. The JS contenders run the
 * workload 2000 times before starting, so the JIT has compiled it.
 *
 * Figures (per contender and period; µs unless said):
 * - lateness: execution start − the release it was meant for, t0 + k·P, where k is the
 *   loop's own period number (t0: release 0: hardtick's planned first frame; for the timers
 *   the call that armed them + P). hardtick counts frames against the clock (a frame
 *   skipped while the loop was late is a missed release, not a shift of the later ones), so
 *   its k is the frame index. A timer loop's only notion of "period k" is its kth callback,
 *   so every period it loses or stretches makes all later ones later: its lateness grows
 *   with its drift. Negative: early (libuv rounds timers to whole ms). p50/p99/p99.9/max,
 *   nearest rank.
 * - p99 |lateness| (`p99Abs`): the p99 of the lateness's absolute value: running early is
 *   as wrong as running late for a controller, so a loop that fires up to a period early
 *   cannot hide behind a small signed p99. The figure the goals are stated on.
 * - interval jitter (`jitterP99`): p99 of |gap between consecutive executions − P|, the
 *   spacing an actuator sees (a skipped period counts as a jitter of P). Not for cyclictest
 *   (no per-wake-up times).
 * - missed: gaps between consecutive executions > 1.5 P; bunched: gaps < 0.5 P (two
 *   executions crowded into one period, e.g. a catch-up).
 * - runs: executions in the window / releases in the window (⌊duration / P⌋).
 * - drift after N periods: the lateness of the last execution (its period N), ms.
 * - CPU: `process.cpuUsage()` (all threads of the process) over the measurement window /
 *   wall time, % of one core. hardtick: from the first record the consumer received to the
 *   last 100th one (the worker and main thread together); cyclictest: user + sys of the process
 *   (bash `times`) over its duration.
 * - × hardtick: the contender's p99 |lateness| (and missed count) divided by hardtick's in
 *   the same run. The verdict lines: hardtick's p99 |lateness| against every JS contender's
 *   at each period, and hardtick's CPU at 1 ms against 10 % of a core.
 *
 * For cyclictest (no per-wake-up times) lateness comes from its 1 µs histogram; missed is
 * derived as in bench/cyclictest.bench.ts (a wake-up L µs late skipped ⌊L / P⌋ releases);
 * bunched and drift do not apply (absolute sleeps, no workload).
 *
 * Nothing is tuned for anyone: no SCHED_FIFO for the JS contenders, no
 * /dev/cpu_dma_latency, default timer slack (hardtick run lowers its own loop thread's slack
 * to 1 ns by default, as users get it). Default: 7 contenders × (10 s + 10 s + 30 s) ≈ 6 min
 * (plus hardtick's start-up at each period).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release as kernelRelease, loadavg, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDurationNs } from '../src/config/duration.js';
import { cyclictestQuantile, runCyclictest, which } from './helpers/cyclictest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const WORKER_ENTRY = join(ROOT, 'dist', 'worker', 'index.js');
/** The JS contenders the verdict compares hardtick with (cyclictest is the floor, not a peer). */
const JS_PEERS = ['setInterval', 'setTimeout', 'setTimeout-corrected', 'toad-scheduler'];
/** hardtick's CPU goal at 1 ms, % of one core. */
const CPU_GOAL_PCT = 10;

/** What a contender's child reports: execution start times, relative to release 0, in µs. */
interface Trace {
  /** Execution starts, µs since release 0 (release k is at k·P). */
  readonly startsUs: number[];
  /**
   * The loop's own period number of each execution (hardtick: the frame index); absent:
   * the execution's ordinal (a timer loop's only notion of "period k" is its kth callback).
   */
  readonly periods?: number[];
  /** CPU time over the window, µs (user + system). */
  readonly cpuUs: number;
  /** Wall time of the window, µs. */
  readonly wallUs: number;
  /** Extra facts the child reported (hardtick: backend). */
  readonly note?: string;
}

/** One contender's figures for one period. */
interface Figures {
  readonly p50: number;
  readonly p99: number;
  /** p99 of |lateness|. */
  readonly p99Abs: number;
  readonly p999: number;
  readonly max: number;
  /** p99 of |interval − P| over consecutive executions; null for cyclictest. */
  readonly jitterP99: number | null;
  readonly runs: number;
  readonly ideal: number;
  readonly missed: number;
  /** null: not applicable (cyclictest). */
  readonly bunched: number | null;
  /** ms; null: not applicable. */
  readonly driftMs: number | null;
  readonly cpuPct: number;
  readonly note: string;
}

interface Contender {
  readonly id: string;
  readonly label: string;
  run(periodUs: number, durationS: number, tmp: string): Figures | string;
}

// ---------------------------------------------------------------- options

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    'min-releases': { type: 'string', default: '300' },
    periods: { type: 'string', default: '1ms,10ms,100ms' },
    work: { type: 'string', default: '50us' },
    contenders: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npx tsx bench/peers.ts [--duration 10s] [--periods 1ms,10ms,100ms] [--work 50us] ' +
      '[--min-releases 300] [--contenders hardtick,setInterval,setTimeout,setTimeout-corrected,toad-scheduler,bare-worker,cyclictest-fifo,cyclictest-other] [--json]',
  );
  process.exit(0);
}

function fail(message: string): never {
  console.error(`peers.bench: ${message}`);
  process.exit(2);
}

function durationOption(name: string, text: string): number {
  try {
    return parseDurationNs(text);
  } catch (error) {
    fail(`${name}: ${(error as Error).message}`);
  }
}

const DURATION_S = durationOption('--duration', values.duration) / 1e9;
/**
 * A period's run lasts long enough for this many releases (`--duration` or more): a p99 of
 * 100 releases (10 s at 100 ms) is the second-worst one, i.e. a single host stall.
 */
const MIN_RELEASES = Number(values['min-releases']);
if (!Number.isInteger(MIN_RELEASES) || MIN_RELEASES < 1)
  fail(`--min-releases: expected a positive integer, got ${values['min-releases']}`);
/** Seconds each contender runs at `periodUs`. */
function durationFor(periodUs: number): number {
  return Math.max(DURATION_S, Math.ceil((MIN_RELEASES * periodUs) / 1e6));
}
const WORK_US = durationOption('--work', values.work) / 1e3;
const PERIODS_US = values.periods.split(',').map((p) => durationOption('--periods', p.trim()) / 1e3);
for (const p of PERIODS_US) {
  if (!Number.isInteger(p) || p < 100)
    fail(`--periods: each period must be a whole number of µs ≥ 100, got ${p}`);
  if (WORK_US >= p / 2) fail(`--work ${WORK_US} µs must stay below half the period (${p} µs)`);
}
if (DURATION_S < 1) fail('--duration: at least 1s');
if (!existsSync(CLI)) fail(`${CLI} not found: run \`npm run build\` first`);

// ---------------------------------------------------------------- figures

/** Nearest-rank percentile of a sorted array. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Figures of a trace (see the header for the definitions). */
function traceFigures(trace: Trace, periodUs: number, durationS: number): Figures {
  const starts = trace.startsUs;
  const n = starts.length;
  const lateness = new Float64Array(n);
  const absLateness = new Float64Array(n);
  const jitter = new Float64Array(Math.max(0, n - 1));
  let missed = 0;
  let bunched = 0;
  for (let i = 0; i < n; i++) {
    const t = starts[i]!;
    lateness[i] = t - (trace.periods?.[i] ?? i) * periodUs;
    absLateness[i] = Math.abs(lateness[i]!);
    if (i > 0) {
      const gap = t - starts[i - 1]!;
      jitter[i - 1] = Math.abs(gap - periodUs);
      if (gap > 1.5 * periodUs) missed++;
      else if (gap < 0.5 * periodUs) bunched++;
    }
  }
  const last = n === 0 ? 0 : lateness[n - 1]!;
  lateness.sort();
  absLateness.sort();
  jitter.sort();
  return {
    p50: quantile(lateness, 0.5),
    p99: quantile(lateness, 0.99),
    p99Abs: quantile(absLateness, 0.99),
    p999: quantile(lateness, 0.999),
    max: n === 0 ? Number.NaN : lateness[n - 1]!,
    jitterP99: quantile(jitter, 0.99),
    runs: n,
    ideal: Math.floor((durationS * 1e6) / periodUs),
    missed,
    bunched,
    driftMs: last / 1000,
    cpuPct: trace.wallUs > 0 ? (100 * trace.cpuUs) / trace.wallUs : Number.NaN,
    note: trace.note ?? '',
  };
}

// ---------------------------------------------------------------- JS timer contenders

/** The child for the timer-based contenders (plain node, no loader). */
const TIMER_CHILD = `
const [kind, periodText, durationText, workText, toadUrl] = process.argv.slice(2);
const periodMs = Number(periodText) / 1000;
const durationMs = Number(durationText) * 1000;
const workMs = Number(workText) / 1000;
const starts = new Float64Array(Math.ceil(durationMs / periodMs) * 3 + 16);
let n = 0;
let sink = 0;
function work(start) {
  let now = start;
  while (now - start < workMs) { now = performance.now(); sink++; }
}
for (let i = 0; i < 2000; i++) work(performance.now());
let t0 = 0, end = 0, cpu0 = null, stop = null;
function task() {
  const t = performance.now();
  if (t >= end) { finish(); return false; }
  starts[n++] = t;
  work(t);
  return true;
}
function finish() {
  if (stop === null) return;
  const wall = performance.now() - (t0 - periodMs);
  const cpu = process.cpuUsage(cpu0);
  stop();
  stop = null;
  const rel = [];
  for (let i = 0; i < n; i++) rel.push(Math.round((starts[i] - t0) * 1000 * 1000) / 1000);
  process.stdout.write(JSON.stringify({ startsUs: rel, cpuUs: cpu.user + cpu.system, wallUs: wall * 1000, note: 'sink ' + (sink > 0) }));
}
async function main() {
  const Toad = kind === 'toad-scheduler' ? await import(toadUrl) : null;
  cpu0 = process.cpuUsage();
  const armed = performance.now();
  t0 = armed + periodMs; // release 0: the first due time
  end = armed + durationMs;
  if (kind === 'setInterval') {
    const h = setInterval(task, periodMs);
    stop = () => clearInterval(h);
  } else if (kind === 'setTimeout') {
    let h = null;
    const tick = () => { if (task()) h = setTimeout(tick, periodMs); };
    h = setTimeout(tick, periodMs);
    stop = () => clearTimeout(h);
  } else if (kind === 'setTimeout-corrected') {
    let h = null;
    let expected = t0;
    const tick = () => {
      if (!task()) return;
      expected += periodMs;
      h = setTimeout(tick, Math.max(0, expected - performance.now()));
    };
    h = setTimeout(tick, periodMs);
    stop = () => clearTimeout(h);
  } else if (kind === 'toad-scheduler') {
    const { ToadScheduler, SimpleIntervalJob, Task } = Toad.default ?? Toad;
    const scheduler = new ToadScheduler();
    scheduler.addSimpleIntervalJob(new SimpleIntervalJob({ milliseconds: periodMs }, new Task('work', () => { task(); })));
    stop = () => scheduler.stop();
  } else {
    throw new Error('unknown contender ' + kind);
  }
}
main();
`;

function timerContender(id: string, label: string): Contender {
  return {
    id,
    label,
    run(periodUs, durationS, tmp) {
      const file = join(tmp, 'timer-child.mjs');
      if (!existsSync(file)) writeFileSync(file, TIMER_CHILD);
      const toad = pathToFileURL(join(ROOT, 'node_modules', 'toad-scheduler', 'dist', 'index.js')).href;
      const r = spawnSync(
        process.execPath,
        [file, id, String(periodUs), String(durationS), String(WORK_US), toad],
        { encoding: 'utf8', timeout: (durationS + 30) * 1000, maxBuffer: 64 * 1024 * 1024 },
      );
      if (r.status !== 0) return `child failed (status ${r.status}): ${r.stderr.slice(0, 400)}`;
      const trace = JSON.parse(r.stdout) as Trace;
      return traceFigures({ ...trace, note: '' }, periodUs, durationS);
    },
  };
}

// ---------------------------------------------------------------- hardtick

/** Task module for `hardtick run`: entry time, frame, release over a channel; then the workload. */
function hardtickTaskModule(workNs: number): string {
  return `import { openChannel } from ${JSON.stringify(pathToFileURL(WORKER_ENTRY).href)};
const out = openChannel('starts', { recordSize: 3, capacity: 65536, direction: 'to-main' });
const rec = new Float64Array(3);
export function task(ctx) {
  const t = ctx.clock.nowNs();
  rec[0] = ctx.frameIndex;
  rec[1] = t;
  rec[2] = ctx.releaseNs;
  out.tryPush(rec, 0);
  let now = t;
  while (now - t < ${workNs}) now = ctx.clock.nowNs();
}
`;
}

/**
 * The \`--channels\` consumer: keeps the records of the measured executive (its frame
 * index restarts at 0 after the warm-up's), samples process.cpuUsage() at its first record and every
 * 100th after it, and writes the trace at exit.
 */
function hardtickConsumer(outFile: string, periodUs: number): string {
  return `import { writeFileSync } from 'node:fs';
const starts = [];
const periods = [];
let t0 = null, prevFrame = -1, cpuFirst = null, wallFirst = 0, cpuLast = null, wallLast = 0, lost = 0;
export function setupChannels(hub) {
  hub.on('starts', (r) => {
    const frame = r[0];
    if (frame < prevFrame) { starts.length = 0; periods.length = 0; t0 = null; cpuFirst = null; } // measured run began
    prevFrame = frame;
    if (t0 === null) { t0 = r[2] - frame * ${periodUs * 1000}; cpuFirst = process.cpuUsage(); wallFirst = performance.now(); }
    starts.push(Math.round(r[1] - t0) / 1000);
    periods.push(frame);
    // CPU and wall at every 100th record, not each: 1000 getrusage calls a second would be the
    // bench's own cost, counted against hardtick.
    if (starts.length % 100 === 1) { cpuLast = process.cpuUsage(); wallLast = performance.now(); }
    lost = hub.lost('starts');
  });
  process.on('exit', () => {
    const cpu = cpuFirst === null ? 0 : cpuLast.user + cpuLast.system - cpuFirst.user - cpuFirst.system;
    writeFileSync(${JSON.stringify(outFile)}, JSON.stringify({ startsUs: starts, periods, cpuUs: cpu, wallUs: (wallLast - wallFirst) * 1000, note: 'lost ' + lost }));
  });
}
`;
}

const hardtickContender: Contender = {
  id: 'hardtick',
  label: 'hardtick run (worker)',
  run(periodUs, durationS, tmp) {
    const dir = join(tmp, `ht-${periodUs}`);
    rmSync(dir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', dir]);
    const out = join(dir, 'trace.json');
    const report = join(dir, 'run.json');
    writeFileSync(join(dir, 'tasks.mjs'), hardtickTaskModule(WORK_US * 1000));
    writeFileSync(join(dir, 'consumer.mjs'), hardtickConsumer(out, periodUs));
    writeFileSync(
      join(dir, 'hardtick.json'),
      JSON.stringify({
        name: `peers-${periodUs}us`,
        tasks: [
          {
            name: 'work',
            period: `${periodUs}us`,
            budget: `${Math.max(WORK_US * 4, 200)}us`,
            run: './tasks.mjs#task',
          },
        ],
        // Timing noise is measured here, not failed on.
        alarms: { fatal: ['task-error'] },
      }),
    );
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'run',
        join(dir, 'hardtick.json'),
        '--duration',
        `${durationS}s`,
        '--channels',
        join(dir, 'consumer.mjs'),
        '--report',
        report,
        '--quiet',
      ],
      { encoding: 'utf8', timeout: (durationS + 300) * 1000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0 || !existsSync(out)) {
      return `hardtick run failed (status ${r.status}): ${(r.stderr || r.stdout).slice(0, 400)}`;
    }
    const trace = JSON.parse(readFileSync(out, 'utf8')) as Trace;
    const env = (
      JSON.parse(readFileSync(report, 'utf8')) as { environment: { clock: string; waiter: string } }
    ).environment;
    return traceFigures({ ...trace, note: `${env.waiter} waiter, ${trace.note}` }, periodUs, durationS);
  },
};

// ---------------------------------------------------------------- bare worker loop

/**
 * The floor of hardtick's own design, not a peer: a worker thread that sleeps with the
 * native addon's absolute sleep to 30 µs before each release, spins to it, records the
 * start and runs the workload; no executive, no measurement, no watchdog, no main-thread
 * poll. Its CPU is what a 1 kHz JavaScript loop with this wake-up costs on the machine.
 */
const BARE_MARGIN_NS = 30_000;
function bareChild(periodUs: number, durationS: number, workUs: number): string {
  const binding = pathToFileURL(join(ROOT, 'dist', 'native', 'binding.js')).href;
  return `import { Worker } from 'node:worker_threads';
const src = \`
const { parentPort } = await import('node:worker_threads');
const { loadNative } = await import(${JSON.stringify(binding)});
const b = loadNative();
if (b === null) throw new Error('the native addon is not built: npm run build:native');
const cell = new Float64Array(new SharedArrayBuffer(8)); b.bindClock(cell);
const target = new Float64Array(1);
const now = () => { b.readClock(); return cell[0]; };
const P = ${periodUs * 1000}, n = Math.floor(${durationS * 1e9} / P);
const starts = new Float64Array(n);
const t0 = now() + P;
parentPort.postMessage('go');
for (let k = 0; k < n; k++) {
  const release = t0 + k * P;
  target[0] = release - ${BARE_MARGIN_NS}; b.sleepUntil(target);
  let t = now(); while (t < release) t = now();
  starts[k] = t - t0;
  let w = t; while (w - t < ${workUs * 1000}) w = now();
}
parentPort.postMessage(starts);
\`;
const w = new Worker(src, { eval: true });
let cpu0 = null, wall0 = 0;
w.on('message', (m) => {
  if (m === 'go') { cpu0 = process.cpuUsage(); wall0 = performance.now(); return; }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const rel = Array.from(m, (x) => Math.round(x) / 1000);
  process.stdout.write(JSON.stringify({ startsUs: rel, cpuUs: cpu.user + cpu.system, wallUs: wall * 1000 }));
  w.terminate();
});
`;
}

const bareContender: Contender = {
  id: 'bare-worker',
  label: 'bare worker loop (native sleep, 30 µs spin; floor)',
  run(periodUs, durationS, tmp) {
    const file = join(tmp, `bare-${periodUs}.mjs`);
    writeFileSync(file, bareChild(periodUs, durationS, WORK_US));
    const r = spawnSync(process.execPath, [file], {
      encoding: 'utf8',
      timeout: (durationS + 30) * 1000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) return `child failed (status ${r.status}): ${r.stderr.slice(0, 400)}`;
    const trace = JSON.parse(r.stdout) as Trace;
    return traceFigures({ ...trace, note: '' }, periodUs, durationS);
  },
};

// ---------------------------------------------------------------- cyclictest

function cyclictestContender(id: string, label: string, policy: 'fifo' | 'other'): Contender {
  return {
    id,
    label,
    run(periodUs, durationS, tmp) {
      const r = runCyclictest({
        periodUs,
        durationS,
        policy,
        jsonFile: join(tmp, `${id}-${periodUs}.json`),
        measureCpu: true,
      });
      if (typeof r === 'string') return r;
      const p99 = cyclictestQuantile(r, 0.99);
      return {
        p50: cyclictestQuantile(r, 0.5),
        p99,
        p99Abs: p99, // wake-ups are never early
        p999: cyclictestQuantile(r, 0.999),
        max: r.max,
        jitterP99: null,
        runs: r.total,
        ideal: Math.floor((durationS * 1e6) / periodUs),
        missed: r.missed,
        bunched: null,
        driftMs: null,
        cpuPct: (100 * (r.cpuUs ?? Number.NaN)) / (durationS * 1e6),
        note: '',
      };
    },
  };
}

// ---------------------------------------------------------------- run

const ALL: Contender[] = [
  hardtickContender,
  timerContender('setInterval', '`setInterval`'),
  timerContender('setTimeout', '`setTimeout` chain (naive)'),
  timerContender('setTimeout-corrected', '`setTimeout` chain, drift-corrected'),
  timerContender('toad-scheduler', 'toad-scheduler `SimpleIntervalJob`'),
  bareContender,
  cyclictestContender('cyclictest-fifo', 'cyclictest -p 80 (FIFO, floor)', 'fifo'),
  cyclictestContender('cyclictest-other', 'cyclictest -p 0 (OTHER, floor)', 'other'),
];

const wanted = values.contenders === undefined ? null : new Set(values.contenders.split(','));
if (wanted !== null) {
  for (const id of wanted) if (!ALL.some((c) => c.id === id)) fail(`--contenders: unknown contender ${id}`);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const skipped: string[] = [];
const contenders = ALL.filter((c) => {
  if (wanted !== null && !wanted.has(c.id)) return false;
  if (c.id.startsWith('cyclictest')) {
    if (platform() !== 'linux' || !which('cyclictest')) {
      skipped.push(`${c.id}: cyclictest not installed (apt-get install rt-tests)`);
      return false;
    }
    if (c.id === 'cyclictest-fifo' && !root) {
      skipped.push(`${c.id}: needs root for SCHED_FIFO`);
      return false;
    }
  }
  return true;
});

const tmp = mkdtempSync(join(tmpdir(), 'hardtick-peers-'));
const results = new Map<number, Map<string, Figures>>();
const errors: string[] = [];
const loadStart = loadavg();
const t0 = Date.now();
console.error(
  `${PERIODS_US.length} period(s) × ${contenders.length} contenders × ${PERIODS_US.map(durationFor).join('/')} s ` +
    `(≈ ${Math.round(PERIODS_US.reduce((s, p) => s + contenders.length * (durationFor(p) + 1.5), 0))} s), load average ${fmtLoad(loadStart)}`,
);
try {
  for (const periodUs of PERIODS_US) {
    const byId = new Map<string, Figures>();
    results.set(periodUs, byId);
    for (const c of contenders) {
      const f = c.run(periodUs, durationFor(periodUs), tmp);
      if (typeof f === 'string') {
        errors.push(`${c.id} @ ${periodUs} µs: ${f}`);
        console.error(`  ${c.id} @ ${periodUs} µs: ERROR ${f}`);
        continue;
      }
      byId.set(c.id, f);
      console.error(
        `  ${periodUs / 1000} ms ${c.id}: p99 ${fmt(f.p99)} µs, p99 |lateness| ${fmt(f.p99Abs)} µs, CPU ${fmt(f.cpuPct)} %, ` +
          `missed ${f.missed}, load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const loadEnd = loadavg();
const wallS = (Date.now() - t0) / 1000;

function fmtLoad(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(' ');
}

function fmt(x: number | null): string {
  if (x === null) return '–';
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function ratio(x: number, base: number): string {
  if (!Number.isFinite(x) || !Number.isFinite(base)) return 'n/a';
  if (base <= 0) return x <= 0 ? '1' : '∞';
  const r = x / base;
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`;
}

/** Per period: hardtick's p99 |lateness| against the best JS peer's, and (at 1 ms) its CPU. */
interface Verdict {
  readonly periodUs: number;
  readonly hardtickP99AbsUs: number | null;
  /** The JS peer with the smallest p99 |lateness|, and that figure. */
  readonly bestPeer: string | null;
  readonly bestPeerP99AbsUs: number | null;
  /** hardtick's p99 |lateness| ≤ every JS peer's measured at this period. */
  readonly leadsEveryPeer: boolean | null;
  readonly hardtickCpuPct: number | null;
  /** At 1 ms: hardtick's CPU ≤ CPU_GOAL_PCT; null at other periods. */
  readonly cpuGoalMet: boolean | null;
}

const verdicts: Verdict[] = [...results].map(([periodUs, byId]) => {
  const ht = byId.get('hardtick');
  const peers = JS_PEERS.map((id) => [id, byId.get(id)] as const).filter(
    (e): e is readonly [string, Figures] => e[1] !== undefined,
  );
  const best = peers.reduce<readonly [string, Figures] | null>(
    (b, e) => (b === null || e[1].p99Abs < b[1].p99Abs ? e : b),
    null,
  );
  return {
    periodUs,
    hardtickP99AbsUs: ht?.p99Abs ?? null,
    bestPeer: best?.[0] ?? null,
    bestPeerP99AbsUs: best?.[1].p99Abs ?? null,
    leadsEveryPeer: ht === undefined || best === null ? null : peers.every(([, f]) => ht.p99Abs <= f.p99Abs),
    hardtickCpuPct: ht?.cpuPct ?? null,
    cpuGoalMet: ht === undefined || periodUs !== 1000 ? null : ht.cpuPct <= CPU_GOAL_PCT,
  };
});

if (values.json) {
  console.log(
    JSON.stringify(
      {
        durationS: DURATION_S,
        durationsS: Object.fromEntries(PERIODS_US.map((p) => [String(p), durationFor(p)])),
        workUs: WORK_US,
        loadStart,
        loadEnd,
        results: Object.fromEntries([...results].map(([p, byId]) => [String(p), Object.fromEntries(byId)])),
        verdicts,
        errors,
        skipped,
      },
      null,
      2,
    ),
  );
} else {
  const lines: string[] = [];
  lines.push(
    `Machine: Node ${process.version}, kernel ${kernelRelease()}, ${cpus().length} CPUs; ` +
      `load average ${fmtLoad(loadStart)} → ${fmtLoad(loadEnd)}; ${PERIODS_US.map((p) => `${durationFor(p)} s`).join(' / ')} per contender and period, ` +
      `workload ${WORK_US} µs; wall ${wallS.toFixed(0)} s.`,
  );
  for (const [periodUs, byId] of results) {
    const ht = byId.get('hardtick');
    lines.push('');
    lines.push(
      `Period ${periodUs / 1000} ms (lateness in µs; × = contender's p99 |lateness| / hardtick's, same run):`,
    );
    lines.push('');
    lines.push(
      '| contender | runs / releases | p50 | p99 | p99 \\|lateness\\| | p99.9 | max | interval jitter p99 | missed (gap > 1.5 P) | bunched (gap < 0.5 P) | drift after N (ms) | CPU % | p99 \\|lateness\\| × | missed × |',
    );
    lines.push(
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const c of contenders) {
      const f = byId.get(c.id);
      if (f === undefined) continue;
      const label = c.id === 'hardtick' ? `**${c.label}**${f.note ? ` (${f.note})` : ''}` : c.label;
      lines.push(
        `| ${label} | ${f.runs} / ${f.ideal} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.p99Abs)} | ${fmt(f.p999)} | ${fmt(f.max)} | ` +
          `${fmt(f.jitterP99)} | ${f.missed} | ${f.bunched === null ? '–' : f.bunched} | ${fmt(f.driftMs)} | ${fmt(f.cpuPct)} | ` +
          `${ht === undefined ? 'n/a' : ratio(f.p99Abs, ht.p99Abs)} | ${ht === undefined ? 'n/a' : ratio(f.missed, ht.missed)} |`,
      );
    }
  }
  lines.push('');
  for (const v of verdicts) {
    if (v.leadsEveryPeer !== null)
      lines.push(
        `${v.periodUs / 1000} ms: hardtick p99 |lateness| ${fmt(v.hardtickP99AbsUs)} µs, best JS peer (${v.bestPeer}) ` +
          `${fmt(v.bestPeerP99AbsUs)} µs (${ratio(v.bestPeerP99AbsUs!, v.hardtickP99AbsUs!)} hardtick's): ` +
          `≤ every JS peer ${v.leadsEveryPeer ? 'met' : '**not met**'}`,
      );
    if (v.cpuGoalMet !== null)
      lines.push(
        `${v.periodUs / 1000} ms: hardtick CPU ${fmt(v.hardtickCpuPct)} % of a core: ≤ ${CPU_GOAL_PCT} % ${v.cpuGoalMet ? 'met' : '**not met**'}`,
      );
  }
  for (const s of skipped) lines.push(`\nskipped: ${s}`);
  for (const e of errors) lines.push(`\nERROR: ${e}`);
  console.log(lines.join('\n'));
}
if (errors.length > 0) process.exitCode = 1;
