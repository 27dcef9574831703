/**
 * The config's `watchdog` as a run uses it: the options both thread modes share (grace,
 * fail-safe, the event lines) and the report's `stuck` entries. Cold code.
 */
import type { ResolvedWatchdog } from '../config/types.js';
import type { ScheduleTable } from '../plan/types.js';
import type { RunReportStuckEntry } from '../report/run-report.js';
import type { ExecutiveSnapshot } from '../runtime/index.js';
import type { FailSafeResult, RecoveredEvent, StuckEvent, WatchdogOptions } from '../watchdog/watchdog.js';
import type { RunSession } from './session.js';
import { describeFailSafe, describeRecovered, describeStuck } from './text.js';

/** Stuck events listed in the report (`stuck`); the first ones when there are more. */
export const STUCK_KEPT = 100;

/** How long a stuck verdict waits for the fail-safe's result before it reports `'none'`, ms. */
const FAIL_SAFE_WAIT_MS = 1000;

/**
 * The report's `stuck` entries from what a watchdog saw: each stuck event with its
 * fail-safe result (matched by ordinal; `'none'` without one) and, when it ended after all,
 * how far past its deadline it ran (whole ns).
 */
export function stuckEntries(seen: {
  readonly stuckEvents: readonly StuckEvent[];
  readonly failSafeResults: readonly FailSafeResult[];
  readonly recoveredEvents: readonly RecoveredEvent[];
}): RunReportStuckEntry[] {
  return seen.stuckEvents.slice(0, STUCK_KEPT).map((e) => {
    const r = seen.failSafeResults.find((f) => f.ordinal === e.ordinal);
    const rec = seen.recoveredEvents.find((x) => x.ordinal === e.ordinal);
    return {
      task: e.taskName,
      frame: e.frame,
      slot: e.slot,
      overrunNs: Math.round(e.overrunNs),
      failSafe: r === undefined ? 'none' : r.ok ? 'ran' : `failed: ${r.error}`,
      ordinal: e.ordinal,
      recoveredNs: rec === undefined ? null : Math.round(rec.overrunNs),
    };
  });
}

/**
 * The grace in force: the configured one, or for the default watchdog the larger of its
 * minimum and `graceFrames` of the largest frame of any mode, ns.
 */
export function watchdogGraceNs(
  watchdog: Pick<ResolvedWatchdog, 'graceNs' | 'graceFrames'>,
  tables: readonly Pick<ScheduleTable, 'frameNs'>[],
): number {
  let frameNs = 0;
  for (const t of tables) if (t.frameNs > frameNs) frameNs = t.frameNs;
  return Math.max(watchdog.graceNs, watchdog.graceFrames * frameNs);
}

/**
 * A snapshot from the loop's last published evidence, brought up to the stuck frame (the
 * evidence lags by up to its publishing interval), as the executive's own state reads at
 * that point: the frames before the stuck one run, the elapsed time up to its slot's start.
 * Counters stay as published.
 */
export function atStuckFrame(snapshot: ExecutiveSnapshot, event: StuckEvent): ExecutiveSnapshot {
  if (snapshot.startNs === null) return snapshot;
  return {
    ...snapshot,
    frames: {
      ...snapshot.frames,
      count: Math.max(snapshot.frames.count, event.frame - snapshot.frames.skipped),
    },
    elapsedNs: Math.max(snapshot.elapsedNs, Math.round(event.startNs - snapshot.startNs)),
    nextFrameIndex: Math.max(snapshot.nextFrameIndex, event.frame),
  };
}

/** The options common to both thread modes: the config's grace and fail-safe, the event lines. */
export function baseWatchdogOptions(
  session: RunSession,
  heartbeat: SharedArrayBuffer | null,
): Pick<WatchdogOptions, 'heartbeat' | 'graceNs' | 'failSafe' | 'failSafeParams' | 'onRecovered'> {
  const wd = session.plan.config.watchdog!;
  return {
    heartbeat,
    graceNs: watchdogGraceNs(wd, session.plan.tables),
    ...(wd.failSafe === null
      ? {}
      : { failSafe: { file: wd.failSafe.file, exportName: wd.failSafe.exportName } }),
    failSafeParams: wd.failSafeParams,
    onRecovered: (event) => session.event('recovered', 'warn', describeRecovered(event)),
  };
}

/**
 * The watchdog of a worker-mode run: it never ends the process itself (`exitCode: null`);
 * the host, free while the loop is stuck, writes the report and exits with the configured
 * code. `onStuck(event, failSafe)` runs once the fail-safe has finished (at once without
 * one; after {@link FAIL_SAFE_WAIT_MS} without a result it reports `'none'`). With
 * `onStuck: "keep-running"` it is not called: each stuck event (and its end) is told, and
 * the report lists them at the end.
 */
export function workerWatchdogOptions(
  session: RunSession,
  heartbeat: SharedArrayBuffer | null,
  onStuck: (event: StuckEvent, failSafe: string) => void,
): WatchdogOptions {
  const wd = session.plan.config.watchdog!;
  let pending: { event: StuckEvent; timer: NodeJS.Timeout | null } | null = null;
  const settle = (failSafe: string): void => {
    if (pending === null) return;
    if (pending.timer !== null) clearTimeout(pending.timer);
    const { event } = pending;
    pending = null;
    onStuck(event, failSafe);
  };
  return {
    ...baseWatchdogOptions(session, heartbeat),
    exitCode: null,
    onStuck: (event) => {
      session.event('stuck', 'warn', describeStuck(event));
      if (pending !== null || wd.onStuck === 'keep-running') return;
      if (wd.failSafe === null) {
        pending = { event, timer: null };
        settle('none');
        return;
      }
      pending = { event, timer: setTimeout(() => settle('none'), FAIL_SAFE_WAIT_MS) };
    },
    onFailSafe: (r) => {
      session.event('fail-safe', 'warn', describeFailSafe(r));
      settle(r.ok ? 'ran' : `failed: ${r.error}`);
    },
  };
}
