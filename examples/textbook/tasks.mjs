// No-op tasks for the textbook schedule (J. Liu, Real-Time Systems, ch. 5): the example is about the plan.
export function sense() {}
export function control() {}
export function log() {}
