/**
 * The other commands' printed evidence, as a program embedding hardtick would print it
 * too: the plan's JSON and table (`hardtick plan`), the pWCET table and diagnostics
 * (`hardtick pwcet`), the jitter summary (`hardtick jitter`) and the doctor's findings
 * (`hardtick doctor`). Cold path (allocates strings).
 */

import { formatNs } from '../config/duration.js';
import type { ResolvedConfig, ResolvedMode } from '../config/types.js';
import type { PlanResult } from '../plan/types.js';
import { formatP, PWCET_PROBABILITIES, type PwcetResult } from '../pwcet/estimate.js';
import type { JitterResult } from '../time/jitter.js';
import type { TimerSlackResult } from '../time/timer-slack.js';
import type { DoctorReport } from './doctor-report.js';
import { type Column, formatTable, formatUs } from './format.js';

/** The JSON object `plan --json` prints (the documented contract; `mode` and `modes` are extensions). */
export interface PlanJson {
  feasible: boolean;
  hyperperiodNs: number;
  frameNs: number;
  frames: Array<{
    index: number;
    startNs: number;
    loadNs: number;
    slots: Array<{ task: string; job: number; slice: number; budgetNs: number }>;
  }>;
  slices: Record<string, number[]>;
  diagnostics: Array<{ code: string; message: string; task?: string }>;
}

/** Converts a plan to the contract's JSON shape (drops internal fields). */
export function planToJson(plan: PlanResult): PlanJson {
  return {
    feasible: plan.feasible,
    hyperperiodNs: plan.hyperperiodNs,
    frameNs: plan.frameNs,
    frames: plan.frames.map((f) => ({
      index: f.index,
      startNs: f.startNs,
      loadNs: f.loadNs,
      slots: f.slots.map((s) => ({ task: s.task, job: s.job, slice: s.slice, budgetNs: s.budgetNs })),
    })),
    slices: Object.fromEntries(Object.entries(plan.slices).map(([k, v]) => [k, [...v]])),
    diagnostics: plan.diagnostics.map((d) =>
      d.task === undefined
        ? { code: d.code, message: d.message }
        : { code: d.code, message: d.message, task: d.task },
    ),
  };
}

/** Options of {@link renderPlan}. */
export interface RenderPlanOptions {
  /** Frames of the table shown (the summary covers all). @default every frame */
  readonly frames?: number;
}

const BAR_WIDTH = 24;

const FRAME_COLUMNS: readonly Column[] = [
  { header: 'frame' },
  { header: 'start' },
  { header: 'load' },
  { header: 'load bar', align: 'left' },
  { header: 'slack' },
  { header: 'slots (task#job[.slice] budget)', align: 'left' },
];

/**
 * Human-readable rendering of one mode's plan: a summary (frames, busiest frame, minimum
 * slack, slots per task) and a table of the first `options.frames` frames with load bars.
 */
export function renderPlan(
  config: ResolvedConfig,
  mode: ResolvedMode,
  plan: PlanResult,
  options: RenderPlanOptions = {},
): string {
  const lines: string[] = [];
  const title = config.modes.length > 1 ? `${config.name} — mode ${mode.name}` : config.name;
  let utilization = 0;
  for (const t of mode.tasks) utilization += t.budgetNs / t.periodNs;
  lines.push(`${title}: ${mode.tasks.length} task(s), utilization ${(utilization * 100).toFixed(1)} %`);
  lines.push(
    `hyperperiod ${formatNs(plan.hyperperiodNs)}, frame ${plan.frameNs > 0 ? formatNs(plan.frameNs) : '—'}, ` +
      `${plan.frames.length} frame(s)`,
  );
  if (!plan.feasible) {
    lines.push('INFEASIBLE');
    for (const d of plan.diagnostics) lines.push(`  ${d.code}: ${d.message}`);
    return `${lines.join('\n')}\n\n`;
  }
  for (const task of Object.keys(plan.slices)) {
    lines.push(`sliced: ${task} into [${plan.slices[task]!.map((b) => formatNs(b)).join(', ')}]`);
  }
  lines.push('');
  const limit = Math.min(options.frames ?? Number.POSITIVE_INFINITY, plan.frames.length);
  const rows: string[][] = [];
  let minSlackNs = Number.POSITIVE_INFINITY;
  let busiest = plan.frames[0];
  let slots = 0;
  for (const frame of plan.frames) {
    const slackNs = plan.frameNs - frame.loadNs;
    if (slackNs < minSlackNs) minSlackNs = slackNs;
    if (busiest === undefined || frame.loadNs > busiest.loadNs) busiest = frame;
    slots += frame.slots.length;
    if (rows.length >= limit) continue;
    const filled = Math.round((frame.loadNs / plan.frameNs) * BAR_WIDTH);
    rows.push([
      String(frame.index),
      formatNs(frame.startNs),
      formatNs(frame.loadNs),
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`,
      formatNs(slackNs),
      frame.slots
        .map(
          (s) =>
            `${s.task}#${s.job}${Object.hasOwn(plan.slices, s.task) ? `.${s.slice}` : ''} ${formatNs(s.budgetNs)}`,
        )
        .join(', '),
    ]);
  }
  lines.push(formatTable(FRAME_COLUMNS, rows).trimEnd());
  const hidden = plan.frames.length - rows.length;
  if (hidden > 0) {
    lines.push(`… ${hidden} more frame(s) not shown (--frames N shows the first N, --all every one)`);
  }
  lines.push('');
  lines.push(`feasible: minimum frame slack ${formatNs(minSlackNs)}`);
  if (busiest !== undefined) {
    lines.push(
      `busiest frame ${busiest.index}: load ${formatNs(busiest.loadNs)} of ${formatNs(plan.frameNs)} (${((busiest.loadNs / plan.frameNs) * 100).toFixed(1)} %); ${slots} slot(s) in ${plan.frames.length} frame(s)`,
    );
  }
  for (const d of plan.diagnostics) lines.push(`  note ${d.code}: ${d.message}`);
  return `${lines.join('\n')}\n\n`;
}

/** The JSON object `jitter --json` prints: the documented shape plus compatible extra keys. */
export interface JitterJson {
  /** Release period in ns. */
  periodNs: number;
  /** Releases measured. */
  count: number;
  /** Lateness percentiles in ns. */
  latenessNs: { min: number; p50: number; p99: number; p999: number; max: number };
  /** Extension: releases skipped because the loop woke after the next one was due. */
  missedPeriods: number;
  /** Extension: mean lateness in ns (rounded). */
  meanNs: number;
  /** Extension: what was measured with. */
  backend: {
    clock: string;
    waiter: string;
    marginNs: number;
    timerSlackApplied: boolean;
    timerSlackNs: number | null;
  };
}

/** Builds the `--json` object from a measurement. */
export function jitterToJson(result: JitterResult, marginNs: number, slack: TimerSlackResult): JitterJson {
  return {
    periodNs: result.periodNs,
    count: result.count,
    latenessNs: { ...result.latenessNs },
    missedPeriods: result.details.missedPeriods,
    meanNs: Math.round(result.details.meanNs),
    backend: {
      clock: result.details.clock,
      waiter: result.details.waiter,
      marginNs,
      timerSlackApplied: slack.applied,
      timerSlackNs: slack.applied ? 1 : slack.previousNs,
    },
  };
}

/** Human-readable report: one line of context, a percentile table in µs, the backend. */
export function renderJitter(json: JitterJson, slack: TimerSlackResult): string {
  const l = json.latenessNs;
  const seconds = (json.count * json.periodNs) / 1e9;
  const missedPct = json.count > 0 ? (100 * json.missedPeriods) / (json.count + json.missedPeriods) : 0;
  const slackText = slack.applied
    ? `lowered to 1 ns (was ${slack.previousNs ?? '?'} ns)`
    : `not lowered (${slack.reason ?? 'unknown reason'})`;
  const waiterText =
    json.backend.waiter === 'hybrid'
      ? `hybrid (Atomics.wait, then spin the last ${formatUs(json.backend.marginNs)} µs)`
      : json.backend.waiter === 'native-abs'
        ? `native-abs (clock_nanosleep TIMER_ABSTIME, then spin the last ${formatUs(json.backend.marginNs)} µs)`
        : json.backend.waiter;
  return (
    `release lateness at a ${formatUs(json.periodNs)} µs period: ${json.count} releases in ${seconds.toFixed(1)} s, ` +
    `${json.missedPeriods} missed (${missedPct.toFixed(2)} %)\n\n` +
    formatTable(
      [
        { header: 'lateness (µs)', align: 'left' },
        { header: 'min' },
        { header: 'p50' },
        { header: 'p99' },
        { header: 'p99.9' },
        { header: 'max' },
        { header: 'mean' },
      ],
      [
        [
          '',
          formatUs(l.min),
          formatUs(l.p50),
          formatUs(l.p99),
          formatUs(l.p999),
          formatUs(l.max),
          formatUs(json.meanNs),
        ],
      ],
    ) +
    `\nclock: ${json.backend.clock}\nwaiter: ${waiterText}\ntimer slack: ${slackText}\n`
  );
}

/** Where the samples came from (printed, and in `--json` as `source`). */
export interface PwcetSource {
  readonly file: string;
  /** The task, for a run report. */
  readonly task: string | null;
  /** Header line of a samples file, if it had one. */
  readonly header: string | null;
}

/** Human-readable report: the figures, the models side by side, the budget verdict, the diagnostics. */
export function renderPwcet(r: PwcetResult, source: PwcetSource): string {
  const d = r.diagnostics;
  const lines: string[] = [];
  const what = source.task === null ? source.file : `task "${source.task}" of ${source.file}`;
  lines.push(
    `pWCET of ${what}: ${r.samples} samples, ${d.sampleSize.blocks} block maxima of ${d.sampleSize.blockSize} jobs`,
  );
  lines.push(`model: ${describeParams(r)}`);
  lines.push(`  why: ${r.choice}`);
  if (r.upperEndpointNs !== null)
    lines.push(`  bounded tail: upper endpoint ${formatUs(r.upperEndpointNs)} µs`);
  lines.push('');
  const fits = r.fits;
  const cols = [
    { header: 'p', align: 'left' as const },
    { header: 'pWCET (µs)' },
    { header: 'empirical' },
    { header: 'gumbel' },
    { header: 'gev' },
    { header: 'gpd' },
  ];
  const rows = PWCET_PROBABILITIES.map((p) => [
    p,
    formatUs(r.pwcetNs[p]),
    r.empiricalNs[p] === undefined ? '-' : formatUs(r.empiricalNs[p]),
    formatUs(fits.gumbel.pwcetNs[p]),
    formatUs(fits.gev.pwcetNs[p]),
    fits.gpd === null ? '-' : formatUs(fits.gpd.pwcetNs[p]),
  ]);
  lines.push(formatTable(cols, rows).trimEnd());
  lines.push(`largest observed: ${formatUs(r.maxObservedNs)} µs`);
  if (r.budgetNs !== null) {
    const at = r.pwcetNs[r.targetP];
    lines.push(
      `budget ${formatUs(r.budgetNs)} µs: pWCET at p = ${r.targetP} is ${formatUs(at)} µs (${((100 * at) / r.budgetNs).toFixed(1)} % of the budget): ${r.fitsBudget ? 'fits' : 'EXCEEDS the budget'}`,
    );
  }
  lines.push('');
  lines.push(`diagnostics: ${d.ok ? 'ok' : 'NOT OK: the data do not support the fit'}`);
  const mark = (ok: boolean): string => (ok ? '  ok  ' : '  FAIL');
  const ind = d.independence;
  lines.push(
    `${mark(ind.ok)} independence: lag-1 r = ${ind.lag1.r.toFixed(3)} (band ±${ind.lag1.band.toFixed(3)}), ` +
      `block maxima r = ${ind.lag1BlockMaxima.r.toFixed(3)} (±${ind.lag1BlockMaxima.band.toFixed(3)}), ` +
      `runs test p = ${formatP(ind.runs.pValue)}${ind.runs.window ? ` (last ${ind.runs.n} values)` : ''}`,
  );
  const st = d.stationarity;
  lines.push(
    `${mark(st.ok)} stationarity: Mann–Kendall on block maxima z = ${st.mannKendall.z.toFixed(2)}, p = ${formatP(st.mannKendall.pValue)}; ` +
      `first vs second half KS p = ${formatP(st.halves.pValue)}`,
  );
  const g = d.goodnessOfFit;
  lines.push(
    `${mark(g.ok)} goodness of fit (${g.model}): Anderson–Darling A² = ${g.andersonDarling.toFixed(2)} (reject above 1.0), KS D = ${g.ksD.toFixed(3)}`,
  );
  lines.push(
    `${mark(d.sampleSize.ok)} sample size: ${d.sampleSize.blocks} block maxima; observed down to p ≈ 1/n = ${formatP(d.sampleSize.observedP)}`,
  );
  for (const note of d.notes) lines.push(`note: ${note}`);
  for (const warning of d.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

function describeParams(r: PwcetResult): string {
  const p = r.params;
  if ('thresholdNs' in p) {
    return `gpd over u = ${formatUs(p.thresholdNs)} µs (${p.exceedances} exceedances, rate ${formatP(p.exceedanceRate)}): σ = ${formatUs(p.sigmaNs)} µs, ξ = ${p.xi.toFixed(3)}`;
  }
  return `${r.model} on block maxima of ${p.blockSize}: μ = ${formatUs(p.muNs)} µs, σ = ${formatUs(p.sigmaNs)} µs, ξ = ${p.xi.toFixed(3)}`;
}

/** The human form: one aligned line per check, then the fix of each warning and failure. */
export function formatDoctor(report: DoctorReport, file?: string): string {
  const { pass, warn, fail } = report.counts;
  const out = [
    `hardtick doctor${file === undefined ? '' : ` ${file}`}: ${pass} pass, ${warn} warn, ${fail} fail (${Math.round(report.tookMs)} ms)\n\n`,
    formatTable(
      [
        { header: 'status', align: 'left' },
        { header: 'check', align: 'left' },
        { header: 'found', align: 'left' },
      ],
      report.checks.map((c) => [c.status, c.id, c.found]),
    ),
  ];
  const open = [
    ...report.checks.filter((c) => c.status === 'fail'),
    ...report.checks.filter((c) => c.status === 'warn'),
  ];
  if (open.length > 0) out.push('\nFixes:\n');
  for (const c of open) out.push(`\n${c.status} ${c.id}: ${c.why}\n  fix: ${c.fix}\n`);
  return out.join('');
}
