/**
 * Size limits of a config, checked before anything else looks at it so that no later step
 * (the schema, its did-you-mean hints, the planner) ever meets an input it cannot handle
 * in bounded time and memory. The walk is iterative: no depth can overflow the stack.
 */
import { preview } from './duration.js';
import type { ConfigProblem } from './issues.js';
import { formatPath } from './issues.js';

/** Largest config file read, in bytes (4 MiB): far above any real task set. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/** Longest string, and longest object key, anywhere in a config. */
export const MAX_CONFIG_STRING_LENGTH = 4096;

/** Longest task or mode name. */
export const MAX_NAME_LENGTH = 128;

/** Deepest nesting of objects and arrays in a config (`failSafeParams` included). */
export const MAX_CONFIG_DEPTH = 64;

/** Most values (objects, arrays, strings, numbers, …) in one config. */
export const MAX_CONFIG_VALUES = 200_000;

/**
 * Most jobs one hyperperiod may hold (`limits.maxJobs` at most this): the planner keeps
 * every job of the hyperperiod in memory, so this is its memory ceiling.
 */
export const MAX_PLAN_JOBS = 2_000_000;

/** Problems reported before the walk gives up listing more. */
const MAX_PROBLEMS = 20;

/** A key on the path from the root: a linked list, so a step costs no array copy. */
interface PathStep {
  readonly key: string | number;
  readonly parent: PathStep | null;
}

function pathOf(step: PathStep | null): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let s = step; s !== null; s = s.parent) keys.push(s.key);
  return keys.reverse();
}

/**
 * Checks the size limits of a config value (parsed JSON, or what a config module
 * exported): string and key lengths, nesting depth, number of values. Empty when within
 * them. Reading a value that throws (a getter in a module) is a problem too, never a crash.
 */
export function configBoundsProblems(root: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (at: PathStep | null, message: string): void => {
    problems.push({ path: formatPath(pathOf(at)), message });
  };
  const stack: Array<{ value: unknown; at: PathStep | null; depth: number }> = [
    { value: root, at: null, depth: 0 },
  ];
  let values = 0;
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, at, depth } = stack.pop()!;
    values++;
    if (values > MAX_CONFIG_VALUES) {
      add(at, `the config holds more than ${MAX_CONFIG_VALUES} values; a config may hold at most that many`);
      break;
    }
    if (typeof value === 'string') {
      if (value.length > MAX_CONFIG_STRING_LENGTH) {
        add(
          at,
          `a string of ${value.length} characters (${preview(value)}); keys and strings in a config may have at most ${MAX_CONFIG_STRING_LENGTH}`,
        );
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_CONFIG_DEPTH) {
      add(at, `nested more than ${MAX_CONFIG_DEPTH} levels deep (a cycle?)`);
      continue;
    }
    try {
      if (Array.isArray(value)) {
        if (value.length > MAX_CONFIG_VALUES) {
          add(at, `an array of ${value.length} items; a config may hold at most ${MAX_CONFIG_VALUES} values`);
          continue;
        }
        for (let i = value.length - 1; i >= 0; i--) {
          stack.push({ value: value[i], at: { key: i, parent: at }, depth: depth + 1 });
        }
        continue;
      }
      const keys = Object.keys(value);
      if (keys.length > MAX_CONFIG_VALUES) {
        add(at, `an object of ${keys.length} keys; a config may hold at most ${MAX_CONFIG_VALUES} values`);
        continue;
      }
      for (let k = keys.length - 1; k >= 0; k--) {
        const key = keys[k]!;
        if (key.length > MAX_CONFIG_STRING_LENGTH) {
          add(
            at,
            `a key of ${key.length} characters (${preview(key)}); keys and strings in a config may have at most ${MAX_CONFIG_STRING_LENGTH}`,
          );
          continue;
        }
        const step = { key, parent: at };
        try {
          stack.push({ value: (value as Record<string, unknown>)[key], at: step, depth: depth + 1 });
        } catch (error) {
          add(step, unreadable(error));
        }
      }
    } catch (error) {
      add(at, unreadable(error));
    }
  }
  return problems;
}

function unreadable(error: unknown): string {
  return `could not be read: ${error instanceof Error ? error.message : String(error)}`;
}
