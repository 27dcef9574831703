// No-op tasks for the textbook schedule (DESIGN.md): the example is about the plan.
export function sense() {}
export function control() {}
export function log() {}
