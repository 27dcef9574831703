/**
 * JSON values: what a config may hand the fail-safe (`watchdog.failSafeParams`) and what
 * crosses to the watchdog thread unchanged. Cold path (setup validation).
 */

/** A JSON value: null, boolean, finite number, string, array or plain object of those. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Deepest nesting {@link jsonValueProblem} follows before it calls a value too deep (cycles). */
export const MAX_JSON_DEPTH = 64;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `a bigint (${value}n)`;
  if (typeof value === 'symbol') return 'a symbol';
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor === undefined ? 'an object without a prototype' : `a ${ctor}`;
}

/** Where and why a value is not JSON: see {@link jsonValueProblem}. */
export interface JsonValueProblem {
  /** Keys and indexes from the root to the offending value (empty: the root itself). */
  readonly path: readonly (string | number)[];
  /** `expected …, got …`. */
  readonly message: string;
}

/** `path` as text to append to a field name: `.pins[2]`, `` for the root. */
export function formatJsonPath(path: readonly (string | number)[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
}

/** Why `value` is not a JSON value (the first offending part), or null when it is one. */
export function jsonValueProblem(
  value: unknown,
  path: readonly (string | number)[] = [],
): JsonValueProblem | null {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return null;
  const expected = 'expected a JSON value (null, boolean, finite number, string, array or plain object)';
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : { path, message: `${expected}, got ${value}` };
  if (path.length >= MAX_JSON_DEPTH)
    return { path, message: `nested more than ${MAX_JSON_DEPTH} levels deep (a cycle?)` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonValueProblem(value[i], [...path, i]);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return { path, message: `${expected}, got ${describe(value)}` };
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonValueProblem(item, [...path, key]);
      if (problem !== null) return problem;
    }
    return null;
  }
  return { path, message: `${expected}, got ${describe(value)}` };
}
