import type { PlanResult, ScheduleTable } from './types.js';

/**
 * Packs a feasible plan into the typed arrays the runtime iterates.
 * Cold path: allocates the arrays once.
 */
export function buildScheduleTable(plan: PlanResult): ScheduleTable {
  const frameCount = plan.frames.length;
  let slotCount = 0;
  for (const frame of plan.frames) slotCount += frame.slots.length;
  const frameSlotStart = new Uint32Array(frameCount + 1);
  const slotTask = new Uint32Array(slotCount);
  const slotJob = new Uint32Array(slotCount);
  const slotSlice = new Uint32Array(slotCount);
  const slotBudgetNs = new Float64Array(slotCount);
  const slotReleaseNs = new Float64Array(slotCount);
  const slotDeadlineNs = new Float64Array(slotCount);
  const slotLast = new Uint8Array(slotCount);
  let s = 0;
  for (let k = 0; k < frameCount; k++) {
    frameSlotStart[k] = s;
    for (const slot of plan.frames[k]!.slots) {
      slotTask[s] = slot.taskIndex;
      slotJob[s] = slot.job;
      slotSlice[s] = slot.slice;
      slotBudgetNs[s] = slot.budgetNs;
      slotReleaseNs[s] = slot.releaseNs;
      slotDeadlineNs[s] = slot.deadlineNs;
      slotLast[s] = slot.last ? 1 : 0;
      s++;
    }
  }
  frameSlotStart[frameCount] = s;
  return Object.freeze({
    frameNs: plan.frameNs,
    hyperperiodNs: plan.hyperperiodNs,
    frameCount,
    slotCount,
    frameSlotStart,
    slotTask,
    slotJob,
    slotSlice,
    slotBudgetNs,
    slotReleaseNs,
    slotDeadlineNs,
    slotLast,
  });
}
