/**
 * Turns placements (job, line frame, budget) into the JSON-friendly frames of a
 * {@link PlanResult}.
 *
 * Within a frame, slots run in order of the job's absolute deadline (relative to that
 * hyperperiod), then task index, then job number, then slice number.
 * `slices` reports, per sliced task, the slice budgets of its first sliced job (lowest
 * job number); a `slices_vary` notice says when other jobs of the task are sliced
 * differently (the frames always hold the exact slices of every job).
 */
import type { ResolvedTask } from '../config/types.js';
import { formatNsList } from './format.js';
import type { FrameLayout, JobSet, Placements } from './jobs.js';
import type { Diagnostic, PlannedFrame, PlannedSlot } from './types.js';

/** Frames, slice report and notices built from a complete set of placements. */
export interface BuiltFrames {
  readonly frames: PlannedFrame[];
  readonly slices: Record<string, number[]>;
  readonly notices: Diagnostic[];
}

/** Builds the frames of a plan. `placements` must give every job exactly its budget. */
export function buildFrames(
  tasks: readonly ResolvedTask[],
  jobs: JobSet,
  layout: FrameLayout,
  placements: Placements,
): BuiltFrames {
  const frameCount = layout.frameCount;
  const hyperperiodNs = jobs.hyperperiodNs;
  // Bucket pieces by job (counting sort), then order each job's pieces in time (line frame).
  const count = new Int32Array(jobs.count + 1);
  for (let i = 0; i < placements.length; i++) count[placements.job[i]! + 1]!++;
  for (let j = 0; j < jobs.count; j++) count[j + 1]! += count[j]!;
  const pos = count.slice(0, jobs.count);
  const byJob = new Int32Array(placements.length);
  for (let i = 0; i < placements.length; i++) byJob[pos[placements.job[i]!]!++] = i;
  const { uLine } = placements;

  const slotsOf: PlannedSlot[][] = Array.from({ length: frameCount }, () => []);
  const firstSliced = new Map<number, number[]>();
  const varied = new Map<number, number>();
  const slicedJobs = new Map<number, number>();
  for (let j = 0; j < jobs.count; j++) {
    const from = count[j]!;
    const to = count[j + 1]!;
    if (to - from > 1) byJob.subarray(from, to).sort((x, y) => uLine[x]! - uLine[y]!);
    const taskIndex = jobs.task[j]!;
    const task = tasks[taskIndex]!;
    for (let q = from; q < to; q++) {
      const p = byJob[q]!;
      const u = uLine[p]!;
      const uOrig = layout.aOrig[j]! + (u - layout.aLine[j]!);
      const hyper = Math.floor(uOrig / frameCount);
      const offsetNs = hyper * hyperperiodNs;
      slotsOf[(u + layout.cut) % frameCount]!.push({
        task: task.name,
        taskIndex: task.index,
        job: jobs.k[j]!,
        slice: q - from,
        budgetNs: placements.budgetNs[p]!,
        releaseNs: jobs.releaseNs[j]! - offsetNs,
        deadlineNs: jobs.deadlineNs[j]! - offsetNs,
        last: q === to - 1,
      });
    }
    if (to - from > 1) {
      const budgets = Array.from(byJob.subarray(from, to), (p) => placements.budgetNs[p]!);
      slicedJobs.set(taskIndex, (slicedJobs.get(taskIndex) ?? 0) + 1);
      const first = firstSliced.get(taskIndex);
      if (first === undefined) firstSliced.set(taskIndex, budgets);
      else if (!sameList(first, budgets)) varied.set(taskIndex, (varied.get(taskIndex) ?? 0) + 1);
    } else if (firstSliced.has(taskIndex)) {
      varied.set(taskIndex, (varied.get(taskIndex) ?? 0) + 1);
    }
  }
  const frames: PlannedFrame[] = [];
  for (let q = 0; q < frameCount; q++) {
    const slots = slotsOf[q]!;
    slots.sort(
      (x, y) =>
        x.deadlineNs - y.deadlineNs || x.taskIndex - y.taskIndex || x.job - y.job || x.slice - y.slice,
    );
    let loadNs = 0;
    for (const s of slots) loadNs += s.budgetNs;
    frames.push({ index: q, startNs: q * layout.frameNs, loadNs, slots });
  }
  // Keyed by task name: no prototype, so no name can collide with an inherited property.
  const slices = Object.create(null) as Record<string, number[]>;
  const notices: Diagnostic[] = [];
  const sortedTasks = [...firstSliced.keys()].sort((x, y) => x - y);
  for (const t of sortedTasks) {
    const task = tasks[t]!;
    slices[task.name] = firstSliced.get(t)!;
    const total = jobs.hyperperiodNs / task.periodNs;
    const sliced = slicedJobs.get(t) ?? 0;
    if (varied.has(t) || sliced !== total) {
      notices.push({
        code: 'slices_vary',
        message: `${task.name}: ${sliced} of ${total} jobs are sliced and not all alike; "slices" shows the first sliced job's ${formatNsList(firstSliced.get(t)!)}, the frames hold every job's slices`,
        task: task.name,
      });
    }
  }
  return { frames, slices, notices };
}

function sameList(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
