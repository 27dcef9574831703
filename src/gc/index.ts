/**
 * GC governance: planned minor collections in frame slack, heap early warnings, and the
 * classification of observed collections as planned or unplanned.
 */
export {
  collectBeforeMeasurement,
  type GcAccess,
  type GcFunction,
  type GcFunctionResult,
  obtainGcFunction,
} from './gc-function.js';
export {
  CALIBRATION_ROUNDS,
  type GcEvidence,
  type GcGovernanceSetup,
  setUpGcGovernance,
  startGovernedMeasurement,
  withGcEvidence,
} from './governance.js';
export {
  type HeapFigures,
  HeapProbe,
  HP_OLD_USED,
  HP_SIZE,
  HP_YOUNG_CAPACITY,
  HP_YOUNG_USED,
} from './heap-probe.js';
export {
  findGcOverlaps,
  type GcOverlap,
  MISS_SIGHTINGS_KEPT,
  type MissKind,
  type MissSighting,
  MissSightings,
} from './overlaps.js';
export {
  AUTO_MARGIN_NS,
  COST_WINDOW,
  type GcGovernanceSummary,
  type GcWarning,
  type GcWarnSettings,
  PLANNED_EVENTS_KEPT,
  PlannedGc,
  type PlannedGcEvent,
  type PlannedGcOptions,
  type PlannedGcSettings,
  WARN_PROBE_EVERY_FRAMES,
} from './planned-gc.js';
