/**
 * The alarm kinds by name, in kind-id order: `ALARM_KINDS[id]` is the name of kind `id`
 * (src/runtime/alarm-kinds.ts numbers them for the loop). The one list: the config schema
 * (`alarms.fatal`), the runtime and the run report take it from here.
 */

/** Alarm kind names; index = numeric kind id. */
export const ALARM_KINDS = Object.freeze([
  'overrun',
  'deadline-miss',
  'frame-overrun',
  'release-late',
  'task-error',
  'skipped-frames',
  'mode-change',
  'stopped',
  'pause',
  'killed',
  'gc-warn',
] as const);

/** An alarm kind's name. */
export type AlarmKindName = (typeof ALARM_KINDS)[number];
