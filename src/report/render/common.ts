/**
 * What every report renderer shares: the environment fingerprint as label/value rows,
 * pWCET probabilities in order, trace flag names, the alarm kinds a report holds (read
 * from the report itself, never from a fixed list) and number formatting. Cold path.
 */

import { type CrashFields, describeCrash } from '../faults.js';
import type { LoadedEnvironment, LoadedRunReport, LoadedTask, LoadedTraceEntry } from '../read.js';
import type { RunReportNotRun } from '../run-report.js';

/** Trace flag bits (`TRACE_FLAG_*`, src/runtime/trace-ring.ts) and their names. */
export const TRACE_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [1, 'overrun'],
  [2, 'error'],
  [4, 'degraded'],
  [8, 'deadline-miss'],
  [16, 'safe-state'],
];

/** Flags that mark a slot as an overrun in the renderers: overrun or deadline miss. */
export const OVERRUN_FLAGS = 1 | 8;

/** The names of the bits set in `flags`. */
export function flagNames(flags: number): string[] {
  return TRACE_FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** ns → a short human figure: `850 ns`, `12.3 µs`, `1.50 ms`, `2.00 s`. */
export function formatNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '-';
  const abs = Math.abs(ns);
  const three = (v: number): string => {
    const a = Math.abs(v);
    return v.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0);
  };
  if (abs < 1000) return `${ns.toFixed(0)} ns`;
  if (abs < 1e6) return `${three(ns / 1e3)} µs`;
  if (abs < 1e9) return `${three(ns / 1e6)} ms`;
  return `${three(ns / 1e9)} s`;
}

/** A ratio as `12.5 %`. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '-';
}

/** The report's alarm counts, every kind it lists, in its order (new kinds included). */
export function alarmEntries(report: LoadedRunReport): [string, number][] {
  return Object.entries(report.alarms);
}

/** Whether the report has several modes (tasks are then named `mode/name`). */
export function isMultiMode(report: LoadedRunReport): boolean {
  return new Set(report.tasks.map((t) => t.mode ?? '')).size > 1;
}

/** A task's display name. */
export function taskLabel(task: LoadedTask, multiMode: boolean): string {
  return multiMode && task.mode !== undefined ? `${task.mode}/${task.name}` : task.name;
}

/** A pWCET's exceedance probabilities as `[label, probability, ns]`, most probable first. */
export function pwcetPoints(task: LoadedTask): [string, number, number][] {
  const table = task.pwcet?.pwcetNs;
  if (table === undefined || table === null) return [];
  const out: [string, number, number][] = [];
  for (const [label, ns] of Object.entries(table)) {
    const p = Number(label);
    if (Number.isFinite(p) && p > 0 && p < 1 && typeof ns === 'number' && Number.isFinite(ns))
      out.push([label, p, ns]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

/** The pWCET at exceedance probability 1e-9, or null when the report has none. */
export function pwcetAt1e9(task: LoadedTask): number | null {
  const point = pwcetPoints(task).find(([, p]) => Math.abs(p - 1e-9) < 1e-15);
  return point === undefined ? null : point[2];
}

/** Whether any task of the report carries a pWCET. */
export function hasPwcet(report: LoadedRunReport): boolean {
  return report.tasks.some((t) => pwcetPoints(t).length > 0);
}

/** One doctor check as a report shows it. */
export interface DoctorFindingView {
  readonly status: 'warn' | 'fail';
  readonly id: string;
  readonly found: string;
  readonly fix: string;
}

/**
 * The doctor checks a report carries (`environment.doctor`, taken at the start of the
 * run): how many there were, and those that did not pass, failures first. Null when the
 * report has none (an older report, or a run that did not take them); malformed entries
 * are skipped.
 */
export function doctorFindings(
  env: LoadedEnvironment,
): { readonly total: number; readonly open: DoctorFindingView[] } | null {
  const checks = (env as { doctor?: { checks?: unknown } }).doctor?.checks;
  if (!Array.isArray(checks)) return null;
  const open: DoctorFindingView[] = [];
  for (const c of checks as Record<string, unknown>[]) {
    if (typeof c !== 'object' || c === null) continue;
    const { status, id, found, fix } = c;
    if ((status === 'warn' || status === 'fail') && typeof id === 'string' && typeof found === 'string')
      open.push({ status, id, found, fix: typeof fix === 'string' ? fix : '' });
  }
  open.sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1));
  return { total: checks.length, open };
}

/**
 * The environment fingerprint (DESIGN: kernel and PREEMPT_RT, CPU model and governor,
 * isolated CPUs, Node, clock and waiter backends, scheduling policy and priority) as
 * label/value rows; fields an older report lacks show as `-`.
 */
export function fingerprintRows(env: LoadedEnvironment): [string, string][] {
  const text = (v: unknown): string => (v === undefined ? '-' : v === null ? 'unknown' : String(v));
  const preemption = env.realtime?.preemption;
  const cpus = env.cpus;
  const freq =
    cpus?.frequencyMhz === undefined && cpus?.maxFrequencyMhz === undefined
      ? '-'
      : `${text(cpus?.frequencyMhz)} MHz now, ${text(cpus?.maxFrequencyMhz)} MHz max`;
  const isolated = env.realtime?.isolatedCpus;
  const sched = env.scheduling;
  return [
    ['kernel', `${env.kernel}${env.kernelVersion === undefined ? '' : ` ${env.kernelVersion}`}`],
    [
      'PREEMPT_RT',
      preemption === undefined ? '-' : preemption === 'PREEMPT_RT' ? 'yes' : `no (${preemption})`,
    ],
    ['CPU', `${text(cpus?.model)} × ${text(cpus?.count)} (${env.platform}/${env.arch})`],
    ['CPU governor', text(cpus?.governor)],
    ['CPU frequency', freq],
    ['isolated CPUs', isolated === '' ? 'none' : text(isolated)],
    ['CPUs allowed (loop thread)', text(env.realtime?.cpusAllowed)],
    ['Node', env.node],
    ['clock backend', env.clock],
    ['waiter backend', env.waiter],
    [
      'scheduling',
      sched === undefined || sched === null
        ? env.schedulingPolicy
        : `${sched.policy}, priority ${sched.priority}, nice ${sched.nice}`,
    ],
    ['loop thread', text(env.thread)],
    ['hardtick', text(env.hardtick)],
  ];
}

/** Numeric fields of the report's `gc` section (whatever a newer report adds), as `[name, value]`. */
export function gcEntries(report: LoadedRunReport): [string, number][] {
  return Object.entries(report.gc).filter((e): e is [string, number] => typeof e[1] === 'number');
}

/**
 * Every traced slot of the report: `traceOverruns` (overrun / deadline-miss slots older
 * than the window) and `trace` (the last N), ordered by start, duplicates dropped; null
 * when the run was not traced.
 */
export function traceSlots(report: LoadedRunReport): LoadedTraceEntry[] | null {
  if (report.trace === undefined && report.traceOverruns === undefined) return null;
  const seen = new Set<string>();
  const out: LoadedTraceEntry[] = [];
  for (const e of [...(report.traceOverruns ?? []), ...(report.trace ?? [])]) {
    const key = `${e.frame}/${e.mode ?? ''}/${e.task}/${e.startNs}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => a.startNs - b.startNs || a.frame - b.frame);
}

/**
 * Largest of `values` (`empty` when there are none). A loop, not `Math.max(...values)`:
 * spreading a report-sized array into arguments overflows the stack.
 */
export function maxOf(values: Iterable<number>, empty = Number.NEGATIVE_INFINITY): number {
  let out = empty;
  let any = false;
  for (const v of values) {
    out = any ? Math.max(out, v) : v;
    any = true;
  }
  return out;
}

/** Smallest of `values` (`empty` when there are none); see {@link maxOf}. */
export function minOf(values: Iterable<number>, empty = Number.POSITIVE_INFINITY): number {
  let out = empty;
  let any = false;
  for (const v of values) {
    out = any ? Math.min(out, v) : v;
    any = true;
  }
  return out;
}

/** The part of `waiterMargin` the views read. */
export interface WaiterMarginView {
  readonly mode: string;
  readonly fixedMarginNs: number | null;
  readonly quantile: number;
  readonly maxSpinShare: number;
  readonly classes: ReadonlyArray<{
    readonly waitFromNs: number;
    readonly waitToNs: number | null;
    readonly samples: number;
    readonly oversleepNs: { readonly quantile: number; readonly max: number };
    readonly lastMarginNs: number;
  }>;
}

/** A wait-length class is listed in the margin line when it holds at least this share of the sleeps. */
const MARGIN_CLASS_SHOWN_SHARE = 0.05;

/**
 * The waiter's margin as one line, or null without a learner: `waiter margin: auto (p99 of
 * the oversleep, spin ≤ 0.5 % of a wait); waits 512 µs–1.02 ms: 29.0 µs (p99 oversleep 87.0 µs,
 * max 2.30 ms, 10074 sleeps); 6 more class(es) with fewer sleeps` (the classes holding at
 * least 5 % of the sleeps are listed).
 */
export function waiterMarginLine(report: AccountingView): string | null {
  const m = report.waiterMargin;
  if (m === undefined) return null;
  const head =
    m.mode === 'fixed' && m.fixedMarginNs !== null
      ? `waiter margin: fixed ${formatNs(m.fixedMarginNs)} (the learner observed)`
      : `waiter margin: auto (p${Number((m.quantile * 100).toPrecision(4))} of the oversleep, spin ≤ ${Number((m.maxSpinShare * 100).toPrecision(3))} % of a wait)`;
  // The classes most waits fell in (each ≥ 5 % of the sleeps); the rest counted, not listed.
  const sleeps = m.classes.reduce((n, c) => n + c.samples, 0);
  const shown = m.classes.filter((c) => c.samples >= sleeps * MARGIN_CLASS_SHOWN_SHARE);
  const hidden = m.classes.length - shown.length;
  const classes = shown.map(
    (c) =>
      `waits ${formatNs(c.waitFromNs)}${c.waitToNs === null ? '+' : `–${formatNs(c.waitToNs)}`}: ${formatNs(c.lastMarginNs)} ` +
      `(p${Number((m.quantile * 100).toPrecision(4))} oversleep ${formatNs(c.oversleepNs.quantile)}, max ${formatNs(c.oversleepNs.max)}, ${c.samples} sleeps)`,
  );
  if (hidden > 0) classes.push(`${hidden} more class(es) with fewer sleeps`);
  return classes.length === 0 ? `${head}; no sleeps recorded` : `${head}; ${classes.join('; ')}`;
}

/** The part of a report the accounting views read (a written report or one just built). */
export interface AccountingView {
  readonly frames: {
    readonly count: number;
    readonly overruns: number;
    readonly skipped: number;
    readonly lostToPause?: number | undefined;
    readonly cutOff?: number | undefined;
    readonly standby?: number | undefined;
  };
  readonly tasks: ReadonlyArray<{
    readonly name: string;
    readonly mode?: string | undefined;
    readonly releases: number;
    readonly deadlineMisses: number;
    readonly jobsRun?: number | undefined;
    readonly late?: number | undefined;
    readonly censored?: number | undefined;
    readonly notRun?: RunReportNotRun | undefined;
  }>;
  readonly crash?: CrashFields | undefined;
  readonly waiterMargin?: WaiterMarginView | undefined;
  readonly warmup?:
    | {
        readonly alarms?: Readonly<Record<string, number | undefined>> | undefined;
        readonly pauses?: ReadonlyArray<{ readonly atNs: number; readonly lengthNs: number }> | undefined;
        readonly stuck?: number | undefined;
      }
    | undefined;
  readonly gc: {
    readonly count: number;
    readonly unavailable?: string | undefined;
    readonly governance?: unknown;
  };
  readonly exitCode?: number | undefined;
}

/** Header of {@link releaseRows}. */
export const RELEASE_HEADERS: readonly string[] = [
  'task',
  'releases',
  'ran',
  'late',
  'not run',
  'policy',
  'catch-up',
  'pause',
  'unavailable',
  'cut off',
  'misses',
  'censored',
];

/**
 * What became of every release, per task (`RELEASE_HEADERS`): ran (of them late), not
 * run by cause, deadline misses, censored executions. Empty for a report without the
 * split (written before it existed).
 */
export function releaseRows(report: AccountingView): string[][] {
  const multi = new Set(report.tasks.map((t) => t.mode ?? '')).size > 1;
  return report.tasks
    .filter((t) => t.notRun !== undefined)
    .map((t) => {
      const n = t.notRun!;
      return [
        multi && t.mode !== undefined ? `${t.mode}/${t.name}` : t.name,
        String(t.releases),
        String(t.jobsRun ?? '-'),
        String(t.late ?? '-'),
        String(n.total),
        String(n.policy),
        String(n.catchUp),
        String(n.pause),
        String(n.unavailable),
        String(n.cutOff),
        String(t.deadlineMisses),
        String(t.censored ?? 0),
      ];
    });
}

/** The frames line: run, overran, skipped (of them lost to pauses), cut off, standby. */
export function framesLine(report: AccountingView): string {
  const f = report.frames;
  return (
    `${f.count} run, ${f.overruns} overran, ${f.skipped} skipped` +
    `${(f.lostToPause ?? 0) > 0 ? ` (${f.lostToPause} lost to pauses)` : ''}` +
    `${(f.cutOff ?? 0) > 0 ? `, ${f.cutOff} cut off` : ''}` +
    `${(f.standby ?? 0) > 0 ? `, ${f.standby} standby` : ''}`
  );
}

/** The jobs not run over every task, as one line (`null` when none, or a report without the split). */
export function notRunLine(report: AccountingView): string | null {
  const sum = { total: 0, policy: 0, catchUp: 0, pause: 0, unavailable: 0, cutOff: 0 };
  let censored = 0;
  let any = false;
  for (const t of report.tasks) {
    censored += t.censored ?? 0;
    if (t.notRun === undefined) continue;
    any = true;
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += t.notRun[k];
  }
  if (!any || (sum.total === 0 && censored === 0)) return null;
  const causes = (
    [
      ['skip-next policy', sum.policy],
      ['catch-up', sum.catchUp],
      ['pause', sum.pause],
      ['unavailable', sum.unavailable],
      ['cut off', sum.cutOff],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return (
    `jobs not run: ${sum.total}${causes.length > 0 ? ` (${causes.join(', ')})` : ''}` +
    `${censored > 0 ? `; censored executions (lower bounds): ${censored}` : ''}`
  );
}

/** The crash, as one line with the exit code, or null. */
export function crashLine(report: AccountingView): string | null {
  const c = report.crash;
  if (c === undefined) return null;
  return `the run ${describeCrash(c)}${report.exitCode === undefined ? '' : ` → exit ${report.exitCode}`}`;
}

/** What happened during the warm-up (alarms by kind, pauses, stuck events), as one line, or null. */
export function warmupLine(report: AccountingView): string | null {
  const w = report.warmup;
  if (w === undefined) return null;
  const alarms = Object.entries(w.alarms ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const pauses = w.pauses ?? [];
  if (alarms.length === 0 && pauses.length === 0 && (w.stuck ?? 0) === 0) return null;
  const parts: string[] = [];
  if (alarms.length > 0) parts.push(`alarms ${alarms.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (pauses.length > 0)
    parts.push(`pauses ${pauses.map((p) => `${formatNs(p.lengthNs)} at ${formatNs(p.atNs)}`).join(', ')}`);
  if ((w.stuck ?? 0) > 0) parts.push(`stuck ${w.stuck}`);
  return `warm-up (not in the measured figures): ${parts.join('; ')}`;
}

/** GC early warnings (`gc.governance.warn.warnings`): kind, episodes, first at, worst. */
export function gcWarningRows(report: AccountingView): string[][] {
  const warnings = (
    report.gc.governance as
      | {
          warn?: {
            warnings?: ReadonlyArray<{ kind: string; count: number; firstAtNs: number; worst: number }>;
          };
        }
      | null
      | undefined
  )?.warn?.warnings;
  if (!Array.isArray(warnings)) return [];
  return warnings.map((w) => [
    w.kind,
    String(w.count),
    formatNs(w.firstAtNs),
    w.kind === 'young-nearly-full' ? formatRatio(w.worst) : `${(w.worst / 1024 / 1024).toFixed(1)} MiB`,
  ]);
}
