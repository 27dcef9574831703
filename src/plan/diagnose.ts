/**
 * Fix suggestions for an infeasible task set. Every suggestion is verified: the changed
 * set is planned (with a small node budget) and only changes that produce a feasible plan
 * are reported. The number of trials is bounded (≈ 50) and so is their time.
 */
import type { ResolvedTask } from '../config/types.js';
import { formatNs, formatNsList } from './format.js';
import type { Diagnostic, PlanMode, PlanResult } from './types.js';

/** Plans a changed set: the plan when feasible, false when infeasible, null when undecided. */
export type TrialPlanner = (trial: PlanMode) => PlanResult | false | null;

/** Tasks examined for budget and period changes. */
const MAX_TASKS_TRIED = 3;
/** Period values tried per task. */
const MAX_PERIODS_TRIED = 6;

/** Suggestions (codes `suggest_slice`, `suggest_frame`, `suggest_budget`, `suggest_period`). */
export function proposeFixes(mode: PlanMode, tryPlan: TrialPlanner): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (mode.slicing === 'off') {
    const sliced = tryPlan({ ...mode, slicing: 'auto' });
    if (sliced) {
      for (const [name, budgets] of Object.entries(sliced.slices)) {
        out.push({
          code: 'suggest_slice',
          message: `slice task ${name} into budgets ${formatNsList(budgets)} (set "slicing": "auto"; it plans with f=${formatNs(sliced.frameNs)})`,
          task: name,
        });
      }
    }
  }
  if (mode.frame !== 'auto') {
    const auto = tryPlan({ ...mode, frame: 'auto' });
    if (auto) {
      out.push({
        code: 'suggest_frame',
        message: `use "frame": "auto" (it finds f=${formatNs(auto.frameNs)})`,
      });
    }
  }
  const byBudget = [...mode.tasks].sort((x, y) => y.budgetNs - x.budgetNs || x.index - y.index);
  for (const task of byBudget.slice(0, MAX_TASKS_TRIED)) {
    const fix = largestFeasibleBudget(mode, task, tryPlan);
    if (fix !== null) {
      out.push({
        code: 'suggest_budget',
        message: `reduce the budget of ${task.name} from ${formatNs(task.budgetNs)} to ${formatNs(fix.budgetNs)} (it then plans with f=${formatNs(fix.frameNs)})`,
        task: task.name,
      });
    }
  }
  const byLoad = [...mode.tasks].sort(
    (x, y) => y.budgetNs / y.periodNs - x.budgetNs / x.periodNs || x.index - y.index,
  );
  for (const task of byLoad.slice(0, MAX_TASKS_TRIED)) {
    const fix = nearestFeasiblePeriod(mode, task, tryPlan);
    if (fix !== null) {
      out.push({
        code: 'suggest_period',
        message: `change the period of ${task.name} from ${formatNs(task.periodNs)} to ${formatNs(fix.periodNs)} (it then plans with f=${formatNs(fix.frameNs)})`,
        task: task.name,
      });
    }
  }
  return out;
}

function withTask(mode: PlanMode, task: ResolvedTask, change: Partial<ResolvedTask>): PlanMode {
  return { ...mode, tasks: mode.tasks.map((t) => (t === task ? { ...t, ...change } : t)) };
}

/**
 * Bisection for the largest budget of `task` that plans (feasibility is monotone in a
 * budget: a smaller one never breaks a schedule), to a granularity of ~1% of the budget.
 */
function largestFeasibleBudget(
  mode: PlanMode,
  task: ResolvedTask,
  tryPlan: TrialPlanner,
): { budgetNs: number; frameNs: number } | null {
  const stepNs = Math.max(1, 10 ** (Math.floor(Math.log10(task.budgetNs)) - 2));
  let lo = stepNs;
  if (lo >= task.budgetNs) return null;
  const first = tryPlan(withTask(mode, task, { budgetNs: lo }));
  if (!first) return null;
  let best = { budgetNs: lo, frameNs: first.frameNs };
  let hi = task.budgetNs;
  while (hi - lo > stepNs) {
    const mid = lo + Math.floor((hi - lo) / 2 / stepNs) * stepNs;
    const r = tryPlan(withTask(mode, task, { budgetNs: mid }));
    if (r === null) break;
    if (r) {
      lo = mid;
      best = { budgetNs: mid, frameNs: r.frameNs };
    } else hi = mid;
  }
  return best;
}

/**
 * Tries periods harmonic with the other tasks' (their periods, doubles and halves) within
 * [p/2, 2p], closest first; the deadline follows the period when it equalled it.
 */
function nearestFeasiblePeriod(
  mode: PlanMode,
  task: ResolvedTask,
  tryPlan: TrialPlanner,
): { periodNs: number; frameNs: number } | null {
  const values = new Set<number>();
  for (const other of mode.tasks) {
    if (other === task) continue;
    for (const v of [other.periodNs, other.periodNs * 2, other.periodNs / 2]) {
      if (Number.isInteger(v) && v !== task.periodNs && v >= task.periodNs / 2 && v <= task.periodNs * 2) {
        values.add(v);
      }
    }
  }
  const ordered = [...values]
    .filter((v) => v >= task.budgetNs)
    .sort((x, y) => Math.abs(x - task.periodNs) - Math.abs(y - task.periodNs) || x - y)
    .slice(0, MAX_PERIODS_TRIED);
  for (const periodNs of ordered) {
    const deadlineNs = task.deadlineNs === task.periodNs ? periodNs : Math.min(task.deadlineNs, periodNs);
    if (deadlineNs < task.budgetNs) continue;
    const r = tryPlan(withTask(mode, task, { periodNs, deadlineNs }));
    if (r === null) return null;
    if (r) return { periodNs, frameNs: r.frameNs };
  }
  return null;
}
