/**
 * Jobs of one hyperperiod and their frame windows, in typed arrays (≈100k jobs stay cheap).
 *
 * Semantics (cyclic): job k of task i (k = 0 … H/pᵢ − 1) is released at φᵢ + k·pᵢ and due
 * at release + Dᵢ. The table repeats every H, so a window may run past H: its frames are
 * then taken, modulo H/f, from the start of the next hyperperiod (the job "wraps").
 * A job may use frame u (unwrapped index, frame u covers [u·f, (u+1)·f)) when
 * u·f ≥ release and (u+1)·f ≤ deadline. A window longer than H is capped to H/f frames.
 *
 * "Line" coordinates: the frames are rotated by a cut c (a frame boundary that no window
 * straddles, when one exists) so every window is an interval [aLine, bLine] of 0 … F−1 and
 * the problem is a scheduling problem on a line, where EDF is optimal. When no such cut
 * exists (`wraps`), some windows end past F−1 and frame u of the line is physical frame
 * (u + c) mod F.
 */
import type { ResolvedTask } from '../config/types.js';

/** All jobs of one hyperperiod (index = job id, ordered by task then k). */
export interface JobSet {
  readonly count: number;
  readonly hyperperiodNs: number;
  /** Task index per job. */
  readonly task: Int32Array;
  /** Job number k within its task. */
  readonly k: Int32Array;
  readonly releaseNs: Float64Array;
  /** Absolute deadline (may exceed H). */
  readonly deadlineNs: Float64Array;
  readonly budgetNs: Float64Array;
}

/** Builds the jobs of one hyperperiod. `tasks[i].index` need not equal i; the position is used. */
export function buildJobs(tasks: readonly ResolvedTask[], hyperperiodNs: number, jobCount: number): JobSet {
  const task = new Int32Array(jobCount);
  const k = new Int32Array(jobCount);
  const releaseNs = new Float64Array(jobCount);
  const deadlineNs = new Float64Array(jobCount);
  const budgetNs = new Float64Array(jobCount);
  let j = 0;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    const n = hyperperiodNs / t.periodNs;
    for (let q = 0; q < n; q++) {
      task[j] = i;
      k[j] = q;
      releaseNs[j] = t.phaseNs + q * t.periodNs;
      deadlineNs[j] = releaseNs[j]! + t.deadlineNs;
      budgetNs[j] = t.budgetNs;
      j++;
    }
  }
  return { count: jobCount, hyperperiodNs, task, k, releaseNs, deadlineNs, budgetNs };
}

/** Frame windows of every job for one frame size, in line coordinates (see module comment). */
export interface FrameLayout {
  readonly frameNs: number;
  readonly frameCount: number;
  /** The cut: line frame u is physical frame (u + cut) mod F. */
  readonly cut: number;
  /** True when no boundary is free of windows, so some windows end past F − 1 on the line. */
  readonly wraps: boolean;
  /** First allowed frame per job, unwrapped (u·f ≥ release), before rotation. */
  readonly aOrig: Float64Array;
  /** First / last allowed frame per job on the line (bLine may be ≥ F only when `wraps`). */
  readonly aLine: Int32Array;
  readonly bLine: Int32Array;
}

/**
 * Computes every job's window for frame size `frameNs`. Returns null when some job has no
 * whole frame in its window (the frame-size constraint should have excluded that f).
 */
export function layoutJobs(jobs: JobSet, frameNs: number): FrameLayout | null {
  const n = jobs.count;
  const frameCount = jobs.hyperperiodNs / frameNs;
  const aOrig = new Float64Array(n);
  const len = new Int32Array(n);
  // Boundary coverage (boundary b sits between frames b−1 and b, modulo F) as a difference array.
  const diff = new Int32Array(frameCount + 1);
  for (let j = 0; j < n; j++) {
    const a = Math.ceil(jobs.releaseNs[j]! / frameNs);
    const last = Math.floor(jobs.deadlineNs[j]! / frameNs) - 1;
    if (last < a) return null;
    const l = Math.min(last - a + 1, frameCount);
    aOrig[j] = a;
    len[j] = l;
    if (l > 1) {
      const s = (a + 1) % frameCount;
      const e = s + l - 1;
      diff[s]!++;
      if (e <= frameCount) diff[e]!--;
      else {
        diff[frameCount]!--;
        diff[0]!++;
        diff[e - frameCount]!--;
      }
    }
  }
  let cut = 0;
  let best = Number.POSITIVE_INFINITY;
  let cover = 0;
  for (let b = 0; b < frameCount; b++) {
    cover += diff[b]!;
    if (cover < best) {
      best = cover;
      cut = b;
      if (cover === 0) break;
    }
  }
  const aLine = new Int32Array(n);
  const bLine = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const a = (((aOrig[j]! - cut) % frameCount) + frameCount) % frameCount;
    aLine[j] = a;
    bLine[j] = a + len[j]! - 1;
  }
  return { frameNs, frameCount, cut, wraps: best > 0, aOrig, aLine, bLine };
}

/**
 * Pieces of jobs placed in frames, struct-of-arrays: piece i is `budgetNs[i]` of job
 * `job[i]` in line frame `uLine[i]` (≥ F for the wrapped head of a job).
 */
export interface Placements {
  readonly length: number;
  readonly job: Int32Array;
  readonly uLine: Int32Array;
  readonly budgetNs: Float64Array;
}

/** Growable {@link Placements} (doubling typed arrays). */
export class PlacementBuilder {
  length = 0;
  job: Int32Array;
  uLine: Int32Array;
  budgetNs: Float64Array;

  constructor(capacity = 1024) {
    this.job = new Int32Array(capacity);
    this.uLine = new Int32Array(capacity);
    this.budgetNs = new Float64Array(capacity);
  }

  /** Appends one piece. */
  push(job: number, uLine: number, budgetNs: number): void {
    if (this.length === this.job.length) {
      const m = this.length * 2;
      const j = new Int32Array(m);
      const u = new Int32Array(m);
      const b = new Float64Array(m);
      j.set(this.job);
      u.set(this.uLine);
      b.set(this.budgetNs);
      this.job = j;
      this.uLine = u;
      this.budgetNs = b;
    }
    this.job[this.length] = job;
    this.uLine[this.length] = uLine;
    this.budgetNs[this.length] = budgetNs;
    this.length++;
  }
}

/** Each job's absolute deadline shifted into line coordinates (the EDF tie-break key). */
export function lineDeadlinesNs(jobs: JobSet, layout: FrameLayout): Float64Array {
  const out = new Float64Array(jobs.count);
  for (let j = 0; j < jobs.count; j++) {
    out[j] = jobs.deadlineNs[j]! - (layout.aOrig[j]! - layout.aLine[j]!) * layout.frameNs;
  }
  return out;
}
