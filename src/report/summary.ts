/**
 * The text summary `hardtick run` prints at the end: the WCET table (one row per task,
 * times in µs, with misses and jobs not run), release-lateness percentiles, frames, jobs
 * not run by cause, GC (and its early warnings), the warm-up's events, alarms, a crash and
 * the lease. Cold path.
 */
import { describeCrash, describeErrorSample } from './faults.js';
import { type Column, formatPercent, formatTable, formatUs } from './format.js';
import { describeLeaseSection } from './lease.js';
import { framesLine, gcWarningRows, notRunLine, waiterMarginLine, warmupLine } from './render/common.js';
import type { RunReport } from './run-report.js';

const WCET_COLUMNS: readonly Column[] = [
  { header: 'task', align: 'left' },
  { header: 'budget' },
  { header: 'runs' },
  { header: 'min' },
  { header: 'p50' },
  { header: 'p99' },
  { header: 'p99.9' },
  { header: 'max' },
  { header: 'max/budget' },
  { header: 'overruns' },
  { header: 'misses' },
  { header: 'not run' },
  { header: 'errors' },
];

/** The WCET table: execution time per task in µs, with budget use and counters. */
export function formatWcetTable(report: RunReport): string {
  const multiMode = new Set(report.tasks.map((t) => t.mode)).size > 1;
  const rows = report.tasks.map((t) => [
    multiMode ? `${t.mode}/${t.name}` : t.name,
    formatUs(t.budgetNs),
    String(t.runs),
    t.execNs.count === 0 ? '-' : formatUs(t.execNs.min),
    t.execNs.count === 0 ? '-' : formatUs(t.execNs.p50),
    t.execNs.count === 0 ? '-' : formatUs(t.execNs.p99),
    t.execNs.count === 0 ? '-' : formatUs(t.execNs.p999),
    t.execNs.count === 0 ? '-' : formatUs(t.execNs.max),
    t.execNs.count === 0 ? '-' : formatPercent(t.execMaxBudgetRatio),
    String(t.overruns),
    String(t.deadlineMisses),
    String(t.notRun?.total ?? t.skipped),
    String(t.errors),
  ]);
  return formatTable(WCET_COLUMNS, rows);
}

/** Release lateness percentiles in µs, one line. */
export function formatLateness(report: RunReport): string {
  const l = report.release.latenessNs;
  return (
    `release lateness (µs, ${l.count} releases): min ${formatUs(l.min)}  p50 ${formatUs(l.p50)}  ` +
    `p99 ${formatUs(l.p99)}  p99.9 ${formatUs(l.p999)}  max ${formatUs(l.max)}\n`
  );
}

/** The full end-of-run summary. */
export function formatRunSummary(report: RunReport): string {
  const seconds = (report.durationNs / 1e9).toFixed(2);
  const frameUs = formatUs(report.frameNs);
  const alarms = Object.entries(report.alarms)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`);
  // A watchdog's stuck verdict is not an executive alarm, but it is one to the reader.
  if ((report.stuck?.length ?? 0) > 0) alarms.push(`stuck ${report.stuck!.length}`);
  const gcKinds = Object.entries(report.gc.byKind)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`);
  const lines = [
    `\n${report.config.name}: ${report.frames.count} frames of ${frameUs} µs in ${seconds} s ` +
      `(mode ${report.mode}; stopped: ${report.stopReason ?? 'end'})\n`,
    '\nexecution time per run (µs)\n',
    formatWcetTable(report),
    formatErrorSamples(report),
    '\n',
    formatLateness(report),
    `frames: ${framesLine(report)}\n`,
    ...optionalLine(notRunLine(report)),
    report.gc.unavailable === undefined
      ? `gc: ${report.gc.count} collections` +
        (report.gc.count === 0
          ? ''
          : `, max pause ${formatUs(report.gc.maxPauseNs)} µs (${gcKinds.join(', ')})`) +
        '\n'
      : `gc: not observed (${report.gc.unavailable})\n`,
    ...gcWarningRows(report).map(
      ([kind, n, first, worst]) => `gc.warn: ${kind} ${n} time(s), first at ${first}, worst ${worst}\n`,
    ),
    ...optionalLine(warmupLine(report)),
    ...optionalLine(waiterMarginLine(report)),
    `alarms: ${alarms.length === 0 ? 'none' : alarms.join(', ')}` +
      (report.alarmsDropped > 0 ? ` (${report.alarmsDropped} records dropped, ring full)` : '') +
      '\n',
  ];
  if (report.lease !== undefined) lines.push(`${describeLeaseSection(report.lease)}\n`);
  const fatal = fatalCauses(report);
  if (fatal.length > 0 || report.exitCode !== 0) {
    lines.push(
      `FATAL: ${fatal.length === 0 ? 'the run failed' : fatal.join('; ')} → exit ${report.exitCode}\n`,
    );
  }
  return lines.join('');
}

/** Why the run fails, for the FATAL line: its crash, its stuck slot, the fatal alarms that occurred. */
function fatalCauses(report: RunReport): string[] {
  const causes: string[] = [];
  if (report.crash !== undefined) causes.push(describeCrash(report.crash));
  const stuck = report.stuck?.find((e) => e.recoveredNs == null) ?? report.stuck?.[0];
  if (stuck !== undefined) {
    causes.push(
      `stuck: task ${stuck.task} in frame ${stuck.frame} (slot ${stuck.slot}), ` +
        `${(stuck.overrunNs / 1e6).toFixed(1)} ms past its deadline`,
    );
  }
  if (report.fatal.occurred.length > 0) {
    causes.push(`${report.fatal.occurred.join(', ')} (config alarms.fatal)`);
  }
  return causes;
}

/** The first distinct errors of each task that threw, below the WCET table (empty when none). */
export function formatErrorSamples(report: RunReport): string {
  const lines: string[] = [];
  for (const t of report.tasks) {
    if (t.errorSamples === undefined || t.errorSamples.length === 0) continue;
    lines.push(`errors of ${t.name} (first distinct ones):\n`);
    for (const e of t.errorSamples) lines.push(`  ${describeErrorSample(e)}\n`);
  }
  return lines.length === 0 ? '' : `\n${lines.join('')}`;
}

/** A line (with its newline) when there is one. */
function optionalLine(line: string | null): string[] {
  return line === null ? [] : [`${line}\n`];
}
