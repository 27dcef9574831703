/**
 * Benchmark 6(a) of issue 4: `hardtick jitter` vs `cyclictest` (rt-tests) at a 1 ms period,
 * in the same run, interleaved.
 *
 *   npm run build && npx tsx bench/cyclictest.bench.ts
 *   npx tsx bench/cyclictest.bench.ts [--runs 1] [--rounds 4] [--segment 5] [--dma on|off]
 *                                     [--timer-slack 1|default] [--variants a,b,…] [--json]
 *
 * `--runs N` repeats the whole measurement N times and ends with how many runs met each
 * goal (issue 15: native + FIFO p99 ≤ 1.2× cyclictest -p 80 in at least 4 of 5 runs:
 * `--runs 5 --variants ct-fifo,ht-native-fifo`).
 *
 * Variants (each segment is one child process, so every variant pays its own start-up and
 * nothing of the bench process runs meanwhile; the bench only waits):
 * - `ct-fifo`     cyclictest -m -p 80 -i 1000 -t1 -D <s> -q -h 20000 --json=<tmp>
 *                 (SCHED_FIFO 80, clock_nanosleep TIMER_ABSTIME — the floor);
 * - `ct-other`    the same with `-p 0 --policy=other` (SCHED_OTHER, no priority);
 * - `ht-native-fifo`   chrt -f 80 node dist/cli/main.js jitter --waiter native (native addon:
 *                 clock_nanosleep TIMER_ABSTIME to release − the learned margin, then spin;
 *                 the margin covers the p99 of the wake-up lateness, at most 5 % of the
 *                 wait, far below the 95 % RT-throttling budget);
 * - `ht-native`   the same without chrt (SCHED_OTHER);
 * - `ht-js`       HARDTICK_NATIVE=0 … jitter --waiter hybrid (pure JS: Atomics.wait to
 *                 release − 200 µs, then spin on performance.now()), SCHED_OTHER;
 * - `ht-native-fifo-m0` extra: native under FIFO with `--margin 0` (clock_nanosleep only, no
 *                 spin): the same wake-up mechanism as cyclictest, so it shows what Node and
 *                 the addon add on top of the kernel's wake-up latency.
 * Each round runs every variant once for `--segment` seconds, the order rotated by one each
 * round; the table gives, per variant, the median over rounds of each figure.
 *
 * Fairness:
 * - cyclictest holds /dev/cpu_dma_latency at 0 by default; hardtick jitter does not touch it.
 *   Here cyclictest always runs with `--default-system` (does not touch it) and the bench
 *   itself holds it for ALL variants: `--dma on` (default) opens it, writes a 4-byte 0 and
 *   keeps the fd open for the whole run; `--dma off` leaves it alone. The effective system-
 *   wide value is read before every segment and reported (another process may hold it).
 * - Timer slack: hardtick jitter lowers its own to 1 ns; cyclictest under SCHED_OTHER would
 *   keep the default 50 µs (FIFO threads have none). `--timer-slack 1` (default) lowers the
 *   bench's slack to 1 ns before spawning, so every child inherits it; `default` keeps 50 µs
 *   for the cyclictest children (hardtick still lowers its own).
 * - cyclictest runs with -m (mlockall); hardtick jitter does not lock memory.
 * - Lateness: cyclictest's histogram has 1 µs buckets (truncated µs); hardtick reports ns
 *   from a log histogram (≤ 0.4 % relative error). All figures here are µs, nearest rank.
 * - Missed: both skip releases that passed while the thread was late (cyclictest's rule,
 *   copied by measureJitter). hardtick reports the count; for cyclictest it is derived from
 *   the histogram: a wake-up L µs late skipped floor(L / 1000) releases (samples beyond the
 *   20 ms histogram range are taken at the reported max). missed % = skipped / (woken + skipped).
 *
 * Needs Linux and root (SCHED_FIFO, /dev/cpu_dma_latency, apt-get); otherwise it says so and
 * exits 0. Installs rt-tests with apt-get when cyclictest is missing.
 * Default: 4 rounds × 6 variants × 5 s ≈ 2 min 20 s per run.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, release as kernelRelease, loadavg, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cyclictestQuantile,
  cyclictestVersion,
  ensureCyclictest,
  runCyclictest,
  which,
} from './helpers/cyclictest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ADDON = join(ROOT, 'build', 'Release', 'hardtick.node');
const PERIOD_US = 1000;

interface Figures {
  /** Lateness in µs. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Wake-ups measured. */
  count: number;
  /** Releases skipped. */
  missed: number;
  /** Effective /dev/cpu_dma_latency (µs) read just before the segment, null if unreadable. */
  dmaUs: number | null;
  /** 1-minute load average just before the segment. */
  load1: number;
}

interface Variant {
  readonly id: string;
  readonly label: string;
  readonly needsAddon: boolean;
  run(seconds: number, tmp: string): Figures | string;
}

// ---------------------------------------------------------------- options

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '4' },
    segment: { type: 'string', default: '5' },
    dma: { type: 'string', default: 'on' },
    'timer-slack': { type: 'string', default: '1' },
    variants: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: npx tsx bench/cyclictest.bench.ts [--runs 1] [--rounds 4] [--segment 5] [--dma on|off] ' +
      '[--timer-slack 1|default] [--variants ct-fifo,ct-other,ht-native-fifo,ht-native,ht-js,ht-native-fifo-m0] [--json]',
  );
  process.exit(0);
}
const RUNS = positiveInt('--runs', values.runs);
const ROUNDS = positiveInt('--rounds', values.rounds);
const SEGMENT_S = positiveInt('--segment', values.segment);
if (values.dma !== 'on' && values.dma !== 'off') fail(`--dma: expected on or off, got ${values.dma}`);
const SLACK = values['timer-slack'];
if (SLACK !== '1' && SLACK !== 'default') fail(`--timer-slack: expected 1 or default, got ${SLACK}`);

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${name}: expected a positive integer, got ${text}`);
  return n;
}

function fail(message: string): never {
  console.error(`cyclictest.bench: ${message}`);
  process.exit(2);
}

function skip(message: string): never {
  console.log(`cyclictest.bench: skipped — ${message}`);
  process.exit(0);
}

// ---------------------------------------------------------------- prerequisites

if (platform() !== 'linux') skip(`needs Linux (this is ${platform()})`);
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  skip('needs root (SCHED_FIFO via chrt, /dev/cpu_dma_latency, apt-get install rt-tests)');
}
if (!existsSync(CLI)) fail(`${CLI} not found: run \`npm run build\` first`);

const missing = ensureCyclictest();
if (missing !== null) skip(missing);
if (!which('chrt')) skip('chrt (util-linux) is missing');

const ctVersion = cyclictestVersion();
const hasAddon = existsSync(ADDON);

// ---------------------------------------------------------------- system knobs

let dmaFd: number | null = null;
if (values.dma === 'on') {
  try {
    dmaFd = openSync('/dev/cpu_dma_latency', 'w');
    const zero = Buffer.alloc(4);
    zero.writeInt32LE(0, 0);
    writeSync(dmaFd, zero);
  } catch (error) {
    fail(`--dma on: cannot hold /dev/cpu_dma_latency at 0 (${(error as Error).message})`);
  }
}

/** The system-wide effective cpu_dma_latency (µs): reading the device returns it. */
function readDmaUs(): number | null {
  let fd: number | null = null;
  try {
    fd = openSync('/dev/cpu_dma_latency', 'r');
    const buf = Buffer.alloc(4);
    if (readSync(fd, buf, 0, 4, null) !== 4) return null;
    return buf.readInt32LE(0);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

let slackNote = 'default (50 µs) for cyclictest; hardtick jitter lowers its own to 1 ns';
if (SLACK === '1') {
  try {
    writeFileSync('/proc/self/timerslack_ns', '1');
    const seen = spawnSync('cat', ['/proc/self/timerslack_ns'], { encoding: 'utf8' }).stdout.trim();
    slackNote = `1 ns for every child (inherited from the bench; a child reads ${seen})`;
  } catch (error) {
    slackNote = `could not lower (${(error as Error).message}): default for cyclictest`;
  }
}

function cpuidleDriver(): string {
  try {
    return readFileSync('/sys/devices/system/cpu/cpuidle/current_driver', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------- variants

function snapshot(): { dmaUs: number | null; load1: number } {
  return { dmaUs: readDmaUs(), load1: loadavg()[0]! };
}

function cyclictestVariant(id: string, label: string, policy: 'fifo' | 'other'): Variant {
  return {
    id,
    label,
    needsAddon: false,
    run(seconds, tmp) {
      const snap = snapshot();
      const r = runCyclictest({
        periodUs: PERIOD_US,
        durationS: seconds,
        policy,
        jsonFile: join(tmp, `${id}.json`),
        defaultSystem: true,
      });
      if (typeof r === 'string') return r;
      return {
        p50: cyclictestQuantile(r, 0.5),
        p99: cyclictestQuantile(r, 0.99),
        p999: cyclictestQuantile(r, 0.999),
        max: r.max,
        count: r.total,
        missed: r.missed,
        ...snap,
      };
    },
  };
}

function hardtickVariant(
  id: string,
  label: string,
  opts: { fifo: boolean; waiter: string; native: boolean; margin?: string },
): Variant {
  return {
    id,
    label,
    needsAddon: opts.native,
    run(seconds) {
      const jitter = [
        CLI,
        'jitter',
        '--period',
        '1ms',
        '--duration',
        `${seconds}s`,
        '--waiter',
        opts.waiter,
        '--json',
      ];
      if (opts.margin !== undefined) jitter.push('--margin', opts.margin);
      const [cmd, args] = opts.fifo
        ? ['chrt', ['-f', '80', process.execPath, ...jitter]]
        : [process.execPath, jitter];
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (opts.native) delete env.HARDTICK_NATIVE;
      else env.HARDTICK_NATIVE = '0';
      const snap = snapshot();
      const r = spawnSync(cmd, args as string[], { encoding: 'utf8', env, timeout: (seconds + 30) * 1000 });
      if (r.status !== 0)
        return `${cmd} ${(args as string[]).join(' ')} failed (status ${r.status}): ${r.stderr.slice(0, 300)}`;
      const j = JSON.parse(r.stdout) as {
        count: number;
        missedPeriods: number;
        latenessNs: { p50: number; p99: number; p999: number; max: number };
        backend: { waiter: string };
      };
      const expected = opts.native ? 'native-abs' : 'hybrid';
      if (j.backend.waiter !== expected) return `expected the ${expected} waiter, got ${j.backend.waiter}`;
      return {
        p50: j.latenessNs.p50 / 1000,
        p99: j.latenessNs.p99 / 1000,
        p999: j.latenessNs.p999 / 1000,
        max: j.latenessNs.max / 1000,
        count: j.count,
        missed: j.missedPeriods,
        ...snap,
      };
    },
  };
}

const ALL: Variant[] = [
  cyclictestVariant('ct-fifo', 'cyclictest -p 80 (FIFO)', 'fifo'),
  cyclictestVariant('ct-other', 'cyclictest -p 0 (OTHER)', 'other'),
  hardtickVariant('ht-native-fifo', 'hardtick native, chrt -f 80', {
    fifo: true,
    waiter: 'native',
    native: true,
  }),
  hardtickVariant('ht-native', 'hardtick native (OTHER)', { fifo: false, waiter: 'native', native: true }),
  hardtickVariant('ht-js', 'hardtick pure-JS hybrid (OTHER)', {
    fifo: false,
    waiter: 'hybrid',
    native: false,
  }),
  hardtickVariant('ht-native-fifo-m0', 'hardtick native margin 0, chrt -f 80', {
    fifo: true,
    waiter: 'native',
    native: true,
    margin: '0',
  }),
];

const wanted = values.variants === undefined ? null : new Set(values.variants.split(','));
if (wanted !== null) {
  for (const id of wanted) if (!ALL.some((v) => v.id === id)) fail(`--variants: unknown variant ${id}`);
}
const variants = ALL.filter((v) => (wanted === null || wanted.has(v.id)) && (!v.needsAddon || hasAddon));
if (!hasAddon) {
  console.error(`native addon ${ADDON} not built (npm run build:native): native variants skipped`);
}

// ---------------------------------------------------------------- run

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

function fmtLoad(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(' / ');
}

interface Row {
  id: string;
  label: string;
  rounds: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  missedPct: number;
  p99PerRound: number[];
}

interface Ratio {
  readonly name: string;
  readonly goal: number | null;
  /** Ratio of the round medians, and the same-round ratios (rounds are interleaved). */
  readonly r: { median: number; perRound: number[] } | null;
}

interface RunResult {
  readonly run: number;
  readonly loadStart: number[];
  readonly loadEnd: number[];
  readonly wallS: number;
  readonly rows: Row[];
  readonly ratios: Ratio[];
  readonly raw: Record<string, Figures[]>;
  readonly dmaSeen: string;
}

/** One run: `ROUNDS` rounds of every variant, interleaved; medians per variant and the goal ratios. */
function measureRun(run: number, tmp: string, errors: string[]): RunResult {
  const results = new Map<string, Figures[]>(variants.map((v) => [v.id, []]));
  const loadStart = loadavg();
  const t0 = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const v of order) {
      const r = v.run(SEGMENT_S, tmp);
      if (typeof r === 'string') {
        errors.push(`run ${run} round ${round + 1} ${v.id}: ${r}`);
        console.error(`  run ${run} round ${round + 1} ${v.id}: ERROR ${r}`);
        continue;
      }
      results.get(v.id)!.push(r);
      console.error(
        `  run ${run} round ${round + 1} ${v.id.padEnd(18)} p50 ${fmt(r.p50)} p99 ${fmt(r.p99)} p99.9 ${fmt(r.p999)} ` +
          `max ${fmt(r.max)} µs, missed ${r.missed}/${r.count + r.missed}, dma ${r.dmaUs ?? '?'}, load ${r.load1.toFixed(2)}`,
      );
    }
  }
  const rows: Row[] = variants.map((v) => {
    const rs = results.get(v.id)!;
    return {
      id: v.id,
      label: v.label,
      rounds: rs.length,
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      p999: median(rs.map((r) => r.p999)),
      max: median(rs.map((r) => r.max)),
      missedPct: median(rs.map((r) => (100 * r.missed) / Math.max(1, r.count + r.missed))),
      p99PerRound: rs.map((r) => r.p99),
    };
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ratio = (num: string, den: string): Ratio['r'] => {
    const a = byId.get(num);
    const b = byId.get(den);
    if (a === undefined || b === undefined) return null;
    const n = Math.min(a.p99PerRound.length, b.p99PerRound.length);
    const perRound: number[] = [];
    for (let i = 0; i < n; i++) perRound.push(a.p99PerRound[i]! / b.p99PerRound[i]!);
    return { median: a.p99 / b.p99, perRound };
  };
  return {
    run,
    loadStart,
    loadEnd: loadavg(),
    wallS: (Date.now() - t0) / 1000,
    rows,
    ratios: [
      { name: 'native+FIFO p99 / cyclictest -p 80 p99', goal: 1.2, r: ratio('ht-native-fifo', 'ct-fifo') },
      { name: 'pure-JS p99 / cyclictest no-prio p99', goal: 2, r: ratio('ht-js', 'ct-other') },
      {
        name: '(extra) native OTHER p99 / cyclictest no-prio p99',
        goal: null,
        r: ratio('ht-native', 'ct-other'),
      },
      {
        name: '(extra) native margin 0 + FIFO p99 / cyclictest -p 80 p99',
        goal: null,
        r: ratio('ht-native-fifo-m0', 'ct-fifo'),
      },
    ],
    raw: Object.fromEntries(results),
    dmaSeen: [...new Set([...results.values()].flat().map((r) => r.dmaUs))].join(', '),
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'hardtick-ct-'));
const errors: string[] = [];
const runs: RunResult[] = [];
const estimate = RUNS * ROUNDS * variants.length * (SEGMENT_S + 0.4);
console.error(
  `${RUNS} run(s) × ${ROUNDS} rounds × ${variants.length} variants × ${SEGMENT_S} s (≈ ${Math.round(estimate)} s), ` +
    `load average ${fmtLoad(loadavg())}`,
);
try {
  for (let run = 1; run <= RUNS; run++) runs.push(measureRun(run, tmp, errors));
} finally {
  if (dmaFd !== null) closeSync(dmaFd);
  rmSync(tmp, { recursive: true, force: true });
}

/** Per goal ratio: runs that met it, of the runs that measured it. */
const verdicts = runs[0]!.ratios
  .map((ratio, i) => {
    const measured = runs.map((r) => r.ratios[i]!.r).filter((r) => r !== null);
    const met = ratio.goal === null ? 0 : measured.filter((r) => r.median <= ratio.goal!).length;
    return { name: ratio.name, goal: ratio.goal, met, of: measured.length };
  })
  .filter((v) => v.of > 0);

if (values.json) {
  console.log(
    JSON.stringify(
      {
        config: { runs: RUNS, rounds: ROUNDS, segmentS: SEGMENT_S, dma: values.dma, slack: SLACK },
        runs,
        verdicts,
        errors,
      },
      null,
      2,
    ),
  );
  process.exit(errors.length > 0 ? 1 : 0);
}

const lines: string[] = [];
lines.push(
  `Node ${process.version}, kernel ${kernelRelease()}, ${cpus().length} CPUs, cpuidle driver ${cpuidleDriver()}, ${ctVersion}`,
);
lines.push(
  `${ROUNDS} rounds × ${SEGMENT_S} s per variant and run, period 1 ms, order rotated; ` +
    `/dev/cpu_dma_latency: ${values.dma === 'on' ? 'held at 0 by the bench for all variants' : 'not touched by the bench'}; ` +
    `timer slack: ${slackNote}`,
);
for (const run of runs) {
  lines.push('');
  lines.push(
    `Run ${run.run}: wall ${run.wallS.toFixed(0)} s, load average (1/5/15 min) ${fmtLoad(run.loadStart)} → ${fmtLoad(run.loadEnd)}, ` +
      `effective /dev/cpu_dma_latency ${run.dmaSeen} µs`,
  );
  lines.push('');
  lines.push('| variant | p50 µs | p99 µs | p99.9 µs | max µs | missed % | rounds |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of run.rows) {
    lines.push(
      `| ${r.label} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.p999)} | ${fmt(r.max)} | ${r.missedPct.toFixed(2)} | ${r.rounds} |`,
    );
  }
  lines.push('');
  lines.push('| ratio (p99) | median-based | same-round ratios | goal |');
  lines.push('| --- | ---: | --- | ---: |');
  for (const { name, goal, r } of run.ratios) {
    if (r === null) continue;
    const verdict = goal === null ? '–' : `≤ ${goal}× ${r.median <= goal ? 'met' : '**not met**'}`;
    lines.push(
      `| ${name} | ${r.median.toFixed(2)}× | ${r.perRound.map((x) => x.toFixed(2)).join(' / ')} | ${verdict} |`,
    );
  }
}
lines.push('');
for (const v of verdicts) {
  if (v.goal === null) continue;
  lines.push(`${v.name} ≤ ${v.goal}×: met in ${v.met} of ${v.of} run(s)`);
}
if (errors.length > 0) {
  lines.push('');
  lines.push(`errors (${errors.length}):`);
  for (const e of errors) lines.push(`- ${e}`);
}
console.log(lines.join('\n'));
process.exit(errors.length > 0 ? 1 : 0);
