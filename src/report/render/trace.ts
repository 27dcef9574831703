/**
 * `hardtick report --format trace`: the run's slot trace as Chrome trace-event JSON (the
 * "JSON Object Format" that Perfetto and chrome://tracing open). It holds the last N
 * frames of the report's `trace` (`hardtick run --trace N`) and every overrun or deadline
 * miss slot the run kept, however old (`traceOverruns`). Tracks: `frames` (one box per
 * frame, from its measured start to its last slot's end, its release and lateness as
 * arguments), `loop` (the slots as the loop thread ran them) and `overruns`
 * (an instant marker at the end of each overrunning slot). Times: µs since the measured
 * run's first release. Cold path.
 */
import type { LoadedRunReport, LoadedTraceEntry } from '../read.js';
import { flagNames, OVERRUN_FLAGS, traceSlots } from './common.js';

/** One Chrome trace event (the fields used here). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 't' | 'p' | 'g';
  readonly cname?: string;
  readonly args?: Record<string, unknown>;
}

/** The document written. */
export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ns' | 'ms';
  readonly metadata: Record<string, unknown>;
}

/** Options of {@link renderChromeTrace}. */
export interface TraceRenderOptions {
  /** Keep the last this many frames of the trace (every overrun is kept regardless). @default all */
  readonly frames?: number;
}

const PID = 1;
const TID_FRAMES = 1;
const TID_LOOP = 2;
const TID_OVERRUNS = 3;

/** The slots to export: those of the last `frames` frames, plus every overrun / miss slot. */
export function selectTraceEntries(
  entries: readonly LoadedTraceEntry[],
  frames?: number,
): LoadedTraceEntry[] {
  const distinct = [...new Set(entries.map((e) => e.frame))].sort((a, b) => a - b);
  const keep = new Set(
    frames === undefined ? distinct : distinct.slice(Math.max(0, distinct.length - frames)),
  );
  return entries.filter((e) => keep.has(e.frame) || (e.flags & OVERRUN_FLAGS) !== 0);
}

/** One frame's box: from its measured start to its last slot's end. */
interface FrameBox {
  readonly frame: number;
  readonly mode: string | undefined;
  /** Measured start (the wake read; for a report without it, its first traced slot's start), ns. */
  readonly startNs: number;
  readonly endNs: number;
  /** The executive's release of the frame, or null when the report does not carry it. */
  readonly releaseNs: number | null;
}

/**
 * The frames of `entries`, each placed where it was measured to start, never at a time
 * derived from a frame size (frames of a mode switched to differ in size).
 */
function frameBoxes(entries: readonly LoadedTraceEntry[]): FrameBox[] {
  const byFrame = new Map<number, LoadedTraceEntry[]>();
  for (const e of entries) {
    const list = byFrame.get(e.frame);
    if (list === undefined) byFrame.set(e.frame, [e]);
    else list.push(e);
  }
  return [...byFrame.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([frame, list]) => {
      const measured = list.find((e) => e.frameStartNs !== undefined);
      let first = list[0]!.startNs;
      let end = list[0]!.endNs;
      for (const e of list) {
        if (e.startNs < first) first = e.startNs;
        if (e.endNs > end) end = e.endNs;
      }
      return {
        frame,
        mode: list[0]!.mode,
        startNs: measured?.frameStartNs ?? first,
        endNs: end,
        releaseNs: measured?.frameReleaseNs ?? null,
      };
    });
}

/**
 * Builds the trace document. A report without a `trace` gives a document with only the
 * metadata events and `metadata.note` saying how to get one.
 */
export function renderChromeTrace(report: LoadedRunReport, options: TraceRenderOptions = {}): ChromeTrace {
  const name = report.config?.name ?? 'run';
  const budget = new Map<string, number>();
  for (const t of report.tasks) budget.set(`${t.mode ?? ''}/${t.name}`, t.budgetNs);
  const slots = traceSlots(report);
  const all = slots ?? [];
  const selected = selectTraceEntries(all, options.frames).sort((a, b) => a.startNs - b.startNs);
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: `hardtick ${name}` } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: TID_FRAMES, args: { name: 'frames' } },
    { name: 'thread_sort_index', ph: 'M', pid: PID, tid: TID_FRAMES, args: { sort_index: 0 } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: TID_LOOP, args: { name: 'loop (slots)' } },
    { name: 'thread_sort_index', ph: 'M', pid: PID, tid: TID_LOOP, args: { sort_index: 1 } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: TID_OVERRUNS, args: { name: 'overruns' } },
    { name: 'thread_sort_index', ph: 'M', pid: PID, tid: TID_OVERRUNS, args: { sort_index: 2 } },
  ];
  const frameNs = report.frameNs;
  for (const box of frameBoxes(selected)) {
    events.push({
      name: `frame ${box.frame}`,
      cat: 'frame',
      ph: 'X',
      pid: PID,
      tid: TID_FRAMES,
      ts: box.startNs / 1e3,
      dur: Math.max(0, box.endNs - box.startNs) / 1e3,
      args: {
        frame: box.frame,
        ...(box.mode === undefined ? {} : { mode: box.mode }),
        startNs: box.startNs,
        ...(box.releaseNs === null
          ? {}
          : { releaseNs: box.releaseNs, latenessNs: box.startNs - box.releaseNs }),
      },
    });
  }
  for (const e of selected) {
    const flags = flagNames(e.flags);
    const budgetNs = budget.get(`${e.mode ?? ''}/${e.task}`) ?? budget.get(`/${e.task}`) ?? null;
    const over = (e.flags & OVERRUN_FLAGS) !== 0;
    events.push({
      name: e.task,
      cat: over ? 'slot,overrun' : 'slot',
      ph: 'X',
      pid: PID,
      tid: TID_LOOP,
      ts: e.startNs / 1e3,
      dur: Math.max(0, e.endNs - e.startNs) / 1e3,
      ...(over ? { cname: 'terrible' } : {}),
      args: {
        frame: e.frame,
        ...(e.mode === undefined ? {} : { mode: e.mode }),
        execNs: e.endNs - e.startNs,
        budgetNs,
        flags,
      },
    });
    if (over) {
      events.push({
        name: `${flags.filter((f) => f === 'overrun' || f === 'deadline-miss').join('+')}: ${e.task}`,
        cat: 'overrun',
        ph: 'i',
        s: 't',
        pid: PID,
        tid: TID_OVERRUNS,
        ts: e.endNs / 1e3,
        cname: 'terrible',
        args: { frame: e.frame, task: e.task, execNs: e.endNs - e.startNs, budgetNs },
      });
    }
  }
  const overruns = selected.filter((e) => (e.flags & OVERRUN_FLAGS) !== 0).length;
  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    metadata: {
      source: 'hardtick',
      schema: 'hardtick.trace/v1',
      run: name,
      startedAt: report.startedAt ?? null,
      frameNs: frameNs ?? null,
      slots: selected.length,
      overrunSlots: overruns,
      framesKept: options.frames ?? null,
      ...(slots === null
        ? { note: 'no trace in this report: run with `hardtick run --trace N --report FILE`' }
        : {}),
    },
  };
}
