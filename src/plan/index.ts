/**
 * Public API of the planner (pure, deterministic): task set → cyclic schedule, its
 * independent validator, and the typed-array table the runtime iterates.
 */
export { formatNs } from './format.js';
export type { FrameCandidates } from './frames.js';
export { frameCandidates, frameFailures } from './frames.js';
export type { HyperperiodCheck } from './hyperperiod.js';
export { checkHyperperiod, hyperperiodBigNs, hyperperiodNs } from './hyperperiod.js';
export type { PlanMode, PlanOptions } from './plan.js';
export { DEFAULT_MIN_FRAME_NS, planSchedule } from './plan.js';
export { buildScheduleTable } from './table.js';
export type { Diagnostic, PlannedFrame, PlannedSlot, PlanResult, ScheduleTable } from './types.js';
export { validatePlan } from './validate.js';
