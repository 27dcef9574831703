/**
 * Assignment with slicing (preemption at frame boundaries; J. Liu, Real-Time Systems §5.8).
 *
 * Method: when a frame boundary exists that no window straddles, the frames are rotated
 * to start there and EDF fills them (exact on a line, see edf.ts). Otherwise (cyclic
 * windows cover every boundary) a max-flow source → job → frame → sink decides
 * feasibility and how much of each wrapping job runs before/after the cut; those two
 * parts then become ordinary line items and EDF lays out the slices. Either way at most
 * one item is split per frame, so slices stay few.
 */
import { type EdfItems, type EdfOutcome, edfFill } from './edf.js';
import { FlowNetwork } from './flow.js';
import { type FrameLayout, type JobSet, lineDeadlinesNs, PlacementBuilder, type Placements } from './jobs.js';

/** Outcome of {@link solveSliced}. */
export type SlicedOutcome =
  | { readonly kind: 'feasible'; readonly placements: Placements }
  | { readonly kind: 'infeasible'; readonly job: number; readonly frame: number }
  | { readonly kind: 'timeout' };

/** Most job→frame edges the flow fallback may build (≈ 40 MB of typed arrays). */
export const MAX_FLOW_EDGES = 2_000_000;

/**
 * Schedules every job, allowing splits at frame boundaries, into frames of capacity f.
 * `job` / `frame` in an infeasible outcome name a job that misses (line frame), or −1 when
 * the flow fallback found the total demand cannot be met.
 */
export function solveSliced(
  jobs: JobSet,
  layout: FrameLayout,
  record: boolean,
  expired: (() => boolean) | null,
): SlicedOutcome | { readonly kind: 'too_large' } {
  const n = jobs.count;
  const frameCount = layout.frameCount;
  const caps = new Float64Array(frameCount).fill(layout.frameNs);
  const rank = lineDeadlinesNs(jobs, layout);
  const placements = record ? new PlacementBuilder(n + frameCount) : null;
  if (!layout.wraps) {
    const items: EdfItems = {
      count: n,
      a: layout.aLine,
      b: layout.bLine,
      workNs: jobs.budgetNs,
      job: identity(n),
      uOffset: new Int32Array(n),
      rank,
    };
    return toOutcome(edfFill(items, caps, layout.cut, placements, expired), items, placements);
  }
  // Cyclic fallback: max-flow decides the split of wrapping jobs across the cut.
  let edgeCount = 0;
  for (let j = 0; j < n; j++) edgeCount += layout.bLine[j]! - layout.aLine[j]! + 1;
  if (edgeCount > MAX_FLOW_EDGES) return { kind: 'too_large' };
  const source = 0;
  const sink = 1;
  const net = new FlowNetwork(2 + n + frameCount, n + edgeCount + frameCount);
  const firstEdge = new Int32Array(n);
  let demand = 0;
  for (let j = 0; j < n; j++) {
    net.addEdge(source, 2 + j, jobs.budgetNs[j]!);
    demand += jobs.budgetNs[j]!;
    for (let u = layout.aLine[j]!; u <= layout.bLine[j]!; u++) {
      const e = net.addEdge(2 + j, 2 + n + ((u + layout.cut) % frameCount), jobs.budgetNs[j]!);
      if (u === layout.aLine[j]) firstEdge[j] = e;
    }
  }
  for (let q = 0; q < frameCount; q++) net.addEdge(2 + n + q, sink, layout.frameNs);
  const flow = net.maxFlow(source, sink, expired);
  if (Number.isNaN(flow)) return { kind: 'timeout' };
  if (flow < demand) return { kind: 'infeasible', job: -1, frame: -1 };
  // Items: non-wrapping jobs as they are; a wrapping job as a tail [a, F−1] and a head [0, b−F].
  const a: number[] = [];
  const b: number[] = [];
  const work: number[] = [];
  const job: number[] = [];
  const off: number[] = [];
  const rk: number[] = [];
  const addItem = (
    first: number,
    last: number,
    workNs: number,
    j: number,
    uOffset: number,
    key: number,
  ): void => {
    a.push(first);
    b.push(last);
    work.push(workNs);
    job.push(j);
    off.push(uOffset);
    rk.push(key);
  };
  for (let j = 0; j < n; j++) {
    const aj = layout.aLine[j]!;
    const bj = layout.bLine[j]!;
    if (bj < frameCount) {
      addItem(aj, bj, jobs.budgetNs[j]!, j, 0, rank[j]!);
      continue;
    }
    let tail = 0;
    // Edges were added in u order, two ids apart (forward + reverse).
    for (let u = aj; u < frameCount; u++) tail += net.flowOn(firstEdge[j]! + 2 * (u - aj));
    const head = jobs.budgetNs[j]! - tail;
    // Tie-break keys: the tail is due at the cut, the head at the job's deadline one table earlier.
    if (tail > 0) addItem(aj, frameCount - 1, tail, j, 0, frameCount * layout.frameNs);
    if (head > 0) addItem(0, bj - frameCount, head, j, frameCount, rank[j]! - frameCount * layout.frameNs);
  }
  const items: EdfItems = {
    count: a.length,
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    workNs: Float64Array.from(work),
    job: Int32Array.from(job),
    uOffset: Int32Array.from(off),
    rank: Float64Array.from(rk),
  };
  return toOutcome(edfFill(items, caps, layout.cut, placements, expired), items, placements);
}

function toOutcome(outcome: EdfOutcome, items: EdfItems, placements: PlacementBuilder | null): SlicedOutcome {
  if (outcome.ok) return { kind: 'feasible', placements: placements ?? new PlacementBuilder(1) };
  if (outcome.reason === 'timeout') return { kind: 'timeout' };
  return { kind: 'infeasible', job: items.job[outcome.item]!, frame: outcome.frame };
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
