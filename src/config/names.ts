/**
 * Task and mode names end up as keys: in reports, metrics labels, check rules, and in the
 * objects of every program that reads them. A name that every JavaScript object already
 * has (`constructor`, `__proto__`, `toString`, …) would read as that property there, so
 * such names are refused at validation, with a message that says why.
 */
import { type ConfigProblem, formatPath } from './issues.js';

/** Names every plain object has: the own properties of `Object.prototype`. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Why `name` cannot be a task or mode name, or undefined when it can. */
export function reservedNameProblem(name: string): string | undefined {
  return RESERVED_NAMES.has(name)
    ? `${JSON.stringify(name)} is reserved (every JavaScript object has a property of that name); choose another name`
    : undefined;
}

/**
 * Reserved names among the keys of `modes` in a raw config. Checked before the schema,
 * because a schema record drops a `__proto__` key (it sets the prototype of the result
 * instead of adding a key), so the mode would vanish without a word.
 */
export function reservedModeNameProblems(input: unknown): ConfigProblem[] {
  if (typeof input !== 'object' || input === null || !Object.hasOwn(input, 'modes')) return [];
  const modes = (input as { modes?: unknown }).modes;
  if (typeof modes !== 'object' || modes === null || Array.isArray(modes)) return [];
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(modes)) {
    const message = reservedNameProblem(name);
    if (message !== undefined) problems.push({ path: formatPath(['modes', name]), message });
  }
  return problems;
}
