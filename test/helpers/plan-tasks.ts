/**
 * Builders for planner tests: ResolvedTask objects straight from numbers (no config
 * loader), a seeded PRNG, and an independent brute-force solver for small task sets.
 */
import type { PlanLimits, ResolvedTask } from '../../src/config/types.js';

/** 1 ms in ns. */
export const MS = 1_000_000;

/** Shorthand task spec; times in ms (may be fractional, converted to integer ns). */
export interface TaskSpecMs {
  readonly name?: string;
  readonly periodMs: number;
  readonly budgetMs: number;
  readonly deadlineMs?: number;
  readonly phaseMs?: number;
}

/** Builds resolved tasks from ms specs (names T1, T2, … unless given). */
export function makeTasks(specs: readonly TaskSpecMs[]): ResolvedTask[] {
  return specs.map((s, index) =>
    makeTaskNs({
      index,
      name: s.name ?? `T${index + 1}`,
      periodNs: Math.round(s.periodMs * MS),
      budgetNs: Math.round(s.budgetMs * MS),
      deadlineNs: Math.round((s.deadlineMs ?? s.periodMs) * MS),
      phaseNs: Math.round((s.phaseMs ?? 0) * MS),
    }),
  );
}

/** A resolved task from ns fields (defaults for everything the planner ignores). */
export function makeTaskNs(t: {
  index: number;
  name: string;
  periodNs: number;
  budgetNs: number;
  deadlineNs?: number;
  phaseNs?: number;
}): ResolvedTask {
  return {
    index: t.index,
    name: t.name,
    periodNs: t.periodNs,
    budgetNs: t.budgetNs,
    deadlineNs: t.deadlineNs ?? t.periodNs,
    phaseNs: t.phaseNs ?? 0,
    run: { spec: `./tasks.mjs#${t.name}`, file: `/tmp/tasks.mjs`, exportName: t.name },
    overrun: { action: 'warn', after: 1, bucket: null, recoverAfter: 10, degraded: null, safeState: null },
  };
}

/** Default limits (as the config loader fills them). */
export const LIMITS: PlanLimits = {
  maxHyperperiodNs: 3_600_000_000_000,
  maxJobs: 1_000_000,
  timeoutMs: 5000,
};

/** Mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BruteJob {
  readonly budget: number;
  /** Frames allowed (table indices), in time order. */
  readonly frames: number[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Hyperperiod, computed naively. */
export function bruteHyperperiod(tasks: readonly ResolvedTask[]): number {
  return tasks.reduce((h, t) => (h / gcd(h, t.periodNs)) * t.periodNs, 1);
}

/** Allowed frames of every job for frame size f, straight from the definition, or null when some job has none. */
function bruteJobs(tasks: readonly ResolvedTask[], h: number, f: number): BruteJob[] | null {
  const frameCount = h / f;
  const out: BruteJob[] = [];
  for (const t of tasks) {
    for (let k = 0; k < h / t.periodNs; k++) {
      const release = t.phaseNs + k * t.periodNs;
      const deadline = release + t.deadlineNs;
      const frames: number[] = [];
      // Walk absolute frames from the release on; stop after one full table.
      for (let u = Math.ceil(release / f); (u + 1) * f <= deadline && frames.length < frameCount; u++) {
        frames.push(u % frameCount);
      }
      if (frames.length === 0) return null;
      out.push({ budget: t.budgetNs, frames });
    }
  }
  return out;
}

/** Whole-job assignment by exhaustive search with a memo (small sets only). */
function bruteWhole(jobs: BruteJob[], frameCount: number, f: number): boolean {
  const caps = new Array<number>(frameCount).fill(f);
  const dead = new Set<string>();
  const order = [...jobs].sort((x, y) => x.frames.length - y.frames.length || y.budget - x.budget);
  const go = (i: number): boolean => {
    if (i === order.length) return true;
    const key = `${i}|${caps.join(',')}`;
    if (dead.has(key)) return false;
    const job = order[i]!;
    for (const q of new Set(job.frames)) {
      if (caps[q]! >= job.budget) {
        caps[q]! -= job.budget;
        if (go(i + 1)) return true;
        caps[q]! += job.budget;
      }
    }
    dead.add(key);
    return false;
  };
  return go(0);
}

/** Sliced assignment = a transportation problem: Edmonds–Karp max-flow on an adjacency matrix. */
function bruteSliced(jobs: BruteJob[], frameCount: number, f: number): boolean {
  const n = 2 + jobs.length + frameCount;
  const cap: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let demand = 0;
  jobs.forEach((job, j) => {
    cap[0]![2 + j] = job.budget;
    demand += job.budget;
    for (const q of job.frames) cap[2 + j]![2 + jobs.length + q] = job.budget;
  });
  for (let q = 0; q < frameCount; q++) cap[2 + jobs.length + q]![1] = f;
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(n).fill(-1);
    prev[0] = 0;
    const queue = [0];
    while (queue.length > 0 && prev[1] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < n; v++) {
        if (prev[v] === -1 && cap[u]![v]! > 0) {
          prev[v] = u;
          queue.push(v);
        }
      }
    }
    if (prev[1] === -1) break;
    let push = Number.POSITIVE_INFINITY;
    for (let v = 1; v !== 0; v = prev[v]!) push = Math.min(push, cap[prev[v]!]![v]!);
    for (let v = 1; v !== 0; v = prev[v]!) {
      cap[prev[v]!]![v]! -= push;
      cap[v]![prev[v]!]! += push;
    }
    flow += push;
  }
  return flow === demand;
}

/**
 * Largest frame size f (with H/f ≤ maxFrames, f ≥ minFrameNs, and f ≥ max budget unless
 * slicing) for which brute force finds a table, or 0 when none. `onlyFrameNs` restricts the
 * search to that one frame size (a fixed `frame`).
 */
export function bruteLargestFrame(
  tasks: readonly ResolvedTask[],
  slicing: boolean,
  maxFrames: number,
  minFrameNs: number,
  onlyFrameNs = 0,
): number {
  const h = bruteHyperperiod(tasks);
  const maxBudget = Math.max(...tasks.map((t) => t.budgetNs));
  for (let frameCount = 1; frameCount <= maxFrames; frameCount++) {
    if (h % frameCount !== 0) continue;
    const f = h / frameCount;
    if (onlyFrameNs !== 0 && f !== onlyFrameNs) continue;
    if (slicing ? f < Math.min(minFrameNs, maxBudget) : f < maxBudget) continue;
    const jobs = bruteJobs(tasks, h, f);
    if (jobs === null) continue;
    if (slicing ? bruteSliced(jobs, frameCount, f) : bruteWhole(jobs, frameCount, f)) return f;
  }
  return 0;
}

/** Harmonic chain of periods from 1 ms to 1 s (each divides the next). */
export const HARMONIC_PERIODS_MS = [1, 2, 10, 20, 100, 200, 1000] as const;

/**
 * `count` tasks with harmonic periods (round-robin over {@link HARMONIC_PERIODS_MS}),
 * budgets for a total utilization of about `utilization` (seeded jitter, whole µs, at
 * most 0.5 ms).
 */
export function harmonicTaskSet(count: number, seed = 1, utilization = 0.6): ResolvedTask[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const periodNs = HARMONIC_PERIODS_MS[index % HARMONIC_PERIODS_MS.length]! * MS;
    const share = (utilization / count) * (0.5 + rnd());
    // Capped at half the shortest period, so f = 1 ms (the shortest period) can hold any job.
    const budgetNs = Math.min(MS / 2, Math.max(1000, Math.floor((periodNs * share) / 1000) * 1000));
    return makeTaskNs({ index, name: `h${index}`, periodNs, budgetNs });
  });
}

/**
 * A non-harmonic set: periods 1, 1, 2, 3, …, 12 ms, so H = lcm(1..12) ms = 27.72 s holds
 * 113 741 jobs; total utilization ≈ `utilization`.
 */
export function nonHarmonicTaskSet(utilization = 0.6): ResolvedTask[] {
  const periodsMs = [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  return periodsMs.map((p, index) => {
    const periodNs = p * MS;
    const budgetNs = Math.floor((periodNs * utilization) / periodsMs.length / 1000) * 1000;
    return makeTaskNs({ index, name: `n${index}`, periodNs, budgetNs });
  });
}
