/**
 * Runs one hostile input through hardtick in-process and says which outcome class it fell
 * in: a clean error (a HardtickError with a code that belongs to that input), accepted
 * (and then checked by rules independent of the code under test: an accepted config's
 * plan passes the independent plan validator, an accepted report's figures hold together
 * and every renderer draws it), a crash (anything else thrown), a hang (past its bound),
 * or wrongly accepted (accepted but breaking those rules).
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { MAX_CONFIG_STRING_LENGTH, MAX_NAME_LENGTH, MAX_PLAN_JOBS } from '../../src/config/bounds.js';
import { MAX_DURATION_NS, NAME_PATTERN } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/load.js';
import { RESERVED_NAMES } from '../../src/config/names.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { HardtickError, type HardtickErrorCode } from '../../src/errors.js';
import { planSchedule, validatePlan } from '../../src/plan/index.js';
import { estimatePwcet } from '../../src/pwcet/estimate.js';
import { evidenceFromSeries } from '../../src/pwcet/evidence.js';
import { SamplesParser } from '../../src/pwcet/read-samples.js';
import { evaluateCheck } from '../../src/report/check/evaluate.js';
import { applyRuleFlags, DEFAULT_CHECK_RULES } from '../../src/report/check/rules.js';
import { type LoadedRunReport, readRunReport } from '../../src/report/read.js';
import { renderHtml } from '../../src/report/render/html.js';
import { renderJunit } from '../../src/report/render/junit.js';
import { renderMarkdown } from '../../src/report/render/md.js';
import { renderChromeTrace } from '../../src/report/render/trace.js';

/** The outcome classes of the fuzz table. */
export type OutcomeKind = 'clean' | 'accepted' | 'crash' | 'hang' | 'wrong';

/** One input's outcome, with what happened when it is not clean or accepted. */
export interface Outcome {
  readonly kind: OutcomeKind;
  readonly detail: string;
  readonly ms: number;
}

/** A project folder for configs: package.json, task modules, a link that leads outside. */
export function makeProject(): { readonly dir: string; readonly file: (name: string) => string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'hardtick-fuzz-')));
  const dir = join(root, 'proj');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"fuzz","private":true}\n');
  writeFileSync(join(dir, 'tasks.mjs'), 'export function a() {}\nexport function f() {}\n');
  writeFileSync(join(dir, 'lib', 'x.mjs'), 'export function a() {}\n');
  symlinkSync(join(root, 'outside'), join(dir, 'link'));
  return { dir, file: (name) => join(dir, name) };
}

const CONFIG_CODES: readonly HardtickErrorCode[] = ['config_invalid', 'config_not_json', 'config_unreadable'];
const REPORT_CODES: readonly HardtickErrorCode[] = [
  'report_invalid',
  'report_not_json',
  'report_inconsistent',
  'report_unreadable',
];
const SAMPLES_CODES: readonly HardtickErrorCode[] = ['samples_invalid', 'samples_unreadable'];

/** Bound of everything but planning (a config's own `limits.timeoutMs` bounds its plans). */
const BOUND_MS = 3000;

function classifyError(error: unknown, codes: readonly HardtickErrorCode[], ms: number): Outcome {
  if (error instanceof HardtickError && codes.includes(error.code)) {
    if (/\n\s+at .+:\d+:\d+/.test(error.message))
      return { kind: 'crash', detail: `stack in message: ${error.message}`, ms };
    return { kind: 'clean', detail: error.code, ms };
  }
  const what =
    error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return { kind: 'crash', detail: what.slice(0, 2000), ms };
}

/** Why an accepted config breaks the rules every accepted config must keep, or null. */
export function acceptedConfigProblem(
  config: ResolvedConfig,
  projectDir: string,
  allowOutside: boolean,
): string | null {
  for (const mode of config.modes) {
    if (!NAME_PATTERN.test(mode.name) || RESERVED_NAMES.has(mode.name))
      return `mode name ${JSON.stringify(mode.name)}`;
    if (mode.tasks.length === 0) return `mode ${mode.name} has no task`;
    const names = new Set<string>();
    for (const t of mode.tasks) {
      if (!NAME_PATTERN.test(t.name) || t.name.length > MAX_NAME_LENGTH || RESERVED_NAMES.has(t.name)) {
        return `task name ${JSON.stringify(t.name)}`;
      }
      if (names.has(t.name)) return `duplicate task ${t.name}`;
      names.add(t.name);
      const times = [t.periodNs, t.budgetNs, t.deadlineNs];
      if (!times.every((v) => Number.isSafeInteger(v) && v > 0 && v <= MAX_DURATION_NS))
        return `times of ${t.name}`;
      if (!(Number.isSafeInteger(t.phaseNs) && t.phaseNs >= 0 && t.phaseNs < t.periodNs))
        return `phase of ${t.name}`;
      if (t.budgetNs > t.deadlineNs) return `budget over deadline for ${t.name}`;
      const refs = [t.run, t.overrun.degraded, t.overrun.safeState].filter((r) => r !== null);
      for (const r of refs) {
        if (!isAbsolute(r.file)) return `relative module file ${r.file}`;
        if (!allowOutside && relative(projectDir, r.file).startsWith('..'))
          return `module outside: ${r.file}`;
        if (!allowOutside && r.file.includes(`${projectDir}/link/`))
          return `module through a link: ${r.file}`;
      }
    }
  }
  const failSafe = config.watchdog?.failSafe;
  if (
    failSafe !== undefined &&
    failSafe !== null &&
    !allowOutside &&
    relative(projectDir, failSafe.file).startsWith('..')
  ) {
    return `fail-safe outside: ${failSafe.file}`;
  }
  if (config.limits.maxJobs > MAX_PLAN_JOBS || config.limits.maxJobs < 1)
    return `maxJobs ${config.limits.maxJobs}`;
  if (config.name.length > MAX_CONFIG_STRING_LENGTH) return 'config name too long';
  return null;
}

/** Loads a config file's text from the project and plans every mode. */
export async function classifyConfigText(
  text: string,
  project: ReturnType<typeof makeProject>,
  n: number,
): Promise<Outcome> {
  const file = project.file(`c${n % 64}.json`);
  writeFileSync(file, text);
  const started = performance.now();
  let config: ResolvedConfig;
  try {
    config = await loadConfig(file);
  } catch (error) {
    return classifyError(error, CONFIG_CODES, performance.now() - started);
  }
  let ms = performance.now() - started;
  if (ms > BOUND_MS) return { kind: 'hang', detail: `loading took ${ms.toFixed(0)} ms`, ms };
  const allowOutside = /"allowOutsideProject":true/.test(text);
  const problem = acceptedConfigProblem(config, project.dir, allowOutside);
  if (problem !== null) return { kind: 'wrong', detail: `accepted config: ${problem}`, ms };
  for (const mode of config.modes) {
    const planStarted = performance.now();
    let plan: ReturnType<typeof planSchedule>;
    try {
      plan = planSchedule(mode, config.limits);
    } catch (error) {
      return classifyError(error, [], performance.now() - started);
    }
    const planMs = performance.now() - planStarted;
    ms = performance.now() - started;
    if (planMs > config.limits.timeoutMs + BOUND_MS) {
      return {
        kind: 'hang',
        detail: `plan took ${planMs.toFixed(0)} ms (limit ${config.limits.timeoutMs} ms)`,
        ms,
      };
    }
    if (plan.diagnostics.length > 21 || plan.diagnostics.some((d) => d.message.length > 2100)) {
      return { kind: 'wrong', detail: 'unbounded diagnostics', ms };
    }
    if (plan.feasible) {
      const wrong = validatePlan(plan, mode.tasks);
      if (wrong.length > 0)
        return { kind: 'wrong', detail: `invalid plan: ${wrong.slice(0, 3).join('; ')}`, ms };
    } else if (plan.diagnostics.length === 0) {
      return { kind: 'wrong', detail: 'infeasible without a reason', ms };
    }
  }
  return { kind: 'accepted', detail: '', ms };
}

const MAX_NS = Number.MAX_SAFE_INTEGER;

/** Why an accepted report breaks the rules every accepted report must keep, or null. */
export function acceptedReportProblem(r: LoadedRunReport): string | null {
  if (r.tasks.length === 0) return 'no tasks';
  const seen = new Set<string>();
  const inRange = (v: number, min = 0): boolean => Number.isFinite(v) && v >= min && v <= MAX_NS;
  for (const t of r.tasks) {
    if (t.name === '') return 'an empty task name';
    const key = `${t.mode ?? ''}/${t.name}`;
    if (seen.has(key)) return `duplicate task ${key}`;
    seen.add(key);
    if (!inRange(t.budgetNs, 1)) return `budget ${t.budgetNs}`;
    const e = t.execNs;
    const order = [e.min, e.p50, e.p99, e.p999, e.max];
    if (!order.every((v) => inRange(v))) return `exec figures ${order.join(',')}`;
    for (let i = 1; i < order.length; i++)
      if (order[i - 1]! > order[i]!) return `exec order ${order.join(',')}`;
    if (t.deadlineMisses > t.releases) return 'more misses than releases';
    const h = t.execHistogram ?? [];
    if (h.length > 16_384) return 'histogram too large';
    for (const [low, high] of h)
      if (!(inRange(low) && inRange(high) && low <= high)) return `bucket ${low},${high}`;
  }
  const l = r.release.latenessNs;
  const order = [l.min, l.p50, l.p99, l.p999, l.max];
  if (!order.every((v) => inRange(v))) return 'lateness figures';
  if (r.frameNs !== undefined && !inRange(r.frameNs, 1)) return `frameNs ${r.frameNs}`;
  if (r.durationNs !== undefined && !inRange(r.durationNs)) return `durationNs ${r.durationNs}`;
  if (r.frames.overruns > r.frames.count) return 'more frame overruns than frames';
  for (const e of [...(r.trace ?? []), ...(r.traceOverruns ?? [])]) {
    if (!(inRange(e.startNs) && inRange(e.endNs) && e.startNs <= e.endNs))
      return `trace slot ${e.startNs}..${e.endNs}`;
  }
  return null;
}

/** Reads a report file's text, then checks and renders it every way hardtick can. */
export function classifyReportText(text: string, dir: string, n: number): Outcome {
  const file = join(dir, `r${n % 64}.json`);
  writeFileSync(file, text);
  const started = performance.now();
  let report: LoadedRunReport;
  try {
    report = readRunReport(file);
  } catch (error) {
    return classifyError(error, REPORT_CODES, performance.now() - started);
  }
  const problem = acceptedReportProblem(report);
  if (problem !== null)
    return { kind: 'wrong', detail: `accepted report: ${problem}`, ms: performance.now() - started };
  try {
    const names = report.tasks.map((t) => t.name);
    // Flags name a task the way a user would (names with the flags' separators cannot be named).
    const flagged = names.find((name) => !/[,:=.]/.test(name));
    const rules =
      flagged === undefined
        ? DEFAULT_CHECK_RULES
        : applyRuleFlags(
            DEFAULT_CHECK_RULES,
            { allow: [`${flagged}:budget`], tolerance: [`${flagged}.max=5%`] },
            names,
          );
    const result = evaluateCheck({ report, baseline: report, rules });
    const sizes = [
      renderMarkdown(report).length,
      renderHtml(report).length,
      renderJunit(result, report).length,
      JSON.stringify(renderChromeTrace(report)).length,
    ];
    if (sizes.some((s) => s > 50_000_000))
      return { kind: 'wrong', detail: `output of ${Math.max(...sizes)} chars`, ms: 0 };
  } catch (error) {
    return classifyError(error, [], performance.now() - started);
  }
  const ms = performance.now() - started;
  if (ms > BOUND_MS) return { kind: 'hang', detail: `check and render took ${ms.toFixed(0)} ms`, ms };
  return { kind: 'accepted', detail: '', ms };
}

/** Parses a samples file's text and, with enough samples, estimates a pWCET from them. */
export function classifySamplesText(text: string): Outcome {
  const started = performance.now();
  try {
    const parser = new SamplesParser('samples.txt');
    parser.push(text);
    const values = parser.finish();
    const result = estimatePwcet(evidenceFromSeries(values));
    const figures = Object.values(result.pwcetNs).filter((v): v is number => v !== null);
    if (figures.some((v) => !(Number.isFinite(v) && v >= 0))) {
      return { kind: 'wrong', detail: `pWCET figures ${figures.join(',')}`, ms: performance.now() - started };
    }
  } catch (error) {
    return classifyError(error, SAMPLES_CODES, performance.now() - started);
  }
  const ms = performance.now() - started;
  return ms > BOUND_MS
    ? { kind: 'hang', detail: `${ms.toFixed(0)} ms`, ms }
    : { kind: 'accepted', detail: '', ms };
}
