/** Fixture: a task module that throws while being imported. */

/** Never reached: the module throws before the export is usable. */
export function sense() {}

throw new Error('sensor bus /dev/i2c-1 is not available');
