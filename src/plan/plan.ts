/**
 * The planner: task set → checked cyclic schedule (or the reasons there is none).
 * Pure and deterministic; the only outside input is the `now` function used to honour
 * `limits.timeoutMs` (search verdicts are otherwise decided by node counts, not time).
 */
import type { PlanLimits, ResolvedTask } from '../config/types.js';
import { WholeSearch } from './assign.js';
import { proposeFixes } from './diagnose.js';
import { formatNs } from './format.js';
import { frameCandidates, frameFailures } from './frames.js';
import { checkHyperperiod } from './hyperperiod.js';
import { buildJobs, type FrameLayout, type JobSet, layoutJobs, type Placements } from './jobs.js';
import { buildFrames } from './output.js';
import { solveSliced } from './slice.js';
import type { Diagnostic, PlanMode, PlanResult } from './types.js';

export type { PlanMode } from './types.js';

/** Knobs that are not part of the config. */
export interface PlanOptions {
  /** Monotonic clock in ms, read only to honour `limits.timeoutMs`. @default performance.now */
  readonly now?: () => number;
  /**
   * Smallest frame size tried when slicing lets f go below the largest budget (tinier
   * frames cost more in dispatch overhead than they buy). @default 100_000 (100 µs)
   */
  readonly minFrameNs?: number;
  /** Look for fixes (slicing, budget, period, frame) when infeasible. @default true */
  readonly suggest?: boolean;
}

/** Default of {@link PlanOptions.minFrameNs}. */
export const DEFAULT_MIN_FRAME_NS = 100_000;

/** Node limit of the first search round per frame size; each later round multiplies it by 8. */
const FIRST_ROUND_NODES = 20_000;
/** With slicing on, how hard to look for a placement without slices before slicing. */
const WHOLE_FIRST_NODES = 20_000;

/** Shared state of one planning call (and the trial plans of its suggestions). */
export interface PlanContext {
  readonly now: () => number;
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly minFrameNs: number;
  readonly expired: () => boolean;
}

/** Result of {@link planCore} plus whether suggestions make sense for it. */
export interface CoreOutcome {
  readonly result: PlanResult;
  /** True when the set is infeasible for a scheduling reason (not limits, input or time). */
  readonly suggestible: boolean;
}

/**
 * Plans a cyclic schedule for `mode`.
 *
 * - H = lcm of periods (exact); over `limits.maxHyperperiodNs` or `limits.maxJobs` jobs →
 *   `hyperperiod_limit` / `job_limit`.
 * - Frame sizes: the fixed `frame`, or every divisor of H passing the constraints in
 *   frames.ts, largest first; the first one with an assignment wins.
 * - Without slicing, whole jobs are placed by an exact, node- and time-bounded search
 *   (assign.ts); with `slicing: 'auto'` a placement without slices is tried first, then
 *   EDF slicing at frame boundaries (slice.ts).
 * - Infeasible results carry the reasons and, unless `options.suggest` is false, fixes
 *   that were verified by planning the changed set (`suggest_slice`, `suggest_budget`,
 *   `suggest_period`, `suggest_frame`).
 *
 * Job k of task i is released at φᵢ + k·pᵢ (k < H/pᵢ), due Dᵢ later; windows running past
 * H wrap to the first frames of the table (see jobs.ts).
 */
export function planSchedule(mode: PlanMode, limits: PlanLimits, options: PlanOptions = {}): PlanResult {
  const now = options.now ?? (() => performance.now());
  const startMs = now();
  const deadlineMs = startMs + limits.timeoutMs;
  const ctx: PlanContext = {
    now,
    startMs,
    deadlineMs,
    minFrameNs: options.minFrameNs ?? DEFAULT_MIN_FRAME_NS,
    expired: () => now() >= deadlineMs,
  };
  const core = planCore(mode, limits, ctx, Number.POSITIVE_INFINITY);
  if (core.result.feasible || !core.suggestible || options.suggest === false) return summarised(core.result);
  // Suggestions get a quarter of the time budget (at least 200 ms), never past the deadline.
  const fixDeadlineMs = Math.min(deadlineMs, now() + Math.max(200, limits.timeoutMs / 4));
  const fixCtx: PlanContext = { ...ctx, deadlineMs: fixDeadlineMs, expired: () => now() >= fixDeadlineMs };
  const fixes = proposeFixes(mode, (trial) => {
    if (fixCtx.expired()) return null;
    const out = planCore(trial, limits, fixCtx, 1);
    return out.result.feasible ? out.result : out.suggestible ? false : null;
  });
  return summarised({ ...core.result, diagnostics: [...core.result.diagnostics, ...fixes] });
}

/** Most diagnostics a plan carries; the rest are counted in one last `diagnostics_truncated`. */
export const MAX_DIAGNOSTICS = 20;

/** Most characters of one diagnostic message (names and figures are bounded, this is the backstop). */
const MAX_MESSAGE_LENGTH = 2000;

/** A result whose diagnostics are few and short, whatever the task set. */
function summarised(result: PlanResult): PlanResult {
  const long = result.diagnostics.some((d) => d.message.length > MAX_MESSAGE_LENGTH);
  if (result.diagnostics.length <= MAX_DIAGNOSTICS && !long) return result;
  const kept = result.diagnostics
    .slice(0, MAX_DIAGNOSTICS)
    .map((d) =>
      d.message.length > MAX_MESSAGE_LENGTH
        ? { ...d, message: `${d.message.slice(0, MAX_MESSAGE_LENGTH)}… (${d.message.length} characters)` }
        : d,
    );
  const dropped = result.diagnostics.length - kept.length;
  if (dropped > 0) {
    kept.push({
      code: 'diagnostics_truncated',
      message: `${dropped} more diagnostic(s) not shown (the first ${MAX_DIAGNOSTICS} are)`,
    });
  }
  return { ...result, diagnostics: kept };
}

interface Candidate {
  readonly frameNs: number;
  layout: FrameLayout | null;
  search: WholeSearch | null;
  status: 'open' | 'undecided' | 'infeasible';
  reason: Diagnostic | null;
}

/**
 * One planning attempt without suggestions. `maxRounds` bounds the whole-job search
 * rounds (the first has {@link FIRST_ROUND_NODES} nodes, each next ×8); trial plans of
 * suggestions use 1.
 */
export function planCore(
  mode: PlanMode,
  limits: PlanLimits,
  ctx: PlanContext,
  maxRounds: number,
): CoreOutcome {
  const tasks = mode.tasks;
  const slicing = mode.slicing === 'auto';
  const invalid = inputProblems(tasks, mode.frame);
  if (invalid.length > 0) return stop(0, [], invalid);
  const hyper = checkHyperperiod(tasks, limits);
  if (!hyper.ok) return stop(hyper.hyperperiodNs, [], hyper.diagnostics);
  const hNs = hyper.hyperperiodNs;

  // Overload: demand per hyperperiod Σ eᵢ·H/pᵢ against H (exact integers).
  let demandNs = 0;
  let maxBudget = tasks[0]!;
  for (const t of tasks) {
    demandNs += t.budgetNs * (hNs / t.periodNs);
    if (t.budgetNs > maxBudget.budgetNs) maxBudget = t;
  }
  if (demandNs > hNs) {
    const u = (demandNs / hNs).toFixed(3);
    return infeasible(
      hNs,
      0,
      [],
      [
        {
          code: 'overload',
          message: `utilization ${u} > 1: the jobs of one hyperperiod (${formatNs(hNs)}) need ${formatNs(demandNs)} of CPU time`,
        },
      ],
    );
  }

  // Frame-size candidates.
  let candidatesNs: number[];
  if (mode.frame !== 'auto') {
    const f = mode.frame;
    const failures = frameFailures(tasks, hNs, f, slicing);
    if (failures.length === 0 && hNs / f > limits.maxJobs) {
      failures.push({
        code: 'frame_limit',
        message: `f=${formatNs(f)} gives ${hNs / f} frames per hyperperiod, above the limit ${limits.maxJobs}`,
      });
    }
    if (failures.length > 0) return infeasible(hNs, 0, [], failures);
    candidatesNs = [f];
  } else {
    const lo0 = slicing ? Math.min(maxBudget.budgetNs, ctx.minFrameNs) : maxBudget.budgetNs;
    const loNs = Math.max(lo0, Math.ceil(hNs / limits.maxJobs));
    const found = frameCandidates(tasks, hNs, loNs, slicing, ctx.expired);
    if (found.timedOut) return timedOut(ctx, 'examining frame sizes');
    candidatesNs = found.candidatesNs;
    if (candidatesNs.length === 0)
      return infeasible(hNs, 0, [], noFrameDiagnostics(tasks, hNs, found, slicing, maxBudget));
  }

  if (ctx.expired()) return timedOut(ctx, 'before building the jobs');
  const jobs = buildJobs(tasks, hNs, hyper.jobCount);
  const candidates: Candidate[] = candidatesNs.map((frameNs) => ({
    frameNs,
    layout: null,
    search: null,
    status: 'open',
    reason: null,
  }));
  const timeout = (c: Candidate): CoreOutcome =>
    stop(hNs, candidatesNs, [
      {
        code: 'search_timeout',
        message: `gave up after ${Math.round(ctx.now() - ctx.startMs)} ms (limit ${ctx.deadlineMs - ctx.startMs} ms) while searching an assignment for f=${formatNs(c.frameNs)}; raise limits.timeoutMs, set "slicing": "auto", or reduce the load`,
      },
    ]);
  const layoutOf = (c: Candidate): FrameLayout => {
    c.layout ??= layoutJobs(jobs, c.frameNs);
    // The frame constraint guarantees every job a whole frame, so layoutJobs never fails here.
    return c.layout!;
  };

  if (slicing) {
    for (const c of candidates) {
      if (ctx.expired()) return timeout(c);
      const layout = layoutOf(c);
      if (c.frameNs >= maxBudget.budgetNs) {
        const whole = new WholeSearch(jobs, layout).run(WHOLE_FIRST_NODES, ctx.expired);
        if (whole.kind === 'feasible')
          return done(tasks, jobs, layout, wholePlacements(jobs, whole.frameOfJob), candidatesNs, []);
        if (whole.kind === 'timeout') return timeout(c);
      }
      const sliced = solveSliced(jobs, layout, true, ctx.expired);
      if (sliced.kind === 'feasible') return done(tasks, jobs, layout, sliced.placements, candidatesNs, []);
      if (sliced.kind === 'timeout') return timeout(c);
      c.status = sliced.kind === 'too_large' ? 'undecided' : 'infeasible';
      c.reason =
        sliced.kind === 'too_large'
          ? {
              code: 'search_limit',
              message: `f=${formatNs(c.frameNs)}: the cyclic flow network is too large to build`,
            }
          : missDiagnostic(tasks, jobs, c.frameNs, sliced.job, true);
    }
    return infeasible(hNs, 0, candidatesNs, noAssignment(candidates));
  }

  let nodeLimit = FIRST_ROUND_NODES;
  let best: { c: Candidate; placements: Placements } | null = null;
  for (let round = 0; round < maxRounds; round++) {
    for (const c of candidates) {
      if (best !== null && c.frameNs <= best.c.frameNs) break;
      if (c.status === 'infeasible') continue;
      if (ctx.expired()) {
        if (best !== null) break;
        return timeout(c);
      }
      const layout = layoutOf(c);
      c.search ??= new WholeSearch(jobs, layout);
      const r = c.search.run(nodeLimit, ctx.expired);
      if (r.kind === 'feasible') {
        best = { c, placements: wholePlacements(jobs, r.frameOfJob) };
        c.layout = layout;
        break;
      }
      if (r.kind === 'timeout') {
        if (best !== null) break;
        return timeout(c);
      }
      if (r.kind === 'infeasible') {
        c.status = 'infeasible';
        c.reason = relaxationReason(tasks, jobs, layout, ctx) ?? {
          code: 'no_assignment',
          message: `f=${formatNs(c.frameNs)}: the frames have room for all the work if jobs could be split, but no placement of whole jobs exists`,
        };
        continue;
      }
      // Node limit reached: on the first round, the sliced relaxation may still prove it infeasible.
      if (c.status === 'open') {
        const reason = relaxationReason(tasks, jobs, layout, ctx);
        c.status = reason === null ? 'undecided' : 'infeasible';
        c.reason = reason;
      }
    }
    const open = candidates.some(
      (c) => c.status !== 'infeasible' && (best === null || c.frameNs > best.c.frameNs),
    );
    if (!open || ctx.expired()) break;
    nodeLimit *= 8;
  }
  if (best !== null) {
    const notices: Diagnostic[] = [];
    const larger = candidates.filter((c) => c.frameNs > best.c.frameNs && c.status !== 'infeasible');
    if (larger.length > 0) {
      const shown = larger.slice(0, 5).map((c) => formatNs(c.frameNs));
      const more = larger.length > shown.length ? ` and ${larger.length - shown.length} more` : '';
      notices.push({
        code: 'frame_undecided',
        message: `larger frame sizes ${shown.join(', ')}${more} were left undecided within the search budget`,
      });
    }
    return done(tasks, jobs, best.c.layout!, best.placements, candidatesNs, notices);
  }
  const undecided = candidates.find((c) => c.status !== 'infeasible');
  if (undecided !== undefined) {
    return maxRounds === Number.POSITIVE_INFINITY
      ? timeout(undecided)
      : stop(hNs, candidatesNs, [{ code: 'search_limit', message: 'search node limit reached' }]);
  }
  return infeasible(hNs, 0, candidatesNs, noAssignment(candidates));
}

/** `search_timeout` outside the assignment search (frame sizes, job tables). */
function timedOut(ctx: PlanContext, where: string): CoreOutcome {
  return stop(
    0,
    [],
    [
      {
        code: 'search_timeout',
        message: `gave up after ${Math.round(ctx.now() - ctx.startMs)} ms (limit ${ctx.deadlineMs - ctx.startMs} ms) ${where}; raise limits.timeoutMs or use fewer tasks and harmonic periods`,
      },
    ],
  );
}

function wholePlacements(jobs: JobSet, frameOfJob: Int32Array): Placements {
  const job = new Int32Array(jobs.count);
  for (let j = 0; j < jobs.count; j++) job[j] = j;
  return { length: jobs.count, job, uLine: frameOfJob, budgetNs: jobs.budgetNs };
}

/** Null when the sliced relaxation is feasible, else why not (so no whole placement exists either). */
function relaxationReason(
  tasks: readonly ResolvedTask[],
  jobs: JobSet,
  layout: FrameLayout,
  ctx: PlanContext,
): Diagnostic | null {
  const r = solveSliced(jobs, layout, false, ctx.expired);
  if (r.kind !== 'infeasible') return null;
  return missDiagnostic(tasks, jobs, layout.frameNs, r.job, false);
}

function missDiagnostic(
  tasks: readonly ResolvedTask[],
  jobs: JobSet,
  frameNs: number,
  job: number,
  slicing: boolean,
): Diagnostic {
  const f = formatNs(frameNs);
  const how = slicing ? 'with slicing' : 'even with slicing';
  if (job < 0) {
    return {
      code: 'no_assignment',
      message: `f=${f}: ${how}, the frames cannot hold the work of the jobs whose windows wrap around the hyperperiod`,
    };
  }
  const task = tasks[jobs.task[job]!]!;
  return {
    code: 'no_assignment',
    message: `f=${f}: ${how}, job ${jobs.k[job]} of ${task.name} (released ${formatNs(jobs.releaseNs[job]!)}, due ${formatNs(jobs.deadlineNs[job]!)}) cannot get its ${formatNs(task.budgetNs)}: the jobs due by then need more than the frames in their windows hold`,
    task: task.name,
  };
}

function noAssignment(candidates: readonly Candidate[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of candidates) if (c.reason !== null) out.push(c.reason);
  return out;
}

function noFrameDiagnostics(
  tasks: readonly ResolvedTask[],
  hNs: number,
  found: ReturnType<typeof frameCandidates>,
  slicing: boolean,
  maxBudget: ResolvedTask,
): Diagnostic[] {
  const minDeadline = tasks.reduce((m, t) => (t.deadlineNs < m.deadlineNs ? t : m), tasks[0]!);
  const range = `[${formatNs(found.loNs)}${slicing ? '' : ` (budget of ${maxBudget.name})`}, ${formatNs(found.hiNs)} (deadline of ${minDeadline.name})]`;
  const out: Diagnostic[] = [];
  if (found.loNs > found.hiNs) {
    out.push({
      code: 'no_frame_size',
      message: `no frame size fits: f must be at least ${formatNs(found.loNs)}${slicing ? '' : ` (the budget of ${maxBudget.name})`} and at most ${formatNs(found.hiNs)} (the deadline of ${minDeadline.name})${slicing ? '' : '; slicing ("slicing": "auto") lifts the lower bound'}`,
    });
    return out;
  }
  if (found.rejected.length === 0) {
    out.push({
      code: 'no_frame_size',
      message: `no divisor of the hyperperiod H=${formatNs(hNs)} lies in ${range}`,
    });
    return out;
  }
  out.push({
    code: 'no_frame_size',
    message: `none of the ${found.rejected.length} divisors of H=${formatNs(hNs)} in ${range} is a valid frame size; the largest fail as follows`,
  });
  for (const r of found.rejected.slice(0, 3)) out.push(...r.failures.slice(0, 4));
  return out;
}

function inputProblems(tasks: readonly ResolvedTask[], frame: 'auto' | number): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (tasks.length === 0) out.push({ code: 'invalid_task', message: 'the task set is empty' });
  const posInt = (v: number): boolean => Number.isSafeInteger(v) && v > 0;
  for (const t of tasks) {
    const bad: string[] = [];
    if (!posInt(t.periodNs)) bad.push(`period ${t.periodNs}`);
    if (!posInt(t.budgetNs)) bad.push(`budget ${t.budgetNs}`);
    if (!posInt(t.deadlineNs)) bad.push(`deadline ${t.deadlineNs}`);
    if (!Number.isSafeInteger(t.phaseNs) || t.phaseNs < 0) bad.push(`phase ${t.phaseNs}`);
    if (bad.length > 0) {
      out.push({
        code: 'invalid_task',
        message: `${t.name}: ${bad.join(', ')} — times must be positive integer ns (phase ≥ 0)`,
        task: t.name,
      });
    } else if (t.budgetNs > t.deadlineNs) {
      out.push({
        code: 'budget_exceeds_deadline',
        message: `${t.name}: budget ${formatNs(t.budgetNs)} > deadline ${formatNs(t.deadlineNs)}`,
        task: t.name,
      });
    }
  }
  if (frame !== 'auto' && !(Number.isSafeInteger(frame) && frame > 0)) {
    out.push({ code: 'invalid_frame', message: `frame ${frame} must be "auto" or a positive integer ns` });
  }
  return out;
}

function done(
  tasks: readonly ResolvedTask[],
  jobs: JobSet,
  layout: FrameLayout,
  placements: Placements,
  candidatesNs: number[],
  notices: Diagnostic[],
): CoreOutcome {
  const built = buildFrames(tasks, jobs, layout, placements);
  return {
    result: {
      feasible: true,
      hyperperiodNs: jobs.hyperperiodNs,
      frameNs: layout.frameNs,
      frames: built.frames,
      slices: built.slices,
      diagnostics: [...notices, ...built.notices],
      candidateFramesNs: candidatesNs,
      jobCount: jobs.count,
    },
    suggestible: false,
  };
}

function infeasible(
  hNs: number,
  frameNs: number,
  candidatesNs: number[],
  diagnostics: Diagnostic[],
): CoreOutcome {
  return {
    result: {
      feasible: false,
      hyperperiodNs: hNs,
      frameNs,
      frames: [],
      slices: {},
      diagnostics,
      candidateFramesNs: candidatesNs,
    },
    suggestible: true,
  };
}

function stop(hNs: number, candidatesNs: number[], diagnostics: readonly Diagnostic[]): CoreOutcome {
  return {
    result: {
      feasible: false,
      hyperperiodNs: hNs,
      frameNs: 0,
      frames: [],
      slices: {},
      diagnostics,
      candidateFramesNs: candidatesNs,
    },
    suggestible: false,
  };
}
