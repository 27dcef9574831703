/**
 * cyclictest (rt-tests) for the benches that compare against it (bench/cyclictest.bench.ts,
 * bench/peers.ts): installing it, running one thread at a period, reading its `--json`
 * histogram (1 µs buckets, truncated µs), percentiles by nearest rank, and the releases it
 * skipped (cyclictest, like hardtick, skips releases that passed while it was late).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

/** Histogram range, µs: wake-ups later than this only count as overflows (at the reported max). */
export const CYCLICTEST_HIST_US = 20_000;

/** One cyclictest thread's result. */
export interface CyclictestRun {
  /** [lateness µs, count], ascending. */
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  /** Wake-ups measured (histogram + overflows). */
  readonly total: number;
  /** Largest lateness, µs. */
  readonly max: number;
  /** Releases skipped: a wake-up L µs late skipped ⌊L / period⌋ of them (overflows at the max). */
  readonly missed: number;
  /** User + system CPU of the cyclictest process, µs (null unless `measureCpu`). */
  readonly cpuUs: number | null;
}

/** Options of {@link runCyclictest}. */
export interface CyclictestOptions {
  readonly periodUs: number;
  readonly durationS: number;
  /** `fifo`: `-p 80` (SCHED_FIFO 80, needs root); `other`: `-p 0 --policy=other`. */
  readonly policy: 'fifo' | 'other';
  /** The `--json` output file (overwritten). */
  readonly jsonFile: string;
  /** Leave /dev/cpu_dma_latency alone (`--default-system`) instead of holding it at 0. @default false */
  readonly defaultSystem?: boolean;
  /** Measure the process's CPU time (through bash `times`). @default false */
  readonly measureCpu?: boolean;
}

/** True when `cmd` is on the PATH. */
export function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs rt-tests with apt-get when `cyclictest` is missing (with `apt-get update` and a
 * retry when the first install fails). Returns null when cyclictest is there, else why not.
 */
export function ensureCyclictest(): string | null {
  if (which('cyclictest')) return null;
  if (!which('apt-get')) return 'cyclictest is missing and there is no apt-get to install rt-tests';
  console.error('cyclictest not found: apt-get install -y rt-tests …');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', 'rt-tests'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!install()) {
    console.error('install failed: apt-get update, then retry …');
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  return which('cyclictest') ? null : 'cyclictest is missing and `apt-get install -y rt-tests` failed';
}

/** `cyclictest --help`'s first line (its version). */
export function cyclictestVersion(): string {
  return (spawnSync('cyclictest', ['--help'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0]!.trim();
}

/** Runs one cyclictest thread (`-m -t1 -q -h`, mlockall); the result, or why it failed. */
export function runCyclictest(options: CyclictestOptions): CyclictestRun | string {
  const { periodUs, durationS, jsonFile } = options;
  rmSync(jsonFile, { force: true });
  const args = [
    '-m',
    ...(options.policy === 'fifo' ? ['-p', '80'] : ['-p', '0', '--policy=other']),
    '-i',
    String(periodUs),
    '-t1',
    '-D',
    String(durationS),
    '-q',
    '-h',
    String(CYCLICTEST_HIST_US),
    ...(options.defaultSystem === true ? ['--default-system'] : []),
    `--json=${jsonFile}`,
  ];
  // bash's `times` prints the children's user and system time on its second line.
  const r = options.measureCpu
    ? spawnSync('bash', ['-c', 'cyclictest "$@" >/dev/null && times', 'cyclictest', ...args], {
        encoding: 'utf8',
        timeout: (durationS + 30) * 1000,
      })
    : spawnSync('cyclictest', args, { encoding: 'utf8', timeout: (durationS + 30) * 1000 });
  if (r.status !== 0 || !existsSync(jsonFile)) {
    return `cyclictest ${args.join(' ')} failed (status ${r.status}): ${(r.stderr || r.stdout || '').slice(0, 300)}`;
  }
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
    thread: Record<string, { histogram: Record<string, number>; cycles: number; max: number }>;
  };
  const t = json.thread['0'];
  if (t === undefined) return 'cyclictest --json: no thread 0';
  const buckets = Object.entries(t.histogram)
    .map(([us, n]) => [Number(us), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const inRange = buckets.reduce((s, [, n]) => s + n, 0);
  const total = Math.max(t.cycles, inRange);
  let missed = (total - inRange) * Math.floor(t.max / periodUs);
  for (const [us, n] of buckets) missed += n * Math.floor(us / periodUs);
  let cpuUs: number | null = null;
  if (options.measureCpu) {
    const cpuLine = r.stdout.trim().split('\n').at(-1) ?? '';
    cpuUs = cpuLine
      .split(/\s+/)
      .map((x) => /^(\d+)m([\d.]+)s$/.exec(x))
      .reduce((s, m) => (m === null ? s : s + (Number(m[1]) * 60 + Number(m[2])) * 1e6), 0);
  }
  return { buckets, total, max: t.max, missed, cpuUs };
}

/** Nearest-rank percentile of a run's lateness, µs (overflows count at the max). */
export function cyclictestQuantile(run: CyclictestRun, q: number): number {
  const rank = Math.max(1, Math.ceil(q * run.total - 1e-9));
  let seen = 0;
  for (const [us, n] of run.buckets) {
    seen += n;
    if (seen >= rank) return us;
  }
  return run.max;
}
