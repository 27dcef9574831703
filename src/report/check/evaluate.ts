/**
 * `hardtick check`'s verdict: every rule applied to every task (and the run-level rules
 * once), each giving one case that passed, failed or was skipped (allowed, no data, no
 * baseline). Pure: the same reports and rules give the same result.
 */

import { describeCrash } from '../faults.js';
import type { LoadedRunReport, LoadedTask } from '../read.js';
import { compareEnvironments, type EnvironmentDifference, environmentWarning } from './environment-diff.js';
import {
  CHECK_RULES,
  type CheckRuleId,
  type CheckRules,
  DEFAULT_CHECK_RULES,
  isAllowed,
  RUN_LEVEL_RULES,
  toleranceFor,
} from './rules.js';

/** Outcome of one case. */
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One rule applied to one task (or to the run, `task` null). */
export interface CheckCase {
  readonly rule: CheckRuleId;
  /** Task name (`mode/name` when the report has several modes); null for run-level rules. */
  readonly task: string | null;
  readonly status: CheckStatus;
  /** What was found, in words (also for passes). */
  readonly message: string;
  /** The measured figure (ns or a count), null when there is none. */
  readonly value: number | null;
  /** The limit it was held to, null when there is none. */
  readonly limit: number | null;
  /** The figure would have failed but the rules allow it (status `skip`). */
  readonly allowed: boolean;
}

/** The whole verdict. */
export interface CheckResult {
  /** True when no case failed. */
  readonly passed: boolean;
  readonly counts: { readonly pass: number; readonly fail: number; readonly skip: number };
  readonly cases: readonly CheckCase[];
  /** Warnings that do not fail the check (baseline environment, tasks missing from a side). */
  readonly warnings: readonly string[];
  /** Fingerprint fields that differ from the baseline's (empty without a baseline). */
  readonly environmentDifferences: readonly EnvironmentDifference[];
  /** The config name of the run, for titles. */
  readonly name: string;
  /** Whether a baseline was compared. */
  readonly baseline: boolean;
  /** The rules applied. */
  readonly rules: CheckRules;
}

/** Inputs of {@link evaluateCheck}. */
export interface CheckInput {
  readonly report: LoadedRunReport;
  /** @default null (regression rules are skipped) */
  readonly baseline?: LoadedRunReport | null;
  /** @default DEFAULT_CHECK_RULES */
  readonly rules?: CheckRules;
}

/** Display key of a task: `mode/name` when the report has several modes. */
export function taskKey(task: LoadedTask, multiMode: boolean): string {
  return multiMode && task.mode !== undefined ? `${task.mode}/${task.name}` : task.name;
}

function isMultiMode(report: LoadedRunReport): boolean {
  return new Set(report.tasks.map((t) => t.mode ?? '')).size > 1;
}

/** Applies the rules. */
export function evaluateCheck(input: CheckInput): CheckResult {
  const { report } = input;
  const baseline = input.baseline ?? null;
  const rules = input.rules ?? DEFAULT_CHECK_RULES;
  const multi = isMultiMode(report);
  const cases: CheckCase[] = [];
  const warnings: string[] = [];
  const baseByKey = new Map<string, LoadedTask>();
  if (baseline !== null) {
    const baseMulti = isMultiMode(baseline);
    for (const t of baseline.tasks) baseByKey.set(taskKey(t, baseMulti), t);
    // A single-mode baseline against a multi-mode run (or back) still matches by bare name.
    for (const t of baseline.tasks) if (!baseByKey.has(t.name)) baseByKey.set(t.name, t);
  }
  const seen = new Set<LoadedTask>();
  for (const task of report.tasks) {
    const key = taskKey(task, multi);
    const keys = key === task.name ? [key] : [key, task.name];
    const base = baseByKey.get(key) ?? baseByKey.get(task.name) ?? null;
    if (base !== null) seen.add(base);
    for (const rule of CHECK_RULES) {
      if (RUN_LEVEL_RULES.includes(rule)) continue;
      cases.push(taskCase(rule, task, key, keys, base, baseline !== null, rules));
    }
  }
  cases.push(
    verdict(
      'frame-overrun',
      null,
      report.frames.overruns > 0,
      isAllowed(rules, 'frame-overrun', []),
      report.frames.overruns,
      0,
      report.frames.overruns === 0
        ? `no frame overran (${report.frames.count} frames)`
        : `${report.frames.overruns} of ${report.frames.count} frames were still busy at the next release`,
    ),
    stuckCase(report, rules),
    crashedCase(report, rules),
  );
  const differences = baseline === null ? [] : compareEnvironments(baseline.environment, report.environment);
  const envWarning = environmentWarning(differences);
  if (envWarning !== null) warnings.push(envWarning);
  if (baseline !== null) {
    const baseMulti = isMultiMode(baseline);
    const gone = baseline.tasks.filter((t) => !seen.has(t)).map((t) => taskKey(t, baseMulti));
    if (gone.length > 0) warnings.push(`tasks in the baseline but not in this run: ${gone.join(', ')}`);
  }
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const c of cases) counts[c.status]++;
  return {
    passed: counts.fail === 0,
    counts,
    cases,
    warnings,
    environmentDifferences: differences,
    name: report.config?.name ?? 'run',
    baseline: baseline !== null,
    rules,
  };
}

/** `stuck`: a watchdog stuck event, or a run that ended stuck, fails. */
function stuckCase(report: LoadedRunReport, rules: CheckRules): CheckCase {
  const events = report.stuck ?? [];
  const endedStuck = report.stopReason?.startsWith('stuck') === true;
  const failed = events.length > 0 || endedStuck;
  const first = events[0];
  const where =
    first === undefined
      ? ''
      : `: task ${first.task} in frame ${first.frame}, ${us(first.overrunNs)} past its deadline (fail-safe: ${first.failSafe})`;
  return verdict(
    'stuck',
    null,
    failed,
    isAllowed(rules, 'stuck', []),
    events.length,
    0,
    failed
      ? `${endedStuck ? `the run ended ${report.stopReason}` : 'a slot got stuck'}; ${events.length} stuck event(s)${where}`
      : 'no slot got stuck',
  );
}

/** `crashed`: a run whose loop thread crashed fails. */
function crashedCase(report: LoadedRunReport, rules: CheckRules): CheckCase {
  const crash = report.crash;
  const failed = crash !== undefined || report.stopReason === 'crashed';
  return verdict(
    'crashed',
    null,
    failed,
    isAllowed(rules, 'crashed', []),
    failed ? 1 : 0,
    0,
    failed
      ? crash === undefined
        ? `the run crashed (stopReason ${report.stopReason}; exit code ${report.exitCode ?? '?'})`
        : `the run ${describeCrash(crash)}; exit code ${report.exitCode ?? '?'}`
      : 'the run did not crash',
  );
}

function verdict(
  rule: CheckRuleId,
  task: string | null,
  failed: boolean,
  allowed: boolean,
  value: number | null,
  limit: number | null,
  message: string,
): CheckCase {
  if (failed && allowed) {
    return {
      rule,
      task,
      status: 'skip',
      message: `${message} (allowed by the rules)`,
      value,
      limit,
      allowed: true,
    };
  }
  return { rule, task, status: failed ? 'fail' : 'pass', message, value, limit, allowed: false };
}

function skip(rule: CheckRuleId, task: string, message: string): CheckCase {
  return { rule, task, status: 'skip', message, value: null, limit: null, allowed: false };
}

function taskCase(
  rule: CheckRuleId,
  task: LoadedTask,
  key: string,
  keys: readonly string[],
  base: LoadedTask | null,
  haveBaseline: boolean,
  rules: CheckRules,
): CheckCase {
  const allowed = isAllowed(rules, rule, keys);
  const ran = (task.execNs.count ?? task.runs ?? task.releases) > 0;
  switch (rule) {
    case 'budget': {
      if (!ran) return skip(rule, key, 'the task never ran: no execution time to check');
      const { max } = task.execNs;
      const over = max > task.budgetNs;
      return verdict(
        rule,
        key,
        over,
        allowed,
        max,
        task.budgetNs,
        over
          ? `max execution time ${us(max)} exceeds the budget ${us(task.budgetNs)} (${pct(max / task.budgetNs)} of it; ${task.overruns} overrun(s)${task.execMaxFrame === undefined ? '' : `, worst in frame ${task.execMaxFrame}`})`
          : `max execution time ${us(max)} is within the budget ${us(task.budgetNs)} (${pct(task.budgetNs > 0 ? max / task.budgetNs : 0)})`,
      );
    }
    case 'deadline-miss':
      return verdict(
        rule,
        key,
        task.deadlineMisses > 0,
        allowed,
        task.deadlineMisses,
        0,
        task.deadlineMisses > 0
          ? `${task.deadlineMisses} of ${task.releases} job(s) missed their deadline${missSplit(task)}`
          : `no deadline missed (${task.releases} jobs)`,
      );
    case 'not-run': {
      const n = task.notRun;
      const total = n?.total ?? task.skipped ?? 0;
      const causes =
        n === undefined
          ? 'skipped'
          : (
              [
                ['dropped by policy', n.policy],
                ['catch-up', n.catchUp],
                ['pause', n.pause],
                ['unavailable', n.unavailable],
                ['cut off', n.cutOff],
              ] as const
            )
              .filter(([, v]) => v > 0)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ');
      return verdict(
        rule,
        key,
        total > 0,
        allowed,
        total,
        0,
        total > 0
          ? `${total} of ${task.releases} job(s) never ran (${causes})`
          : `every job ran (${task.releases} released)`,
      );
    }
    case 'task-error':
      return verdict(
        rule,
        key,
        task.errors > 0,
        allowed,
        task.errors,
        0,
        task.errors > 0 ? `the task threw ${task.errors} time(s)` : 'the task never threw',
      );
    case 'p99-regression':
    case 'max-regression': {
      const figure = rule === 'p99-regression' ? 'p99' : 'max';
      if (!haveBaseline) return skip(rule, key, 'no baseline given (--baseline base.json)');
      if (base === null) return skip(rule, key, 'the task is not in the baseline');
      if (!ran || (base.execNs.count ?? base.runs ?? base.releases) === 0) {
        return skip(rule, key, 'no executions to compare (in the run or the baseline)');
      }
      const { tolerance, minDeltaNs } = toleranceFor(rules, keys);
      const tol = tolerance[figure];
      const was = base.execNs[figure];
      const now = task.execNs[figure];
      const limit = Math.max(was * (1 + tol), was + minDeltaNs);
      const worse = now > limit;
      const change = was > 0 ? `${now >= was ? '+' : ''}${pct(now / was - 1)}` : 'from 0';
      const floor = minDeltaNs > 0 ? ` or +${us(minDeltaNs)}` : '';
      return verdict(
        rule,
        key,
        worse,
        allowed,
        now,
        limit,
        `${figure} ${us(now)} vs baseline ${us(was)} (${change}; tolerance ${pct(tol)}${floor})${worse ? ': regressed' : ''}`,
      );
    }
    default:
      return skip(rule, key, 'not a task rule');
  }
}

/** How a task's misses split: ` (1 completed late, 10 never ran)`, or nothing for a report without the split. */
function missSplit(task: LoadedTask): string {
  if (task.late === undefined || task.notRun === undefined) return '';
  const never = task.deadlineMisses - task.late;
  return ` (${task.late} completed late, ${never} never ran)`;
}

/** ns → `12.3 µs` (three significant digits; ms above 10 ms). */
export function us(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  const abs = Math.abs(ns);
  if (abs >= 1e7) return `${(ns / 1e6).toFixed(abs >= 1e8 ? 0 : 1)} ms`;
  const u = ns / 1e3;
  const a = Math.abs(u);
  return `${a >= 100 ? u.toFixed(0) : a >= 10 ? u.toFixed(1) : a >= 1 ? u.toFixed(2) : u.toFixed(3)} µs`;
}

/** A ratio as `12.5 %`. */
export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '-';
}
