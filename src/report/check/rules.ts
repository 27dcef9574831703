/**
 * The rules `hardtick check` applies to a run report, and how they are configured: which
 * rules are allowed to fail (globally or per task) and the regression tolerance against a
 * baseline (globally, per task, per figure). Built from CLI flags and/or a JSON rules file
 * (`--rules FILE`), both validated here. Cold path.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDurationNs } from '../../config/duration.js';
import { configErrorMap, didYouMean, problemsFromIssues, unknownKeysMessage } from '../../config/issues.js';
import { parseJsonText } from '../../config/json-text.js';
import { HardtickError } from '../../errors.js';

/** Every rule `hardtick check` knows, in the order results are listed. */
export const CHECK_RULES = Object.freeze([
  'budget',
  'deadline-miss',
  'task-error',
  'p99-regression',
  'max-regression',
  'not-run',
  'frame-overrun',
  'stuck',
  'crashed',
] as const);

/** One rule id. */
export type CheckRuleId = (typeof CHECK_RULES)[number];

/** Rules that apply to the run as a whole, not per task. */
export const RUN_LEVEL_RULES: readonly CheckRuleId[] = ['frame-overrun', 'stuck', 'crashed'];

/** What each rule asserts (for `--help` and messages; docs/ci.md says the same). */
export const RULE_DESCRIPTIONS: Readonly<Record<CheckRuleId, string>> = {
  budget: "the task's observed maximum execution time is within its budget",
  'deadline-miss': 'no job of the task completed after its deadline',
  'task-error': 'the task never threw',
  'p99-regression': "the task's p99 execution time did not grow beyond the tolerance over the baseline",
  'max-regression': "the task's maximum execution time did not grow beyond the tolerance over the baseline",
  'not-run':
    'every job the task released ran (none dropped by catch-up, lost to a pause, unavailable, or cut off)',
  'frame-overrun': 'no frame was still busy when the next one was due',
  stuck: 'no slot was found stuck past its deadline + grace by the watchdog',
  crashed:
    'the run did not crash (an unhandled rejection, an uncaught exception, process.exit, the loop thread lost)',
};

/** `regression` in `--allow` / `allow` stands for both regression rules. */
const RULE_ALIASES: ReadonlyMap<string, readonly CheckRuleId[]> = new Map([
  ['regression', ['p99-regression', 'max-regression']],
]);

/** Regression tolerance: a figure may grow by this fraction over the baseline (0.1 = 10 %). */
export interface Tolerance {
  readonly p99: number;
  readonly max: number;
}

/** Per-task overrides. */
export interface TaskRules {
  /** Rules allowed to fail for this task (in addition to the global ones). */
  readonly allow: readonly CheckRuleId[];
  /** Overrides the global tolerance (per figure). */
  readonly tolerance?: Partial<Tolerance>;
  /** Overrides the global minimum regression, ns. */
  readonly minDeltaNs?: number;
}

/** The resolved rules of one `hardtick check`. */
export interface CheckRules {
  /** Rules allowed to fail for every task (reported as skipped, never failing). */
  readonly allow: readonly CheckRuleId[];
  /** Regression tolerance. @default 10 % for p99 and max */
  readonly tolerance: Tolerance;
  /**
   * Growth below this many ns is never a regression, whatever the percentage (keeps a
   * 1 µs → 1.3 µs wobble from failing a build). @default 0
   */
  readonly minDeltaNs: number;
  /**
   * Overrides by task name (or `mode/name`). Read only through own keys (`Object.hasOwn`),
   * so a task named like an inherited property (`constructor`) finds no override by
   * accident; the resolvers here build it without a prototype.
   */
  readonly tasks: Readonly<Record<string, TaskRules>>;
}

/** The override for `key`, or undefined (own keys only: see {@link CheckRules.tasks}). */
export function taskRulesFor(rules: CheckRules, key: string): TaskRules | undefined {
  return Object.hasOwn(rules.tasks, key) ? rules.tasks[key] : undefined;
}

/** Default regression tolerance: 10 %. */
export const DEFAULT_TOLERANCE = 0.1;

/** The default rules: every rule enforced, 10 % tolerance, no floor, no overrides. */
export const DEFAULT_CHECK_RULES: CheckRules = Object.freeze({
  allow: [],
  tolerance: { p99: DEFAULT_TOLERANCE, max: DEFAULT_TOLERANCE },
  minDeltaNs: 0,
  tasks: Object.freeze(Object.create(null) as Record<string, TaskRules>),
});

/** Whether `rule` may fail for `task` (null: a run-level rule). */
export function isAllowed(rules: CheckRules, rule: CheckRuleId, taskKeys: readonly string[]): boolean {
  if (rules.allow.includes(rule)) return true;
  return taskKeys.some((k) => taskRulesFor(rules, k)?.allow.includes(rule) === true);
}

/** The tolerance and floor that apply to a task (its override, else the global one). */
export function toleranceFor(
  rules: CheckRules,
  taskKeys: readonly string[],
): { tolerance: Tolerance; minDeltaNs: number } {
  const own = taskKeys.map((k) => taskRulesFor(rules, k)).find((t) => t !== undefined);
  return {
    tolerance: {
      p99: own?.tolerance?.p99 ?? rules.tolerance.p99,
      max: own?.tolerance?.max ?? rules.tolerance.max,
    },
    minDeltaNs: own?.minDeltaNs ?? rules.minDeltaNs,
  };
}

/** `10%`, `12.5 %` → 0.1, 0.125. Throws a message naming `where` on anything else. */
export function parsePercent(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (m === null) throw new Error(`${where}: expected a percentage like "10%", got ${JSON.stringify(text)}`);
  return Number(m[1]) / 100;
}

/** Rule names (aliases expanded); throws naming `where` with a did-you-mean on an unknown one. */
export function parseRuleNames(names: readonly string[], where: string): CheckRuleId[] {
  const out: CheckRuleId[] = [];
  const known = [...CHECK_RULES, ...RULE_ALIASES.keys()];
  for (const raw of names) {
    const name = raw.trim();
    const alias = RULE_ALIASES.get(name);
    if (alias !== undefined) out.push(...alias);
    else if ((CHECK_RULES as readonly string[]).includes(name)) out.push(name as CheckRuleId);
    else
      throw new Error(
        `${where}: unknown rule ${JSON.stringify(name)}${didYouMean(name, known)}; rules: ${known.join(', ')}`,
      );
  }
  return [...new Set(out)];
}

const percentString = z.string().superRefine((text, ctx) => {
  try {
    parsePercent(text, 'tolerance');
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `expected a percentage like "10%", got ${JSON.stringify(text)}`,
    });
  }
});
const toleranceSchema = z.union([
  percentString,
  z.strictObject({ p99: percentString.optional(), max: percentString.optional() }),
]);
const durationString = z.string().superRefine((text, ctx) => {
  try {
    parseDurationNs(text, { allowZero: true });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const ruleList = z.array(z.string());

const taskRulesSchema = z.strictObject({
  allow: ruleList.optional(),
  tolerance: toleranceSchema.optional(),
  minDelta: durationString.optional(),
});

/**
 * The JSON rules file (`hardtick check --rules FILE`). `tasks` is an object of task name →
 * {@link taskRulesSchema}; its entries are validated one by one (a schema record would
 * drop a task named `__proto__` without a word).
 */
export const checkRulesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  allow: ruleList.optional(),
  tolerance: toleranceSchema.optional(),
  minDelta: durationString.optional(),
  tasks: z.looseObject({}).optional(),
});

/** Keys a rules file (top level and per task) may hold, for did-you-mean hints. */
const RULES_FILE_KEYS = ['$schema', 'allow', 'tolerance', 'minDelta', 'tasks'];

const rulesErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'unrecognized_keys'
    ? unknownKeysMessage(issue.keys, RULES_FILE_KEYS)
    : configErrorMap(issue);

/** The rules file as written. */
export type CheckRulesFile = Omit<z.infer<typeof checkRulesFileSchema>, 'tasks'> & {
  tasks?: Record<string, z.infer<typeof taskRulesSchema>>;
};

function toTolerance(
  value: string | { p99?: string | undefined; max?: string | undefined },
  where: string,
): Partial<Tolerance> {
  if (typeof value === 'string') {
    const t = parsePercent(value, where);
    return { p99: t, max: t };
  }
  return {
    ...(value.p99 === undefined ? {} : { p99: parsePercent(value.p99, `${where}.p99`) }),
    ...(value.max === undefined ? {} : { max: parsePercent(value.max, `${where}.max`) }),
  };
}

/**
 * Resolves a rules file's content (already parsed JSON) into {@link CheckRules}.
 * @throws HardtickError `check_rules_invalid` with one `path: problem` line per mistake.
 */
export function resolveRulesFile(value: unknown, file = 'rules', knownTasks?: readonly string[]): CheckRules {
  const fail = (lines: readonly string[]): never => {
    throw new HardtickError(
      'check_rules_invalid',
      [
        `${file}: ${lines.length === 1 ? '1 problem' : `${lines.length} problems`} in check rules`,
        ...lines.map((l) => `  ${l}`),
      ].join('\n'),
      { file, issues: lines },
    );
  };
  const parsed = checkRulesFileSchema.safeParse(value, { error: rulesErrorMap });
  const problems = parsed.success ? [] : problemsFromIssues(parsed.error.issues);
  // Task entries by own key, `__proto__` included (the raw input keeps it as a key).
  const rawTasks = isRecord(value) && isRecord(value.tasks) ? value.tasks : undefined;
  const taskEntries: Array<[string, z.infer<typeof taskRulesSchema>]> = [];
  for (const name of rawTasks === undefined ? [] : Object.keys(rawTasks)) {
    const entry = taskRulesSchema.safeParse(rawTasks![name], { error: rulesErrorMap });
    if (entry.success) taskEntries.push([name, entry.data]);
    else problems.push(...problemsFromIssues(entry.error.issues, ['tasks', name]));
  }
  if (problems.length > 0) return fail(problems.map((p) => `${p.path}: ${p.message}`));
  const data = parsed.data!;
  const lines: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      lines.push((error as Error).message);
      return undefined;
    }
  };
  const allow = attempt(() => parseRuleNames(data.allow ?? [], 'allow')) ?? [];
  const tolerance =
    data.tolerance === undefined ? {} : (attempt(() => toTolerance(data.tolerance!, 'tolerance')) ?? {});
  const tasks = Object.create(null) as Record<string, TaskRules>;
  for (const [name, t] of taskEntries) {
    const where = `tasks[${JSON.stringify(name)}]`;
    const unknown = knownTasks === undefined ? undefined : unknownTaskProblem(name, knownTasks);
    if (unknown !== undefined) lines.push(`${where}: ${unknown}`);
    const taskAllow = attempt(() => parseRuleNames(t.allow ?? [], `${where}.allow`)) ?? [];
    for (const rule of taskAllow) {
      if (RUN_LEVEL_RULES.includes(rule)) {
        lines.push(
          `${where}.allow: "${rule}" applies to the whole run, not to a task: put it in the top-level "allow"`,
        );
      }
    }
    const tol =
      t.tolerance === undefined ? undefined : attempt(() => toTolerance(t.tolerance!, `${where}.tolerance`));
    tasks[name] = {
      allow: taskAllow,
      ...(tol === undefined ? {} : { tolerance: tol }),
      ...(t.minDelta === undefined ? {} : { minDeltaNs: parseDurationNs(t.minDelta, { allowZero: true }) }),
    };
  }
  if (lines.length > 0) fail(lines);
  return {
    allow,
    tolerance: { p99: tolerance.p99 ?? DEFAULT_TOLERANCE, max: tolerance.max ?? DEFAULT_TOLERANCE },
    minDeltaNs: data.minDelta === undefined ? 0 : parseDurationNs(data.minDelta, { allowZero: true }),
    tasks,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Task names listed in a message before the rest are counted. */
const MAX_NAMES_LISTED = 10;

/**
 * Why `name` (a task in a rule) matches no task of the report, with a did-you-mean, or
 * undefined when it matches. `knownTasks`: the report's task keys (`name`, `mode/name`).
 */
export function unknownTaskProblem(name: string, knownTasks: readonly string[]): string | undefined {
  if (knownTasks.includes(name)) return undefined;
  const hint = didYouMean(name, knownTasks);
  const listed = knownTasks.slice(0, MAX_NAMES_LISTED).join(', ');
  const more = knownTasks.length > MAX_NAMES_LISTED ? `, … (${knownTasks.length} in all)` : '';
  return `no task ${JSON.stringify(name)} in the run report (${hint === '' ? '' : `${hint.trim().slice(1, -1)}; `}its tasks: ${listed}${more})`;
}

/**
 * Reads and resolves a rules file; with `knownTasks` (the report's task keys), a task the
 * report does not have is a problem too.
 * @throws HardtickError `check_rules_invalid`
 */
export function readRulesFile(file: string, knownTasks?: readonly string[]): CheckRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HardtickError(
      'check_rules_invalid',
      `cannot read check rules ${file}: ${(error as Error).message}`,
      {
        file,
        cause: error,
      },
    );
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, reason } = parsed.problem;
    throw new HardtickError('check_rules_invalid', `${file}:${line}:${column}: not valid JSON: ${reason}`, {
      file,
    });
  }
  return resolveRulesFile(parsed.value, file, knownTasks);
}

/** What the CLI flags add on top of the rules file (or the defaults). */
export interface RuleFlags {
  /** `--allow RULE` / `--allow TASK:RULE` (repeatable; comma lists allowed). */
  readonly allow?: readonly string[];
  /** `--tolerance PCT` / `--tolerance TASK=PCT` / `--tolerance [TASK.]p99=PCT` (repeatable). */
  readonly tolerance?: readonly string[];
  /** `--min-delta 2us`. */
  readonly minDelta?: string;
}

/**
 * Applies CLI flags over `base`. Flags win over the file. With `knownTasks` (the report's
 * task keys), a flag naming a task the report does not have is an error.
 * @throws Error with the flag named, for the CLI to print with exit 2.
 */
export function applyRuleFlags(
  base: CheckRules,
  flags: RuleFlags,
  knownTasks?: readonly string[],
): CheckRules {
  let allow = [...base.allow];
  let tolerance = { ...base.tolerance };
  let minDeltaNs = base.minDeltaNs;
  const tasks = Object.create(null) as Record<
    string,
    { allow: CheckRuleId[]; tolerance?: Partial<Tolerance>; minDeltaNs?: number }
  >;
  for (const k of Object.keys(base.tasks)) {
    const v = base.tasks[k]!;
    tasks[k] = { ...v, allow: [...v.allow] };
  }
  const task = (name: string, flag: string) => {
    const unknown = knownTasks === undefined ? undefined : unknownTaskProblem(name, knownTasks);
    if (unknown !== undefined) throw new Error(`${flag}: ${unknown}`);
    tasks[name] ??= { allow: [] };
    return tasks[name]!;
  };
  for (const entry of (flags.allow ?? []).flatMap((a) => a.split(','))) {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) {
      allow = [...new Set([...allow, ...parseRuleNames([entry], '--allow')])];
      continue;
    }
    const name = entry.slice(0, colon).trim();
    if (name === '') throw new Error(`--allow: expected RULE or TASK:RULE, got ${JSON.stringify(entry)}`);
    const rules = parseRuleNames([entry.slice(colon + 1)], '--allow');
    for (const rule of rules) {
      if (RUN_LEVEL_RULES.includes(rule)) {
        throw new Error(`--allow: "${rule}" applies to the whole run, not to a task: use --allow ${rule}`);
      }
    }
    const t = task(name, '--allow');
    t.allow = [...new Set([...t.allow, ...rules])];
  }
  for (const entry of flags.tolerance ?? []) {
    const eq = entry.lastIndexOf('=');
    const target = eq < 0 ? '' : entry.slice(0, eq).trim();
    const value = parsePercent(eq < 0 ? entry : entry.slice(eq + 1), '--tolerance');
    // `p99=5%`, `max=30%`, `control=20%`, `control.max=30%`.
    const dot = target.lastIndexOf('.');
    const figure = target === 'p99' || target === 'max' ? target : dot >= 0 ? target.slice(dot + 1) : null;
    const name = target === 'p99' || target === 'max' ? '' : dot >= 0 ? target.slice(0, dot) : target;
    if (figure !== null && figure !== 'p99' && figure !== 'max') {
      throw new Error(`--tolerance: expected [TASK][.p99|.max]=PCT, got ${JSON.stringify(entry)}`);
    }
    const patch: Partial<Tolerance> = figure === null ? { p99: value, max: value } : { [figure]: value };
    if (name === '') tolerance = { ...tolerance, ...patch };
    else {
      const t = task(name, '--tolerance');
      t.tolerance = { ...t.tolerance, ...patch };
    }
  }
  if (flags.minDelta !== undefined) {
    try {
      minDeltaNs = /^\s*0+\s*$/.test(flags.minDelta)
        ? 0
        : parseDurationNs(flags.minDelta, { allowZero: true });
    } catch (error) {
      throw new Error(`--min-delta: ${(error as Error).message}`);
    }
  }
  return { allow, tolerance, minDeltaNs, tasks };
}
