/**
 * Turns zod issues into lines a user can fix the config from: `<path>: <what was expected,
 * what was found, and a suggestion>`. Paths keep zod's issue paths, printed the way one
 * would write them in JavaScript (`tasks[1].period`, `modes.fast.tasks[0]`).
 */
import type { z } from 'zod';
import { HardtickError } from '../errors.js';
import { describeValue } from './duration.js';

/** One problem found in a config, with its path already formatted. */
export interface ConfigProblem {
  /** Formatted path, e.g. `tasks[1].period`; {@link TOP_LEVEL_PATH} for the whole file. */
  readonly path: string;
  /** What is wrong and what was expected (no path prefix). */
  readonly message: string;
}

/** How the path of a problem with the whole config (not one key) is printed. */
export const TOP_LEVEL_PATH = '(top level)';

/** Formats a zod issue path: `['tasks', 1, 'period']` → `tasks[1].period`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? TOP_LEVEL_PATH : out;
}

/**
 * Edit distance between two words: insertions, deletions, substitutions and swaps of two
 * adjacent letters each cost 1 (Levenshtein with transpositions, "optimal string alignment"),
 * so `nmae` is 1 away from `name`. Time O(|a|·|b|), memory three rows of |b| + 1.
 */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      row[j] = best;
    }
    [before, above, row] = [above, row, before];
  }
  return above[b.length]!;
}

/** Longest word a did-you-mean is computed for: beyond it no typo is likely, and the edit distance is quadratic. */
export const MAX_SUGGESTED_LENGTH = 64;

/**
 * The candidate closest to `word` when it is close enough to be a likely typo
 * (case-insensitive distance at most a third of the longer word, and at least 1 allowed),
 * or that `word` abbreviates (`"sk"` → `"skip"`).
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTED_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate.length > MAX_SUGGESTED_LENGTH) continue;
    const lower = candidate.toLowerCase();
    const prefix = word.length >= 2 && lower.startsWith(word.toLowerCase());
    const distance = prefix
      ? Math.min(1, editDistance(word.toLowerCase(), lower))
      : editDistance(word.toLowerCase(), lower);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)` when `word` looks like a typo of a candidate, else '' (always '' for a long word). */
export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const match = closestMatch(word, candidates);
  return match === undefined || match === word ? '' : ` (did you mean ${JSON.stringify(match)}?)`;
}

/**
 * Message for unknown keys in a strict object: one line per key, each with a
 * did-you-mean against `allowed`, or the list of allowed keys when nothing is close.
 */
export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  return keys
    .map((key) => {
      const hint = didYouMean(key, allowed);
      return `unknown key ${describeValue(key)}${hint === '' ? ` (allowed keys: ${allowed.join(', ')})` : hint}`;
    })
    .join('\n');
}

/**
 * zod error map for config parsing: plain-language messages built from each issue's
 * structure. Schema-level messages (durations, `run` references, unknown keys) take
 * precedence over this map.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `required: expected ${typeNoun(issue.expected)}`;
      return `expected ${typeNoun(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}${didYouMean(issue.input, issue.values.map(String))}`;
    case 'too_small':
      if (issue.origin === 'string') return 'expected a non-empty string';
      if (issue.origin === 'array') return `expected at least ${String(issue.minimum)} item(s)`;
      return `expected ${issue.origin === 'int' ? 'an integer' : 'a number'} ${issue.inclusive === false ? 'greater than' : 'of at least'} ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `expected at most ${String(issue.maximum)} characters`;
      if (issue.origin === 'array') return `expected at most ${String(issue.maximum)} item(s)`;
      return `expected ${issue.origin === 'int' ? 'an integer' : 'a number'} ${issue.inclusive === false ? 'less than' : 'of at most'} ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'invalid_union': {
      const expectations = issue.errors.flatMap((branch) => branch.map(expectationOf));
      const values = issue.errors.flatMap((branch) =>
        branch.flatMap((b) => (b.code === 'invalid_value' ? b.values.map(String) : [])),
      );
      return `expected ${joinOr(expectations)}, got ${describeValue(issue.input)}${didYouMean(issue.input, values)}`;
    }
    default:
      return undefined;
  }
};

/** Flattens zod issues into problems, choosing the most relevant branch of failed unions. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  basePath: readonly PropertyKey[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...issue.path];
    if (issue.code === 'invalid_union') {
      const branch = mostRelevantBranch(issue.errors);
      if (branch !== undefined) {
        problems.push(...problemsFromIssues(branch, path));
        continue;
      }
    }
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      problems.push(...problemsFromIssues(issue.issues, path));
      continue;
    }
    for (const line of issue.message.split('\n')) problems.push({ path: formatPath(path), message: line });
  }
  return problems;
}

/**
 * Builds the one `config_invalid` error that lists every problem: first line
 * `<file>: N problem(s) in config`, then one indented `path: message` line each.
 * `issues` holds the lines (unindented), `path` the first problem's path.
 */
export function configInvalidError(
  problems: readonly ConfigProblem[],
  file: string | undefined,
): HardtickError {
  const lines = problems.map((p) => `${p.path}: ${p.message}`);
  const where = file ?? 'config';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const message = [`${where}: ${count} in config`, ...lines.map((line) => `  ${line}`)].join('\n');
  const first = problems[0];
  return new HardtickError('config_invalid', message, {
    issues: lines,
    ...(file === undefined ? {} : { file }),
    ...(first === undefined ? {} : { path: first.path }),
  });
}

/**
 * A failed union usually has one branch that got further than the others (the input had
 * the right shape but a bad detail). That branch explains the problem best; branches
 * that failed only on the root type or value are noise. Undefined when no branch stands out.
 */
function mostRelevantBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): z.core.$ZodIssue[] | undefined {
  const relevant = branches.filter(
    (branch) =>
      !branch.every(
        (issue) =>
          issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value'),
      ),
  );
  const [first] = relevant;
  return relevant.length === 1 && first !== undefined ? [...first] : undefined;
}

function expectationOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return typeNoun(issue.expected);
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v)).join(' or ');
  return issue.message;
}

function joinOr(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'a valid value';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function typeNoun(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
    case 'array':
      return `an ${expected}`;
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}
