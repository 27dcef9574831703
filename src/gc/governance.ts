/**
 * Glue between the runners (`hardtick run`, both thread modes) and GC governance: set-up
 * from the resolved config, and the evidence folded into the report's `gc`. Cold.
 */
import type { ResolvedGc } from '../config/types.js';
import type { Clock } from '../time/clock.js';
import { obtainGcFunction } from './gc-function.js';
import type { GcEvent, GcSummary } from './monitor.js';
import { findGcOverlaps, type MissSighting } from './overlaps.js';
import { type GcGovernanceSummary, PlannedGc } from './planned-gc.js';

/** Collections measured at start-up to seed the cost estimate (see `PlannedGc.calibrate`). */
export const CALIBRATION_ROUNDS = 16;

/** What {@link setUpGcGovernance} made. */
export interface GcGovernanceSetup {
  /** The slack hook to give every executive of the run (warm-up and measured), or null when `gc` is off. */
  readonly plannedGc: PlannedGc | null;
  /** How `gc()` was obtained, or null when planned collections are off. */
  readonly gcAccess: 'expose-gc' | 'runtime-flag' | null;
}

/** A `gc()` stand-in for warning-only governance (never called: planned collections are off). */
function noGc(): void {}

/**
 * Creates the loop's GC governance from `config.gc` on the loop's thread (the heap is per
 * isolate): null when both parts are off. Obtains `gc()` only when planned collections are on.
 */
export function setUpGcGovernance(config: ResolvedGc, clock: Clock): GcGovernanceSetup {
  if (!config.planned.enabled && !config.warn.enabled) return { plannedGc: null, gcAccess: null };
  const access = config.planned.enabled ? obtainGcFunction() : null;
  const plannedGc = new PlannedGc({
    clock,
    gc: access?.gc ?? noGc,
    planned: config.planned,
    warn: config.warn,
  });
  return { plannedGc, gcAccess: access?.via ?? null };
}

/**
 * Start of measurement: seeds the cost estimate (when planned collections are on) and
 * zeroes the counts. Call before the GC monitor starts, so calibration is not counted.
 */
export function startGovernedMeasurement(plannedGc: PlannedGc | null, plannedOn: boolean): void {
  if (plannedGc === null) return;
  if (plannedOn) plannedGc.calibrate(CALIBRATION_ROUNDS);
  plannedGc.warm();
  plannedGc.reset();
}

/** Inputs of {@link withGcEvidence}. */
export interface GcEvidence {
  /** `PlannedGc.summary(origin)`, or null when governance was off. */
  readonly governance: GcGovernanceSummary | null;
  /** Delivered miss-type alarms (run time); absent: no overlap check. */
  readonly sightings?: readonly MissSighting[];
  /** Add to a GC event's `atNs` (performance timeline) to get run time (rt-loop.ts `gcToRunNs`). */
  readonly gcToRunNs: number;
}

/**
 * The report's `gc`: the monitor's summary with governance and the misses that overlapped
 * a collection. Overlaps are checked against every kept event (the first 100, and the
 * first 1000 unplanned ones), converted to run time.
 */
export function withGcEvidence(summary: GcSummary, evidence: GcEvidence): GcSummary {
  const seen = new Set<number>();
  const events: GcEvent[] = [];
  for (const g of [...summary.events, ...(summary.unplannedEvents ?? [])]) {
    if (seen.has(g.atNs)) continue;
    seen.add(g.atNs);
    events.push({ ...g, atNs: g.atNs + evidence.gcToRunNs });
  }
  return {
    ...summary,
    overlaps: evidence.sightings === undefined ? [] : findGcOverlaps(evidence.sightings, events),
    governance: evidence.governance,
  };
}
