/**
 * Whether a run report's figures can be true of a run, beyond their shape: counts and
 * times non-negative and finite, percentiles in order, a release missed at most once,
 * task names unique per mode, the accounting identities (every release ran or did not run
 * for a named cause; frames add up to the time; a crash is never exit 0; see
 * docs/accounting.md), and sizes bounded (histograms, traces) so that no renderer
 * meets an input it cannot draw in bounded time and memory. `hardtick check` and
 * `hardtick report` refuse anything else as "not a consistent report". Cold path.
 */

import { type CheckableLease, leaseSectionProblems } from './lease.js';
import type { RunReportNotRun } from './run-report.js';

/** Largest nanosecond figure a report may hold: 2^53 − 1 (≈ 104 days, exact in a double). */
export const MAX_REPORT_NS = Number.MAX_SAFE_INTEGER;

/** Largest run report file read, in bytes (256 MiB). */
export const MAX_REPORT_FILE_BYTES = 256 * 1024 * 1024;

/** Most buckets in one histogram (the recorder's widest layout has fewer than half). */
export const MAX_HISTOGRAM_BUCKETS = 16_384;

/** Most slots in `trace` and in `traceOverruns` (the largest `--trace` and the overruns kept). */
export const MAX_TRACE_ENTRIES = 2_100_000;

/** Most tasks in one report. */
export const MAX_REPORT_TASKS = 100_000;

/** Most pause and stuck events listed. */
export const MAX_REPORT_EVENTS = 1_000_000;

/** One problem: the field's path and what is wrong with it. */
export interface ReportProblem {
  readonly path: string;
  readonly message: string;
}

/** Problems listed before the check stops looking. */
const MAX_PROBLEMS = 20;

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sizes checked on the parsed JSON before the schema walks it (a million histogram
 * buckets would cost the schema seconds before any limit applied).
 */
export function reportSizeProblems(value: unknown): ReportProblem[] {
  const out: ReportProblem[] = [];
  if (!isRecord(value)) return out;
  const tooLong = (path: string, list: unknown, max: number, what: string): void => {
    if (Array.isArray(list) && list.length > max) {
      out.push({ path, message: `${list.length} ${what}; a report holds at most ${max}` });
    }
  };
  tooLong('tasks', value.tasks, MAX_REPORT_TASKS, 'tasks');
  tooLong('trace', value.trace, MAX_TRACE_ENTRIES, 'slots');
  tooLong('traceOverruns', value.traceOverruns, MAX_TRACE_ENTRIES, 'slots');
  tooLong('stuck', value.stuck, MAX_REPORT_EVENTS, 'events');
  if (isRecord(value.lease))
    tooLong('lease.transitions', value.lease.transitions, MAX_REPORT_EVENTS, 'events');
  if (isRecord(value.pauses)) tooLong('pauses.events', value.pauses.events, MAX_REPORT_EVENTS, 'events');
  if (Array.isArray(value.tasks) && value.tasks.length <= MAX_REPORT_TASKS) {
    value.tasks.forEach((task, i) => {
      if (!isRecord(task)) return;
      const h = task.execHistogram;
      if (Array.isArray(h) && h.length > MAX_HISTOGRAM_BUCKETS) {
        out.push({
          path: `tasks[${i}].execHistogram`,
          message: `${h.length} buckets; a histogram has at most ${MAX_HISTOGRAM_BUCKETS}`,
        });
      }
    });
  }
  return out;
}

/** The shape {@link reportConsistencyProblems} reads (what the report schema guarantees). */
export interface CheckableReport {
  readonly frames: {
    readonly count: number;
    readonly overruns: number;
    readonly skipped?: number | undefined;
    readonly lostToPause?: number | undefined;
    readonly cutOff?: number | undefined;
    readonly standby?: number | undefined;
  };
  readonly alarms?: Readonly<Record<string, number>> | undefined;
  readonly accounting?:
    | {
        readonly notRun: RunReportNotRun;
        readonly censored: number;
        readonly framesElapsed: number | null;
      }
    | undefined;
  readonly crash?: { readonly cause: string } | undefined;
  readonly release: { readonly latenessNs: Distribution };
  readonly tasks: readonly CheckableTask[];
  readonly gc: { readonly count: number; readonly maxPauseNs: number; readonly unplanned: number };
  readonly frameNs?: number | undefined;
  readonly durationNs?: number | undefined;
  readonly exitCode?: number | undefined;
  readonly pauses?: { readonly events: readonly { readonly lengthNs: number }[] } | undefined;
  readonly trace?: readonly TraceSlot[] | undefined;
  readonly traceOverruns?: readonly TraceSlot[] | undefined;
  readonly stuck?: readonly { readonly overrunNs: number }[] | undefined;
  readonly lease?: CheckableLease | undefined;
}

interface Distribution {
  readonly min: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean?: number | undefined;
}

interface CheckableTask {
  readonly name: string;
  readonly runs?: number | undefined;
  readonly skipped?: number | undefined;
  readonly jobsRun?: number | undefined;
  readonly late?: number | undefined;
  readonly notRun?: RunReportNotRun | undefined;
  readonly censored?: number | undefined;
  readonly mode?: string | undefined;
  readonly budgetNs: number;
  readonly releases: number;
  readonly deadlineMisses: number;
  readonly execNs: Distribution;
  readonly responseNs?: Distribution | undefined;
  readonly deadlineNs?: number | undefined;
  readonly periodNs?: number | undefined;
  readonly execMaxFrame?: number | undefined;
  readonly execHistogram?: readonly (readonly [number, number, number])[] | undefined;
  readonly pwcet?: { readonly pwcetNs: Readonly<Record<string, number | null>> } | null | undefined;
}

interface TraceSlot {
  readonly frame: number;
  readonly startNs: number;
  readonly endNs: number;
}

/**
 * Every way the report's figures contradict each other or the limits above (empty when
 * consistent), in report order, at most {@link MAX_PROBLEMS}.
 */
export function reportConsistencyProblems(report: CheckableReport): ReportProblem[] {
  const out: ReportProblem[] = [];
  const add = (path: string, message: string): void => {
    if (out.length < MAX_PROBLEMS) out.push({ path, message });
  };
  const ns = (path: string, value: number | undefined, min = 0): void => {
    if (value === undefined) return;
    if (!(value >= min && value <= MAX_REPORT_NS)) {
      add(path, `expected a number from ${min} to ${MAX_REPORT_NS} (ns), got ${value}`);
    }
  };
  const distribution = (path: string, d: Distribution | undefined): void => {
    if (d === undefined) return;
    const order = [
      ['min', d.min],
      ['p50', d.p50],
      ['p99', d.p99],
      ['p999', d.p999],
      ['max', d.max],
    ] as const;
    const before = out.length;
    for (const [key, v] of order) ns(`${path}.${key}`, v);
    ns(`${path}.mean`, d.mean);
    if (out.length > before) return;
    for (let k = 1; k < order.length; k++) {
      const [lowKey, low] = order[k - 1]!;
      const [highKey, high] = order[k]!;
      if (low > high) {
        add(path, `expected min ≤ p50 ≤ p99 ≤ p999 ≤ max, got ${lowKey} ${low} > ${highKey} ${high}`);
        return;
      }
    }
    // The mean is a float sum over the count: allow rounding, not a mean outside [min, max].
    if (d.mean !== undefined && (d.mean < d.min * (1 - 1e-9) - 1e-6 || d.mean > d.max * (1 + 1e-9) + 1e-6)) {
      add(`${path}.mean`, `expected a mean from min ${d.min} to max ${d.max}, got ${d.mean}`);
    }
  };

  if (report.tasks.length === 0) add('tasks', 'expected at least one task, got none');
  const firstByName = new Map<string, number>();
  report.tasks.forEach((task, i) => {
    const at = `tasks[${i}]`;
    const mode = task.mode ?? '';
    const key = `${mode}\u0000${task.name}`;
    if (task.name === '') add(`${at}.name`, 'expected a task name, got an empty string');
    const first = firstByName.get(key);
    if (first === undefined) firstByName.set(key, i);
    else {
      const where = task.mode === undefined ? '' : ` in mode ${JSON.stringify(mode)}`;
      add(`${at}.name`, `task ${JSON.stringify(task.name)} appears twice${where} (also tasks[${first}])`);
    }
    ns(`${at}.budgetNs`, task.budgetNs, 1);
    ns(`${at}.deadlineNs`, task.deadlineNs, 1);
    ns(`${at}.periodNs`, task.periodNs, 1);
    if (task.deadlineMisses > task.releases) {
      add(
        `${at}.deadlineMisses`,
        `${task.deadlineMisses} deadline misses of ${task.releases} releases; a release misses its deadline at most once`,
      );
    }
    if (
      task.execMaxFrame !== undefined &&
      !(Number.isSafeInteger(task.execMaxFrame) && task.execMaxFrame >= 0)
    ) {
      add(`${at}.execMaxFrame`, `expected a frame number (an integer ≥ 0), got ${task.execMaxFrame}`);
    }
    distribution(`${at}.execNs`, task.execNs);
    distribution(`${at}.responseNs`, task.responseNs);
    task.execHistogram?.forEach(([low, high], b) => {
      const path = `${at}.execHistogram[${b}]`;
      const before = out.length;
      ns(`${path}[0]`, low);
      ns(`${path}[1]`, high);
      if (out.length === before && low > high)
        add(path, `a bucket's low edge ${low} is above its high edge ${high}`);
    });
    const table = task.pwcet?.pwcetNs;
    if (table !== undefined && table !== null) {
      for (const [label, value] of Object.entries(table)) {
        if (value !== null && !(value >= 0)) {
          add(
            `${at}.pwcet.pwcetNs[${JSON.stringify(label)}]`,
            `expected a non-negative number of ns or null, got ${value}`,
          );
        }
      }
    }
  });
  accountingProblems(report, add);
  if (report.frames.overruns > report.frames.count) {
    add(
      'frames.overruns',
      `${report.frames.overruns} overruns of ${report.frames.count} frames; a frame overruns at most once`,
    );
  }
  distribution('release.latenessNs', report.release.latenessNs);
  ns('gc.maxPauseNs', report.gc.maxPauseNs);
  if (report.gc.unplanned > report.gc.count) {
    add('gc.unplanned', `${report.gc.unplanned} unplanned of ${report.gc.count} collections`);
  }
  ns('frameNs', report.frameNs, 1);
  ns('durationNs', report.durationNs);
  if (
    report.exitCode !== undefined &&
    !(Number.isInteger(report.exitCode) && report.exitCode >= 0 && report.exitCode <= 255)
  ) {
    add('exitCode', `expected an exit code from 0 to 255, got ${report.exitCode}`);
  }
  report.pauses?.events.forEach((p, i) => {
    ns(`pauses.events[${i}].lengthNs`, p.lengthNs);
  });
  report.stuck?.forEach((s, i) => {
    ns(`stuck[${i}].overrunNs`, s.overrunNs);
  });
  if (report.lease !== undefined) {
    for (const p of leaseSectionProblems(report.lease)) add(`lease.${p.path}`, p.message);
  }
  for (const field of ['trace', 'traceOverruns'] as const) {
    report[field]?.forEach((e, i) => {
      const path = `${field}[${i}]`;
      const before = out.length;
      if (!(Number.isSafeInteger(e.frame) && e.frame >= 0)) {
        add(`${path}.frame`, `expected a frame number (an integer ≥ 0), got ${e.frame}`);
      }
      ns(`${path}.startNs`, e.startNs);
      ns(`${path}.endNs`, e.endNs);
      if (out.length === before && e.startNs > e.endNs) {
        add(path, `a slot ends (${e.endNs}) before it starts (${e.startNs})`);
      }
    });
  }
  return out;
}

/**
 * The accounting identities (docs/accounting.md), checked on the fields a report has: a
 * report written before they existed has none of them and passes.
 */
function accountingProblems(report: CheckableReport, add: (path: string, message: string) => void): void {
  let misses = 0;
  let allTasks = true;
  report.tasks.forEach((t, i) => {
    const at = `tasks[${i}]`;
    misses += t.deadlineMisses;
    const n = t.notRun;
    if (n === undefined || t.jobsRun === undefined) {
      allTasks = false;
      return;
    }
    const causes = n.policy + n.catchUp + n.pause + n.unavailable + n.cutOff;
    if (n.total !== causes) {
      add(
        `${at}.notRun.total`,
        `${n.total} jobs not run, but its causes add up to ${causes} (policy ${n.policy} + catchUp ${n.catchUp} + pause ${n.pause} + unavailable ${n.unavailable} + cutOff ${n.cutOff})`,
      );
    }
    if (t.releases !== t.jobsRun + n.total) {
      add(
        `${at}.releases`,
        `${t.releases} releases, but jobsRun ${t.jobsRun} + notRun.total ${n.total} = ${t.jobsRun + n.total}: every release runs or is counted as not run`,
      );
    }
    if (t.skipped !== undefined && t.skipped !== n.policy + n.catchUp + n.pause) {
      add(
        `${at}.skipped`,
        `${t.skipped} skipped, but notRun.policy + catchUp + pause = ${n.policy + n.catchUp + n.pause}`,
      );
    }
    const late = t.late ?? 0;
    if (late > t.jobsRun) add(`${at}.late`, `${late} late jobs of ${t.jobsRun} jobs run`);
    const least = late + n.total - n.cutOff;
    if (t.deadlineMisses < least || t.deadlineMisses > late + n.total) {
      add(
        `${at}.deadlineMisses`,
        `${t.deadlineMisses} deadline misses, but late ${late} + jobs not run ${n.total} (of them cut off ${n.cutOff}) allow ${least} to ${late + n.total}: a job not run by its deadline is a miss`,
      );
    }
    if (t.runs !== undefined && (t.censored ?? 0) > t.runs) {
      add(`${at}.censored`, `${t.censored} censored executions of ${t.runs} runs`);
    }
  });
  const acct = report.accounting;
  if (acct === undefined) return;
  const alarmMisses = report.alarms?.['deadline-miss'];
  if (allTasks && alarmMisses !== undefined && alarmMisses !== misses) {
    add(
      'alarms.deadline-miss',
      `${alarmMisses} deadline-miss alarms, but the tasks' deadlineMisses add up to ${misses}`,
    );
  }
  const f = report.frames;
  if (f.lostToPause !== undefined && f.skipped !== undefined && f.lostToPause > f.skipped) {
    add('frames.lostToPause', `${f.lostToPause} frames lost to pauses of ${f.skipped} skipped`);
  }
  if (acct.framesElapsed !== null) {
    const counted = f.count + (f.skipped ?? 0) + (f.standby ?? 0) + (f.cutOff ?? 0);
    if (Math.abs(counted - acct.framesElapsed) > 1) {
      add(
        'accounting.framesElapsed',
        `${acct.framesElapsed} frames elapsed (⌊durationNs / frameNs⌋), but frames run ${f.count} + skipped ${f.skipped ?? 0} + standby ${f.standby ?? 0} + cut off ${f.cutOff ?? 0} = ${counted}: more than ±1 apart`,
      );
    }
  }
  if (report.crash !== undefined && report.exitCode === 0) {
    add('exitCode', `a crashed run (crash.cause ${JSON.stringify(report.crash.cause)}) with exit code 0`);
  }
}
