/**
 * Assignment of whole jobs to frames (no slicing): a bin-packing-like problem, solved
 * exactly by depth-first branch and bound with a node limit and a clock.
 *
 * Order: jobs by deadline frame, then fewest allowed frames, then largest budget (then
 * task, job). Each job tries its allowed frames earliest first, so the first descent *is*
 * the greedy EDF placement, which succeeds on harmonic and lightly loaded sets without
 * any backtracking. When it does not, the search backtracks with two prunings:
 * - relaxation: when few jobs remain (and the windows form a line), the remaining jobs
 *   must fit with slicing into the remaining capacity (EDF test, edf.ts) — a necessary
 *   condition for a whole placement;
 * - memo: for small frame counts, a (depth, remaining capacities) state proved dead is
 *   never explored again (the remaining subproblem depends on nothing else).
 */
import { type EdfItems, edfFill } from './edf.js';
import { type FrameLayout, type JobSet, lineDeadlinesNs } from './jobs.js';

/** Outcome of one {@link WholeSearch.run}. `frameOfJob` holds each job's line frame. */
export type WholeOutcome =
  | { readonly kind: 'feasible'; readonly frameOfJob: Int32Array; readonly nodes: number }
  | { readonly kind: 'infeasible'; readonly nodes: number }
  | { readonly kind: 'limit'; readonly nodes: number }
  | { readonly kind: 'timeout'; readonly nodes: number };

/** Remaining-job count at or below which the relaxation test runs at every node. */
const RELAX_MAX_JOBS = 256;
/** Frame count at or below which dead states are memoized. */
const MEMO_MAX_FRAMES = 128;
/** Most memoized dead states kept (bounds memory). */
const MEMO_MAX_STATES = 500_000;

/**
 * Exact search for a whole-job assignment for one frame size. Keeps its memo of dead
 * states between runs, so a run with a larger node limit resumes cheaper.
 */
export class WholeSearch {
  private readonly order: Int32Array;
  private readonly rank: Float64Array;
  private readonly memo: Set<string> | null;

  constructor(
    private readonly jobs: JobSet,
    private readonly layout: FrameLayout,
  ) {
    const n = jobs.count;
    const { aLine, bLine } = layout;
    // Counting sort by deadline frame, then the (short) runs by the remaining keys.
    let maxB = 0;
    for (let j = 0; j < n; j++) if (bLine[j]! > maxB) maxB = bLine[j]!;
    const start = new Int32Array(maxB + 2);
    for (let j = 0; j < n; j++) start[bLine[j]! + 1]!++;
    for (let q = 0; q <= maxB; q++) start[q + 1]! += start[q]!;
    const fill = start.slice(0, maxB + 1);
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) order[fill[bLine[j]!]!++] = j;
    const len = (j: number): number => bLine[j]! - aLine[j]!;
    for (let q = 0; q <= maxB; q++) {
      if (start[q + 1]! - start[q]! > 1) {
        order
          .subarray(start[q]!, start[q + 1]!)
          .sort((x, y) => len(x) - len(y) || jobs.budgetNs[y]! - jobs.budgetNs[x]! || x - y);
      }
    }
    this.order = order;
    this.rank = lineDeadlinesNs(jobs, layout);
    this.memo = layout.frameCount <= MEMO_MAX_FRAMES ? new Set() : null;
  }

  /**
   * Searches until a verdict, `jobs + nodeLimit` placements (the first descent alone
   * places every job once), or `expired()` (polled every 1024 placements).
   */
  run(nodeLimit: number, expired: () => boolean): WholeOutcome {
    const { jobs, layout, order, memo } = this;
    const n = jobs.count;
    const frameCount = layout.frameCount;
    const cut = layout.cut;
    const { aLine, bLine } = layout;
    const budget = jobs.budgetNs;
    const caps = new Float64Array(frameCount).fill(layout.frameNs);
    const choice = new Int32Array(n + 1).fill(-1);
    // Relaxation pruning only once the greedy first descent has hit a dead end.
    let relax = false;
    let nodes = 0;
    let i = 0;
    const key = (depth: number): string => `${depth}:${caps.join(',')}`;
    for (;;) {
      if (i === n) {
        const frameOfJob = new Int32Array(n);
        for (let d = 0; d < n; d++) frameOfJob[order[d]!] = choice[d]!;
        return { kind: 'feasible', frameOfJob, nodes };
      }
      if (i < 0) return { kind: 'infeasible', nodes };
      const j = order[i]!;
      const e = budget[j]!;
      let u: number;
      if (choice[i] === -1) {
        if (memo !== null && i > 0 && memo.has(key(i))) {
          i--;
          continue;
        }
        u = aLine[j]!;
      } else {
        const phys = (choice[i]! + cut) % frameCount;
        caps[phys] = caps[phys]! + e;
        u = choice[i]! + 1;
      }
      const last = bLine[j]!;
      while (u <= last && caps[(u + cut) % frameCount]! < e) u++;
      if (u > last) {
        relax = !layout.wraps;
        choice[i] = -1;
        if (memo !== null && i > 0 && memo.size < MEMO_MAX_STATES) memo.add(key(i));
        i--;
        continue;
      }
      const phys = (u + cut) % frameCount;
      caps[phys] = caps[phys]! - e;
      choice[i] = u;
      nodes++;
      if ((nodes & 1023) === 0) {
        if (nodes > n + nodeLimit) return { kind: 'limit', nodes };
        if (expired()) return { kind: 'timeout', nodes };
      }
      if (relax && n - i - 1 <= RELAX_MAX_JOBS && n - i - 1 > 0 && !this.relaxationHolds(i + 1, caps)) {
        continue; // stay at depth i: the next pass undoes this placement and tries the next frame
      }
      i++;
      choice[i] = -1;
    }
  }

  /** Can the jobs at depths ≥ `from` fit with slicing into the remaining capacity? */
  private relaxationHolds(from: number, caps: Float64Array): boolean {
    const { jobs, layout, order, rank } = this;
    const m = jobs.count - from;
    const a = new Int32Array(m);
    const b = new Int32Array(m);
    const work = new Float64Array(m);
    const job = new Int32Array(m);
    const rk = new Float64Array(m);
    for (let q = 0; q < m; q++) {
      const j = order[from + q]!;
      a[q] = layout.aLine[j]!;
      b[q] = layout.bLine[j]!;
      work[q] = jobs.budgetNs[j]!;
      job[q] = j;
      rk[q] = rank[j]!;
    }
    const items: EdfItems = { count: m, a, b, workNs: work, job, uOffset: new Int32Array(m), rank: rk };
    return edfFill(items, caps.slice(), layout.cut, null).ok;
  }
}
