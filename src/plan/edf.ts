/**
 * Earliest-deadline-first filling of frames on a line: the exact test (and constructor)
 * for preemption at frame boundaries.
 *
 * Why EDF is enough: with every window an interval of frames on a line, each frame a
 * capacity, and work divisible at frame boundaries, filling frames in time order and
 * giving each frame's capacity to the released, unfinished items with the earliest
 * deadline frame first is optimal (exchange argument: swapping work of a later-deadline
 * item out of an earlier frame never breaks a feasible schedule). It also keeps slices
 * few: in each frame only the item that exhausts the frame's capacity is split.
 */
import { IdHeap } from './heap.js';
import type { PlacementBuilder } from './jobs.js';

/** Items to schedule on the line: intervals of line frames with an amount of work. */
export interface EdfItems {
  readonly count: number;
  /** First / last line frame (inclusive); last ≤ F − 1. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly workNs: Float64Array;
  /** Job id the item belongs to. */
  readonly job: Int32Array;
  /** Added to the line frame when recording a placement (F for the wrapped head of a job). */
  readonly uOffset: Int32Array;
  /** Tie-break among equal deadline frames (lower first; then the lower item index). */
  readonly rank: Float64Array;
}

/** Outcome of {@link edfFill}. */
export type EdfOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'miss'; readonly item: number; readonly frame: number }
  | { readonly ok: false; readonly reason: 'timeout' };

/**
 * Fills `capsNs` (indexed by physical frame; line frame u is physical (u + cut) mod F) with
 * the items, EDF. Consumes capacity in `capsNs`. Pushes the placements into `record` when
 * given. `expired` is polled now and then; when it returns true the fill stops.
 */
export function edfFill(
  items: EdfItems,
  capsNs: Float64Array,
  cut: number,
  record: PlacementBuilder | null,
  expired: (() => boolean) | null = null,
): EdfOutcome {
  const n = items.count;
  if (n === 0) return { ok: true };
  const frameCount = capsNs.length;
  const { a, b, rank } = items;
  // Counting sort of items by first frame.
  let maxA = 0;
  for (let i = 0; i < n; i++) if (a[i]! > maxA) maxA = a[i]!;
  const start = new Int32Array(maxA + 2);
  for (let i = 0; i < n; i++) start[a[i]! + 1]!++;
  for (let t = 0; t <= maxA; t++) start[t + 1]! += start[t]!;
  const byA = new Int32Array(n);
  const fillPos = start.slice(0, maxA + 1);
  for (let i = 0; i < n; i++) byA[fillPos[a[i]!]!++] = i;

  const remNs = Float64Array.from(items.workNs);
  const heap = new IdHeap(
    (x, y) => b[x]! < b[y]! || (b[x] === b[y] && (rank[x]! < rank[y]! || (rank[x] === rank[y] && x < y))),
    64,
  );
  let ptr = 0;
  let t = 0;
  let steps = 0;
  while (ptr < n || heap.size > 0) {
    if (heap.size === 0) t = Math.max(t, a[byA[ptr]!]!);
    while (ptr < n && a[byA[ptr]!]! <= t) {
      const i = byA[ptr++]!;
      if (remNs[i]! > 0) heap.push(i);
    }
    if (expired !== null && (++steps & 4095) === 0 && expired()) return { ok: false, reason: 'timeout' };
    const phys = (t + cut) % frameCount;
    let cap = capsNs[phys]!;
    while (heap.size > 0) {
      const top = heap.peek();
      if (b[top]! < t) return { ok: false, reason: 'miss', item: top, frame: t };
      if (cap <= 0) break;
      const take = Math.min(remNs[top]!, cap);
      if (record !== null) record.push(items.job[top]!, t + items.uOffset[top]!, take);
      remNs[top] = remNs[top]! - take;
      cap -= take;
      if (remNs[top] === 0) heap.pop();
    }
    capsNs[phys] = cap;
    if (heap.size > 0 && b[heap.peek()]! <= t)
      return { ok: false, reason: 'miss', item: heap.peek(), frame: t };
    t++;
  }
  return { ok: true };
}
