/**
 * An independent checker for plans. It shares no code with the planner (own gcd, own
 * window arithmetic) so a planner bug cannot hide behind the same bug here.
 */
import type { ResolvedTask } from '../config/types.js';
import type { PlannedSlot, PlanResult } from './types.js';

/** A slot with the absolute time of the frame occurrence it stands for. */
interface SlotAt {
  readonly slot: PlannedSlot;
  /** Absolute start of the slot's frame on the unrolled timeline. */
  readonly absStartNs: number;
}

/**
 * Validates a feasible plan against its task set and returns the problems found (empty =
 * valid). Checks: H = lcm of periods; f divides H; there are H/f frames with
 * `startNs = index·f` and `loadNs` = the sum of their slot budgets ≤ f; every slot names
 * a real task and job with the right release and deadline; every job k of every task
 * (released φ + k·p, due D later) receives exactly its budget, in slices numbered 0…n−1
 * that lie in frames wholly inside [release, deadline] — cyclically: a frame j of the table
 * stands for the times j·f + m·H, and the earliest such time at or after the release is
 * used, so windows crossing H use frames at the start — in strictly increasing time,
 * with `last` set on the final slice only.
 */
export function validatePlan(plan: PlanResult, tasks: readonly ResolvedTask[]): string[] {
  const problems: string[] = [];
  const add = (msg: string): void => {
    if (problems.length < 200) problems.push(msg);
  };
  if (!plan.feasible) return ['plan is not feasible'];
  let h = 1;
  for (const t of tasks) h = (h / gcd(h, t.periodNs)) * t.periodNs;
  if (plan.hyperperiodNs !== h) add(`hyperperiod ${plan.hyperperiodNs} ≠ lcm of periods ${h}`);
  const f = plan.frameNs;
  if (!(f > 0) || h % f !== 0) {
    add(`frame ${f} does not divide the hyperperiod ${h}`);
    return problems;
  }
  const frameCount = h / f;
  if (plan.frames.length !== frameCount) add(`${plan.frames.length} frames, expected H/f = ${frameCount}`);

  const byName = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) byName.set(tasks[i]!.name, i);
  const pieces = new Map<string, SlotAt[]>();
  plan.frames.forEach((frame, j) => {
    if (frame.index !== j) add(`frame ${j} has index ${frame.index}`);
    if (frame.startNs !== j * f) add(`frame ${j} starts at ${frame.startNs}, expected ${j * f}`);
    let load = 0;
    for (const slot of frame.slots) {
      load += slot.budgetNs;
      const ti = byName.get(slot.task);
      if (ti === undefined) {
        add(`frame ${j}: unknown task ${slot.task}`);
        continue;
      }
      const t = tasks[ti]!;
      if (slot.taskIndex !== t.index)
        add(`frame ${j}: ${slot.task} has taskIndex ${slot.taskIndex}, expected ${t.index}`);
      if (!Number.isInteger(slot.job) || slot.job < 0 || slot.job >= h / t.periodNs) {
        add(`frame ${j}: ${slot.task} job ${slot.job} does not exist`);
        continue;
      }
      if (!(slot.budgetNs > 0))
        add(`frame ${j}: ${slot.task} job ${slot.job} has a slot budget ${slot.budgetNs}`);
      const release = t.phaseNs + slot.job * t.periodNs;
      const deadline = release + t.deadlineNs;
      // Earliest occurrence of frame j (at j·f + m·H) starting at or after the release.
      const m = Math.ceil((release - j * f) / h);
      const absStart = j * f + m * h;
      if (absStart + f > deadline) {
        add(
          `frame ${j}: ${slot.task} job ${slot.job} (window [${release}, ${deadline}]) does not fit in this frame`,
        );
      }
      if (slot.releaseNs !== release - m * h || slot.deadlineNs !== deadline - m * h) {
        add(
          `frame ${j}: ${slot.task} job ${slot.job} reports release/deadline ${slot.releaseNs}/${slot.deadlineNs}, expected ${release - m * h}/${deadline - m * h}`,
        );
      }
      const key = `${ti}:${slot.job}`;
      let list = pieces.get(key);
      if (list === undefined) pieces.set(key, (list = []));
      list.push({ slot, absStartNs: absStart });
    }
    if (load !== frame.loadNs) add(`frame ${j}: loadNs ${frame.loadNs} ≠ sum of slots ${load}`);
    if (load > f) add(`frame ${j}: load ${load} exceeds the frame size ${f}`);
  });

  tasks.forEach((t, ti) => {
    const jobs = h / t.periodNs;
    for (let k = 0; k < jobs; k++) {
      const list = pieces.get(`${ti}:${k}`) ?? [];
      let sum = 0;
      for (const p of list) sum += p.slot.budgetNs;
      if (sum !== t.budgetNs) {
        add(`${t.name} job ${k} receives ${sum} ns, budget ${t.budgetNs} ns`);
        continue;
      }
      const ordered = [...list].sort((x, y) => x.slot.slice - y.slot.slice);
      ordered.forEach((p, s) => {
        if (p.slot.slice !== s)
          add(`${t.name} job ${k}: slices numbered ${ordered.map((q) => q.slot.slice).join(',')}`);
        if (p.slot.last !== (s === ordered.length - 1))
          add(`${t.name} job ${k} slice ${s}: wrong 'last' flag`);
        if (s > 0 && !(p.absStartNs > ordered[s - 1]!.absStartNs)) {
          add(`${t.name} job ${k}: slice ${s} does not run after slice ${s - 1}`);
        }
      });
    }
  });
  return problems;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
