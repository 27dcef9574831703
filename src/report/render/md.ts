/**
 * `hardtick report --format md`: the run report as GitHub-flavoured Markdown (a CI job
 * summary): the environment fingerprint, the WCET table (with the pWCET at 1e-9 when the
 * report has one), what became of every release (ran, late, not run by cause), release
 * lateness, frames, GC (and its early warnings), alarms, the crash, the warm-up and the
 * lease. Cold path.
 */
import { describeLeaseSection, leaseTransitionRows } from '../lease.js';
import type { LoadedRunReport } from '../read.js';
import {
  alarmEntries,
  crashLine,
  doctorFindings,
  fingerprintRows,
  formatNs,
  formatRatio,
  framesLine,
  gcEntries,
  gcWarningRows,
  hasPwcet,
  isMultiMode,
  notRunLine,
  pwcetAt1e9,
  RELEASE_HEADERS,
  releaseRows,
  taskLabel,
  waiterMarginLine,
  warmupLine,
} from './common.js';

/** Escapes text for a Markdown table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown table (`align`: one letter per column, `l`, `c` or `r`; default first left, rest right). */
export function mdTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: string,
): string {
  const rule = headers.map((_, i) => {
    const a = align === undefined ? (i === 0 ? 'l' : 'r') : align.charAt(i);
    return a === 'l' ? ':--' : a === 'c' ? ':-:' : '--:';
  });
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return `${[line(headers), `|${rule.join('|')}|`, ...rows.map(line)].join('\n')}\n`;
}

/** The WCET table rows, shared with `check --format md`. */
export function wcetTable(report: LoadedRunReport): string {
  const multi = isMultiMode(report);
  const pwcet = hasPwcet(report);
  const headers = [
    'task',
    'budget',
    'runs',
    'p50',
    'p99',
    'p99.9',
    'max',
    'max/budget',
    ...(pwcet ? ['pWCET @1e-9'] : []),
    'overruns',
    'deadline misses',
    'errors',
  ];
  const rows = report.tasks.map((t) => {
    const ran = (t.execNs.count ?? t.runs ?? 1) > 0;
    const fig = (v: number): string => (ran ? formatNs(v) : '-');
    const p9 = pwcetAt1e9(t);
    return [
      taskLabel(t, multi),
      formatNs(t.budgetNs),
      String(t.runs ?? t.execNs.count ?? '-'),
      fig(t.execNs.p50),
      fig(t.execNs.p99),
      fig(t.execNs.p999),
      fig(t.execNs.max) + (ran && t.execNs.max > t.budgetNs ? ' ⚠' : ''),
      ran && t.budgetNs > 0 ? formatRatio(t.execNs.max / t.budgetNs) : '-',
      ...(pwcet ? [p9 === null ? '-' : formatNs(p9)] : []),
      String(t.overruns),
      String(t.deadlineMisses),
      String(t.errors),
    ];
  });
  return mdTable(headers, rows, `l${'r'.repeat(headers.length - 1)}`);
}

/** The fingerprint as a two-column table. */
export function fingerprintTable(report: LoadedRunReport): string {
  return mdTable(['environment', ''], fingerprintRows(report.environment), 'll');
}

/** Renders the whole report as Markdown. */
export function renderMarkdown(report: LoadedRunReport): string {
  const name = report.config?.name ?? 'run';
  const l = report.release.latenessNs;
  const out: string[] = [];
  const duration = report.durationNs === undefined ? '' : ` in ${formatNs(report.durationNs)}`;
  const frame = report.frameNs === undefined ? '' : ` of ${formatNs(report.frameNs)}`;
  out.push(`## hardtick run: ${mdCell(name)}\n\n`);
  out.push(
    `${report.frames.count} frames${frame}${duration}` +
      (report.startedAt === undefined ? '' : `, started ${report.startedAt}`) +
      (report.stopReason === undefined || report.stopReason === null
        ? ''
        : `, stopped: ${report.stopReason}`) +
      (report.exitCode === undefined ? '' : `, exit code ${report.exitCode}`) +
      '.\n',
  );
  const crash = crashLine(report);
  if (crash !== null) out.push(`\n**${mdCell(crash)}**\n`);
  out.push('\n### Execution time per task\n\n', wcetTable(report));
  const pwcetWarnings = report.tasks.flatMap((t) =>
    (t.pwcet?.diagnostics?.warnings ?? []).map((w) => `- pWCET ${mdCell(t.name)}: ${mdCell(w)}`),
  );
  if (pwcetWarnings.length > 0) out.push('\n', `${pwcetWarnings.join('\n')}\n`);
  out.push(
    '\n### Release lateness\n\n',
    mdTable(
      ['releases', 'min', 'p50', 'p99', 'p99.9', 'max'],
      [
        [
          String(l.count ?? '-'),
          formatNs(l.min),
          formatNs(l.p50),
          formatNs(l.p99),
          formatNs(l.p999),
          formatNs(l.max),
        ],
      ],
      'rrrrrr',
    ),
  );
  const releases = releaseRows(report);
  if (releases.length > 0) {
    out.push(
      '\n### Releases\n\n',
      'Every release ran (on time or late) or did not run for one cause; a job not run by its deadline is a deadline miss.\n\n',
      mdTable(RELEASE_HEADERS, releases),
    );
    const line = notRunLine(report);
    if (line !== null) out.push(`\n${mdCell(line)}.\n`);
  }
  out.push(`\nFrames: ${framesLine(report)}.\n`);
  const gc = gcEntries(report)
    .map(([k, v]) => `${k} ${/Ns$/.test(k) ? formatNs(v) : String(v)}`)
    .join(', ');
  out.push(`GC: ${gc}.\n`);
  if (report.gc.unavailable !== undefined) out.push(`GC not observed: ${mdCell(report.gc.unavailable)}.\n`);
  const gcWarnings = gcWarningRows(report);
  if (gcWarnings.length > 0) {
    out.push(
      '\n### GC early warnings (gc.warn)\n\n',
      mdTable(['warning', 'episodes', 'first at', 'worst'], gcWarnings, 'lrrr'),
    );
  }
  const alarms = alarmEntries(report);
  out.push('\n### Alarms\n\n');
  const raised = alarms.filter(([, n]) => n > 0);
  out.push(
    raised.length === 0
      ? 'None raised.\n'
      : mdTable(
          ['alarm', 'count'],
          raised.map(([k, n]) => [k, String(n)]),
          'lr',
        ),
  );
  const pauses = report.pauses?.events ?? [];
  if (pauses.length > 0) {
    out.push(
      `\n${report.pauses?.count ?? pauses.length} pause(s); the first ${pauses.length}:\n\n`,
      mdTable(
        ['at', 'length', 'cause'],
        pauses.map((p) => [formatNs(p.atNs), formatNs(p.lengthNs), p.cause]),
        'rrl',
      ),
    );
  }
  for (const s of report.stuck ?? []) {
    out.push(
      `\n**stuck**: ${mdCell(s.task)} in frame ${s.frame}, ${formatNs(s.overrunNs)} past its deadline; fail-safe: ${mdCell(s.failSafe)}\n`,
    );
  }
  if (report.lease !== undefined) {
    out.push(
      '\n### Lease (hot standby)\n\n',
      `${mdCell(describeLeaseSection(report.lease))}.\n\n`,
      mdTable(['at', 'role', 'token', 'reason'], leaseTransitionRows(report.lease), 'rlrl'),
    );
  }
  const warm = warmupLine(report);
  if (warm !== null) out.push(`\n${mdCell(warm)}.\n`);
  const margin = waiterMarginLine(report);
  if (margin !== null) out.push(`\n${mdCell(margin)}.\n`);
  const doctor = doctorFindings(report.environment);
  if (doctor !== null) {
    out.push('\n### Machine checks (hardtick doctor)\n\n');
    out.push(
      doctor.open.length === 0
        ? `All ${doctor.total} checks passed at the start of the run.\n`
        : `${doctor.open.length} of ${doctor.total} checks did not pass at the start of the run:\n\n` +
            mdTable(
              ['status', 'check', 'found', 'fix'],
              doctor.open.map((d) => [d.status, d.id, d.found, d.fix]),
              'llll',
            ),
    );
  }
  out.push('\n### Environment\n\n', fingerprintTable(report));
  return out.join('');
}
