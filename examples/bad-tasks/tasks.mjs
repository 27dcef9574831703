/** Fixture for the task-loading error tests: some exports are functions, some are not. */

/** A valid task. */
export function sense() {}

/** A valid task (the bad configs misspell it). */
export function control() {}

/** Not a function: a config naming it gets `task_not_function`. */
export const gain = 0.5;

/** Not a function either (an object). */
export const settings = { kp: 0.16 };
