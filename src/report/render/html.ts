/**
 * `hardtick report --format html`: one self-contained HTML file (inline CSS and SVG, no
 * script, no external resource: it opens offline) with the run's evidence:
 * - a verdict per task (the `hardtick check` rules, without a baseline);
 * - per task, the execution-time histogram on log-log axes with the budget line, and the
 *   exceedance curve (empirical, from the histogram; the pWCET curve when the report has
 *   one, else a note saying so);
 * - the release-lateness distribution (its percentiles, against the frame size);
 * - a timeline of the worst traced frames: slots as bars against the frame boundaries;
 * - the alarms (every kind the report lists), pauses, GC, and the environment fingerprint.
 * Cold path.
 */
import { evaluateCheck } from '../check/evaluate.js';
import { describeLeaseSection, leaseTransitionRows } from '../lease.js';
import type { LoadedRunReport, LoadedTask, LoadedTraceEntry } from '../read.js';
import {
  alarmEntries,
  crashLine,
  doctorFindings,
  fingerprintRows,
  flagNames,
  formatNs,
  formatRatio,
  framesLine,
  gcEntries,
  gcWarningRows,
  isMultiMode,
  maxOf,
  minOf,
  notRunLine,
  OVERRUN_FLAGS,
  pwcetAt1e9,
  pwcetPoints,
  RELEASE_HEADERS,
  releaseRows,
  taskLabel,
  traceSlots,
  waiterMarginLine,
  warmupLine,
} from './common.js';
import { esc, linearScale, logScale, n2, probTick, timeTick, xAxis, yAxis } from './svg.js';

/** Task colours (colour-blind-friendly Okabe–Ito palette), by task index. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** Frames shown in the worst-frames timeline. */
export const WORST_FRAMES_SHOWN = 8;

/** Most frame-boundary lines drawn in the timeline (beyond that, none: they would be a solid block). */
export const MAX_FRAME_BOUNDARIES = 64;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:16px 0 4px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:left}
th{background:#f6f8fa}td.l,th.l{text-align:left;white-space:normal}
.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700;font-weight:600}.skip{color:#57606a}.over{color:#cf222e;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:12px}.note{color:#57606a;font-style:italic}
svg{background:#fff;border:1px solid #eaeef2}svg text{font:11px system-ui,sans-serif;fill:#1b1f24}
svg .axis,svg .tick{stroke:#57606a;stroke-width:1}svg .grid{stroke:#eaeef2}svg .at{font-weight:600}
svg .budget{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:5 3}svg .bl{fill:#cf222e}
svg .maxl{stroke:#1b1f24;stroke-width:1;stroke-dasharray:2 2}svg .bar{fill:#0072B2;opacity:.85}
svg .emp{fill:none;stroke:#0072B2;stroke-width:1.5}svg .pw{fill:none;stroke:#8250df;stroke-width:1.5}svg .pwp{fill:#8250df}
svg .frameb{stroke:#57606a;stroke-dasharray:4 3}svg .slot-over{stroke:#cf222e;stroke-width:2.5}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}.badge.pass{background:#dafbe1}.badge.fail{background:#ffebe9}
`;

/** Renders the report as one self-contained HTML document. */
export function renderHtml(report: LoadedRunReport): string {
  const name = report.config?.name ?? 'run';
  const multi = isMultiMode(report);
  const check = evaluateCheck({ report });
  const body: string[] = [];
  body.push(
    `<h1>hardtick run: ${esc(name)} <span class="badge ${check.passed ? 'pass' : 'fail'}">${check.passed ? 'within budget' : 'check failed'}</span></h1>`,
    `<p>${report.frames.count} frames${report.frameNs === undefined ? '' : ` of ${esc(formatNs(report.frameNs))}`}` +
      `${report.durationNs === undefined ? '' : ` in ${esc(formatNs(report.durationNs))}`}` +
      `${report.startedAt === undefined ? '' : `, started ${esc(report.startedAt)}`}` +
      `${report.stopReason === undefined || report.stopReason === null ? '' : `, stopped: ${esc(report.stopReason)}`}.</p>`,
  );
  const crash = crashLine(report);
  if (crash !== null) body.push(`<p class="fail">${esc(crash)}</p>`);
  body.push('<h2 id="summary">Tasks</h2>', summaryTable(report, multi, check));
  const releases = releaseRows(report);
  if (releases.length > 0) {
    const line = notRunLine(report);
    body.push(
      '<h2 id="releases">Releases</h2>',
      '<p>Every release ran (on time or late) or did not run for one cause; a job not run by its deadline is a deadline miss.</p>',
      table(
        RELEASE_HEADERS.map(esc),
        releases.map((r) => r.map(esc)),
        'l',
      ),
      line === null ? '' : `<p>${esc(line)}.</p>`,
    );
  }
  body.push('<h2 id="tasks">Execution time per task</h2>');
  report.tasks.forEach((task, i) => {
    body.push(taskSection(task, i, multi));
  });
  body.push('<h2 id="lateness">Release lateness</h2>', latenessChart(report));
  body.push('<h2 id="worst-frames">Worst frames</h2>', worstFrames(report));
  body.push('<h2 id="alarms">Alarms</h2>', alarmsSection(report));
  if (report.lease !== undefined) {
    body.push(
      '<h2 id="lease">Lease (hot standby)</h2>',
      `<p>${esc(describeLeaseSection(report.lease))}.</p>`,
      table(
        ['at', 'role', 'token', 'reason'],
        leaseTransitionRows(report.lease).map((row) => row.map(esc)),
        'rlrl',
      ),
    );
  }
  const doctor = doctorFindings(report.environment);
  if (doctor !== null)
    body.push('<h2 id="doctor">Machine checks (hardtick doctor)</h2>', doctorSection(doctor));
  body.push(
    '<h2 id="environment">Environment</h2>',
    table(
      ['', ''],
      fingerprintRows(report.environment).map(([k, v]) => [esc(k), esc(v)]),
      'll',
    ),
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>hardtick run report: ${esc(name)}</title>`,
    `<style>${CSS}</style></head><body>`,
    ...body,
    `<p class="note">Written by hardtick ${esc(report.environment.hardtick ?? '')} from a hardtick.run/v1 report.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], align?: string): string {
  const cls = (i: number): string => ((align ?? '').charAt(i) === 'l' ? ' class="l"' : '');
  return (
    `<table><thead><tr>${headers.map((h, i) => `<th${cls(i)}>${h}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function summaryTable(
  report: LoadedRunReport,
  multi: boolean,
  check: ReturnType<typeof evaluateCheck>,
): string {
  const pw = report.tasks.some((t) => pwcetPoints(t).length > 0);
  const rows = report.tasks.map((t, i) => {
    const label = taskLabel(t, multi);
    const failed = check.cases.filter((c) => c.task === label && c.status === 'fail').map((c) => c.rule);
    const over = t.execNs.max > t.budgetNs;
    const p9 = pwcetAt1e9(t);
    return [
      `<i style="display:inline-block;width:10px;height:10px;background:${PALETTE[i % PALETTE.length]}"></i> <a href="#task-${i}">${esc(label)}</a>`,
      esc(formatNs(t.budgetNs)),
      esc(formatNs(t.execNs.p50)),
      esc(formatNs(t.execNs.p99)),
      esc(formatNs(t.execNs.p999)),
      `<span class="${over ? 'over' : ''}">${esc(formatNs(t.execNs.max))}</span>`,
      esc(t.budgetNs > 0 ? formatRatio(t.execNs.max / t.budgetNs) : '-'),
      ...(pw ? [esc(p9 === null ? '-' : formatNs(p9))] : []),
      String(t.overruns),
      String(t.deadlineMisses),
      String(t.errors),
      failed.length === 0
        ? '<span class="pass">pass</span>'
        : `<span class="fail">${esc(failed.join(', '))}</span>`,
    ];
  });
  return table(
    [
      'task',
      'budget',
      'p50',
      'p99',
      'p99.9',
      'max',
      'max/budget',
      ...(pw ? ['pWCET @1e-9'] : []),
      'overruns',
      'deadline misses',
      'errors',
      'check',
    ],
    rows,
  );
}

function taskSection(task: LoadedTask, index: number, multi: boolean): string {
  const label = taskLabel(task, multi);
  const figures =
    `budget ${formatNs(task.budgetNs)} · max ${formatNs(task.execNs.max)}` +
    `${task.execMaxFrame === undefined ? '' : ` (frame ${task.execMaxFrame})`} · p99 ${formatNs(task.execNs.p99)} · ` +
    `${task.execNs.count ?? task.runs ?? '?'} runs`;
  const warnings = (task.pwcet?.diagnostics?.warnings ?? []).map((w) => `<li>${esc(w)}</li>`).join('');
  return [
    `<section class="task" id="task-${index}" data-task="${esc(label)}">`,
    `<h3>${esc(label)}</h3><p>${esc(figures)}</p>`,
    '<div class="charts">',
    histogramChart(task),
    exceedanceChart(task),
    '</div>',
    warnings === '' ? '' : `<ul class="note">${warnings}</ul>`,
    '</section>',
  ].join('');
}

const W = 520;
const H = 260;
const M = { l: 62, r: 16, t: 14, b: 44 };

/** Histogram buckets re-binned to `perDecade` log bins: `[lowNs, highNs, count]`. */
export function logBins(
  buckets: readonly (readonly [number, number, number])[],
  perDecade = 20,
): [number, number, number][] {
  const bins = new Map<number, number>();
  for (const [low, high, count] of buckets) {
    if (count <= 0) continue;
    const mid = Math.max(1, (low + high) / 2);
    const k = Math.floor(Math.log10(mid) * perDecade);
    bins.set(k, (bins.get(k) ?? 0) + count);
  }
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, c]) => [10 ** (k / perDecade), 10 ** ((k + 1) / perDecade), c]);
}

function budgetLine(x: number, y0: number, y1: number, text: string): string {
  return (
    `<line class="budget" x1="${n2(x)}" y1="${n2(y0)}" x2="${n2(x)}" y2="${n2(y1)}"/>` +
    `<text class="bl" x="${n2(x - 4)}" y="${n2(y0 + 10)}" text-anchor="end">${esc(text)}</text>`
  );
}

function svgOpen(cls: string, title: string): string {
  return `<svg class="${cls}" role="img" aria-label="${esc(title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>`;
}

function histogramChart(task: LoadedTask): string {
  const buckets = task.execHistogram ?? [];
  if (buckets.length === 0) {
    return `<div class="histogram"><p class="note">no execution-time histogram in this report</p></div>`;
  }
  const bins = logBins(buckets);
  if (bins.length === 0) {
    return `<div class="histogram"><p class="note">no execution recorded in this report's histogram</p></div>`;
  }
  const lo = Math.min(bins[0]![0], task.budgetNs) / 1.5;
  const hi = Math.max(bins[bins.length - 1]![1], task.budgetNs, task.execNs.max) * 1.5;
  const x = logScale(lo, hi, M.l, W - M.r);
  const maxCount = maxOf(
    bins.map((b) => b[2]),
    1,
  );
  const y = logScale(0.7, maxCount * 2, H - M.b, M.t);
  const parts = [svgOpen('histogram', `execution-time histogram of ${task.name}`)];
  for (const t of x.ticks())
    parts.push(`<line class="grid" x1="${n2(x(t))}" y1="${M.t}" x2="${n2(x(t))}" y2="${H - M.b}"/>`);
  for (const [low, high, count] of bins) {
    const x0 = x(low);
    const x1 = Math.max(x0 + 1, x(high) - 0.5);
    const top = y(count);
    parts.push(
      `<rect class="bar" x="${n2(x0)}" y="${n2(top)}" width="${n2(x1 - x0)}" height="${n2(H - M.b - top)}"><title>${esc(`${timeTick(low)}–${timeTick(high)}: ${count}`)}</title></rect>`,
    );
  }
  parts.push(
    `<line class="maxl" x1="${n2(x(task.execNs.max))}" y1="${M.t}" x2="${n2(x(task.execNs.max))}" y2="${H - M.b}"><title>max ${esc(formatNs(task.execNs.max))}</title></line>`,
    budgetLine(x(task.budgetNs), M.t, H - M.b, `budget ${timeTick(task.budgetNs)}`),
    xAxis(x, H - M.b, timeTick, 'execution time (log)'),
    yAxis(y, M.l, (v) => (v >= 1 ? String(v) : ''), 'runs (log)'),
    '</svg>',
  );
  return parts.join('');
}

/** Empirical exceedance points `[ns, P(X > ns)]` from histogram buckets. */
export function empiricalExceedance(
  buckets: readonly (readonly [number, number, number])[],
): [number, number][] {
  const sorted = [...buckets].filter((b) => b[2] > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, b) => s + b[2], 0);
  if (total === 0) return [];
  const out: [number, number][] = [[sorted[0]![0], 1]];
  let above = total;
  for (const [, high, count] of sorted) {
    above -= count;
    if (above <= 0) break;
    out.push([high, above / total]);
  }
  return out;
}

function exceedanceChart(task: LoadedTask): string {
  const emp = empiricalExceedance(task.execHistogram ?? []);
  const pw = pwcetPoints(task);
  if (emp.length === 0 && pw.length === 0) {
    return `<div class="exceedance"><p class="note">no exceedance data in this report</p><p class="note">no pWCET in this report</p></div>`;
  }
  const total = (task.execHistogram ?? []).reduce((s, b) => s + b[2], 0);
  // A heavy-tailed fit can put the pWCET decades beyond the data: cap the axis at 1000× the
  // larger of budget and observed max, and list the points beyond it under the chart.
  const cap = Math.max(task.budgetNs, task.execNs.max) * 1000;
  const xs = [...emp.map((p) => p[0]), ...pw.map((p) => Math.min(p[2], cap)), task.budgetNs, task.execNs.max];
  const lo = minOf(xs) / 1.5;
  const hi = maxOf(xs) * 1.5;
  const offScale = pw.filter(([, , ns]) => ns > cap);
  const pMin =
    Math.min(
      minOf(
        pw.map((p) => p[1]),
        1,
      ),
      total > 0 ? 1 / total : 1,
    ) / 3;
  const x = logScale(lo, hi, M.l, W - M.r);
  const y = logScale(pMin, 1, H - M.b, M.t);
  const parts = [svgOpen('exceedance', `exceedance probability of ${task.name}`)];
  for (const t of y.ticks())
    parts.push(`<line class="grid" x1="${M.l}" y1="${n2(y(t))}" x2="${W - M.r}" y2="${n2(y(t))}"/>`);
  if (emp.length > 0) {
    // A step curve: P(X > x) holds until the next bucket edge.
    let d = `M${n2(x(emp[0]![0]))},${n2(y(emp[0]![1]))}`;
    for (let i = 1; i < emp.length; i++) d += ` H${n2(x(emp[i]![0]))} V${n2(y(emp[i]![1]))}`;
    d += ` H${n2(x(task.execNs.max))}`;
    parts.push(`<path class="emp" d="${d}"><title>observed (${total} runs)</title></path>`);
  }
  if (pw.length > 0) {
    parts.push(
      `<polyline class="pw" points="${pw.map(([, p, ns]) => `${n2(x(Math.min(ns, cap)))},${n2(y(p))}`).join(' ')}"/>`,
      ...pw.map(
        ([label, p, ns]) =>
          `<circle class="pwp" cx="${n2(x(Math.min(ns, cap)))}" cy="${n2(y(p))}" r="3"><title>${esc(`pWCET at ${label}: ${formatNs(ns)}`)}</title></circle>`,
      ),
    );
  }
  parts.push(
    budgetLine(x(task.budgetNs), M.t, H - M.b, `budget ${timeTick(task.budgetNs)}`),
    xAxis(x, H - M.b, timeTick, 'execution time (log)'),
    yAxis(y, M.l, probTick, 'P(exec > x)'),
    `<text x="${M.l + 8}" y="${H - M.b - 8}"><tspan fill="#0072B2">— observed</tspan>${pw.length > 0 ? ` <tspan fill="#8250df">● pWCET (${esc(task.pwcet?.model ?? 'model')})</tspan>` : ''}</text>`,
    '</svg>',
  );
  const note =
    pw.length === 0
      ? '<p class="note">no pWCET in this report</p>'
      : offScale.length > 0
        ? `<p class="note">pWCET beyond the chart (drawn at its edge): ${esc(offScale.map(([l, , ns]) => `${l} → ${formatNs(ns)}`).join(', '))}</p>`
        : '';
  return `<div class="exceedance">${parts.join('')}${note}</div>`;
}

function latenessChart(report: LoadedRunReport): string {
  const l = report.release.latenessNs;
  const rows: [string, number][] = [
    ['min', l.min],
    ['p50', l.p50],
    ['p99', l.p99],
    ['p99.9', l.p999],
    ['max', l.max],
  ];
  const frame = report.frameNs;
  const values = rows.map((r) => r[1]).filter((v) => v > 0);
  const lowest = Math.min(minOf(values), frame ?? Number.POSITIVE_INFINITY);
  const lo = Number.isFinite(lowest) ? Math.max(1, lowest / 2) : 1;
  const hi = Math.max(maxOf(values, 0), frame ?? 0, 10) * 1.5;
  const x = logScale(lo, hi, 70, W + 200 - M.r);
  const rowH = 30;
  const h = M.t + rows.length * rowH + M.b;
  const parts = [
    `<svg class="lateness" role="img" aria-label="release lateness" width="${W + 200}" height="${h}" viewBox="0 0 ${W + 200} ${h}" xmlns="http://www.w3.org/2000/svg"><title>release lateness percentiles</title>`,
  ];
  rows.forEach(([name, v], i) => {
    const y0 = M.t + i * rowH + 6;
    const w = Math.max(1, x(Math.max(v, lo)) - 70);
    parts.push(
      `<text x="62" y="${y0 + 13}" text-anchor="end">${name}</text>`,
      `<rect class="bar" x="70" y="${y0}" width="${n2(w)}" height="${rowH - 12}"><title>${esc(`${name}: ${formatNs(v)}`)}</title></rect>`,
      `<text x="${n2(70 + w + 4)}" y="${y0 + 13}">${esc(formatNs(v))}</text>`,
    );
  });
  if (frame !== undefined && frame > 0) {
    parts.push(budgetLine(x(frame), M.t, M.t + rows.length * rowH, `frame ${timeTick(frame)}`));
  }
  parts.push(
    xAxis(x, M.t + rows.length * rowH, timeTick, 'release lateness: frame start − release (log)'),
    '</svg>',
  );
  return `<p>${l.count ?? '?'} releases; frames: ${esc(framesLine(report))}.</p>${parts.join('')}`;
}

/** The frames to draw: overrunning ones first, then the busiest (longest from release to last slot end). */
export function worstFrameNumbers(
  entries: readonly LoadedTraceEntry[],
  count = WORST_FRAMES_SHOWN,
): number[] {
  const byFrame = new Map<number, LoadedTraceEntry[]>();
  for (const e of entries) {
    const list = byFrame.get(e.frame);
    if (list === undefined) byFrame.set(e.frame, [e]);
    else list.push(e);
  }
  const scored = [...byFrame.entries()].map(([frame, list]) => {
    const start = frameStart(list);
    const busy = maxOf(list.map((e) => e.endNs)) - start;
    const flagged = list.some((e) => (e.flags & OVERRUN_FLAGS) !== 0) ? 1 : 0;
    return { frame, busy, flagged };
  });
  scored.sort((a, b) => b.flagged - a.flagged || b.busy - a.busy || a.frame - b.frame);
  return scored.slice(0, count).map((s) => s.frame);
}

/**
 * A frame's release as the report recorded it (the executive's, per its mode: never
 * `frame × frameNs`, wrong after a switch between frame sizes), else its first slot's start.
 */
function frameStart(list: readonly LoadedTraceEntry[]): number {
  const recorded = list.find((e) => e.frameReleaseNs !== undefined)?.frameReleaseNs;
  return recorded ?? minOf(list.map((e) => e.startNs));
}

function worstFrames(report: LoadedRunReport): string {
  const trace = traceSlots(report);
  if (trace === null || trace.length === 0) {
    return '<p class="note" id="no-trace">no trace in this report: run with <code>hardtick run --trace N --report FILE</code></p>';
  }
  const frameNs = report.frameNs;
  const frames = worstFrameNumbers(trace);
  const taskIndex = new Map<string, number>();
  report.tasks.forEach((t, i) => {
    if (!taskIndex.has(t.name)) taskIndex.set(t.name, i);
  });
  const rows = frames.map((frame) => {
    const list = trace.filter((e) => e.frame === frame).sort((a, b) => a.startNs - b.startNs);
    const start = frameStart(list);
    return { frame, start, list };
  });
  const span = Math.max(
    (frameNs ?? 0) * 1.15,
    maxOf(
      rows.map((r) => maxOf(r.list.map((e) => e.endNs)) - r.start),
      0,
    ),
  );
  const width = W + 200;
  const rowH = 28;
  const top = 22;
  const h = top + rows.length * rowH + M.b;
  const x = linearScale(0, span * 1.03, 90, width - M.r);
  const parts = [
    `<svg class="timeline" role="img" aria-label="worst frames" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" xmlns="http://www.w3.org/2000/svg"><title>timeline of the worst frames</title>`,
  ];
  // Frame boundaries are drawn only when few fit the span (a 1 ns frame under a 1 s slot
  // would be a billion lines).
  if (frameNs !== undefined && frameNs > 0 && (span * 1.03) / frameNs <= MAX_FRAME_BOUNDARIES) {
    for (let k = 0; k * frameNs <= span * 1.03; k++) {
      const bx = x(k * frameNs);
      parts.push(
        `<line class="frameb" x1="${n2(bx)}" y1="${top - 6}" x2="${n2(bx)}" y2="${top + rows.length * rowH}"/>`,
        `<text x="${n2(bx + 3)}" y="${top - 9}">${k === 0 ? 'release' : `release +${k}`}</text>`,
      );
    }
  }
  rows.forEach((row, i) => {
    const y0 = top + i * rowH + 4;
    parts.push(`<text x="84" y="${y0 + 14}" text-anchor="end">frame ${row.frame}</text>`);
    for (const e of row.list) {
      const x0 = x(e.startNs - row.start);
      const w = Math.max(1, x(e.endNs - row.start) - x0);
      const over = (e.flags & OVERRUN_FLAGS) !== 0;
      const colour = PALETTE[(taskIndex.get(e.task) ?? 0) % PALETTE.length];
      const flags = flagNames(e.flags);
      const tip = `${e.task}: ${formatNs(e.startNs - row.start)} → ${formatNs(e.endNs - row.start)} (${formatNs(e.endNs - e.startNs)})${flags.length > 0 ? ` ${flags.join(', ')}` : ''}`;
      parts.push(
        `<rect class="slot${over ? ' slot-over' : ''}" data-task="${esc(e.task)}" x="${n2(x0)}" y="${y0}" width="${n2(w)}" height="${rowH - 10}" fill="${colour}"><title>${esc(tip)}</title></rect>`,
      );
    }
  });
  parts.push(xAxis(x, top + rows.length * rowH, timeTick, 'time since the frame’s release'), '</svg>');
  const legend = report.tasks
    .map((t, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(t.name)}</span>`)
    .join('');
  return (
    `<p>${rows.length} of ${new Set(trace.map((e) => e.frame)).size} traced frames: those with an overrun or deadline miss first, then the busiest. A red outline marks an overrunning slot.</p>` +
    `${parts.join('')}<p class="legend">${legend}</p>`
  );
}

function doctorSection(doctor: NonNullable<ReturnType<typeof doctorFindings>>): string {
  if (doctor.open.length === 0) return `<p>All ${doctor.total} checks passed at the start of the run.</p>`;
  return (
    `<p>${doctor.open.length} of ${doctor.total} checks did not pass at the start of the run:</p>` +
    table(
      ['status', 'check', 'found', 'fix'],
      doctor.open.map((d) => [
        `<span class="${d.status}">${d.status}</span>`,
        esc(d.id),
        esc(d.found),
        esc(d.fix),
      ]),
      'llll',
    )
  );
}

function alarmsSection(report: LoadedRunReport): string {
  const fatal = new Set(report.fatal?.kinds ?? []);
  const alarms = alarmEntries(report).map(([kind, n]) => [
    esc(kind),
    n > 0 ? `<span class="${fatal.has(kind) ? 'fail' : 'over'}">${n}</span>` : '0',
    fatal.has(kind) ? 'fatal' : '',
  ]);
  const out = [table(['alarm', 'count', ''], alarms, 'lrl')];
  const pauses = report.pauses?.events ?? [];
  if (pauses.length > 0) {
    out.push(
      `<h3>Pauses (${report.pauses?.count ?? pauses.length})</h3>`,
      table(
        ['at', 'length', 'cause'],
        pauses.map((p) => [esc(formatNs(p.atNs)), esc(formatNs(p.lengthNs)), esc(p.cause)]),
        'rrl',
      ),
    );
  }
  for (const s of report.stuck ?? []) {
    out.push(
      `<p class="fail">stuck: ${esc(s.task)} in frame ${s.frame}, ${esc(formatNs(s.overrunNs))} past its deadline; fail-safe: ${esc(s.failSafe)}</p>`,
    );
  }
  const warm = warmupLine(report);
  if (warm !== null) out.push(`<p class="over">${esc(warm)}</p>`);
  const margin = waiterMarginLine(report);
  if (margin !== null) out.push(`<p>${esc(margin)}</p>`);
  const gc = gcEntries(report).map(([k, v]) => [esc(k), esc(/Ns$/.test(k) ? formatNs(v) : String(v))]);
  out.push('<h3>Garbage collection</h3>', table(['', ''], gc, 'lr'));
  if (report.gc.unavailable !== undefined)
    out.push(`<p class="over">GC not observed: ${esc(report.gc.unavailable)}</p>`);
  const gcWarnings = gcWarningRows(report);
  if (gcWarnings.length > 0) {
    out.push(
      '<h3>GC early warnings (gc.warn)</h3>',
      table(
        ['warning', 'episodes', 'first at', 'worst'],
        gcWarnings.map((r) => r.map(esc)),
        'lrrr',
      ),
    );
  }
  return out.join('');
}
