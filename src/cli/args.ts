/**
 * Command-line flags for every `hardtick` command, over `node:util` parseArgs, with the
 * messages a user can act on: an unknown flag gets a did-you-mean, a flag given twice is
 * an error (never "the last one wins"), a value that starts with `-` is taken as the
 * value (so `--duration -5s` reaches the duration check), a missing value names the flag.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestMatch, HardtickError } from '../index.js';

// @types/node 20 (the oldest Node supported) does not export this name; derive it.
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** One flag: `--name VALUE` (`string`) or `--name` (`boolean`). */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `o` for `-o`. @default none */
  readonly short?: string;
  /** May be given several times; the values are collected in order. @default false */
  readonly multiple?: boolean;
}

/** The flags of one command, by long name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true
    ? boolean[]
    : boolean
  : S['multiple'] extends true
    ? string[]
    : string;

/** Parsed values: a flag that was not given is absent. */
export type FlagValues<T extends FlagSpecs> = { -readonly [K in keyof T]?: FlagValue<T[K]> };

/** What {@link parseFlags} returns. */
export interface ParsedFlags<T extends FlagSpecs> {
  readonly values: FlagValues<T>;
  /** Arguments that are not flags (after `--`, everything is one). */
  readonly positionals: string[];
}

/**
 * Parses `argv` against `specs`.
 * @throws HardtickError `usage` naming the flag: unknown (with a did-you-mean or the list
 *   of flags), given twice, a value missing, or a value given to a boolean flag.
 */
export function parseFlags<const T extends FlagSpecs>(argv: readonly string[], specs: T): ParsedFlags<T> {
  const shortToLong = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.short !== undefined) shortToLong.set(spec.short, name);
  }
  // Non-strict: parseArgs then never throws; every check below is ours, with our words.
  const { tokens } = parseArgs({
    args: [...argv],
    options: specs as ParseArgsOptionsConfig,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values = new Map<string, unknown>();
  const seen = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (spec === undefined) throw unknownFlag(token.rawName, specs);
    const flag = `--${token.name}`;
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw usage(`${flag} takes no value, got ${flag}=${token.value}`);
      if (!spec.multiple && seen.has(token.name)) throw usage(`${flag} given twice; give it once`);
      seen.set(token.name, '');
      values.set(token.name, spec.multiple ? [...((values.get(token.name) as boolean[]) ?? []), true] : true);
      continue;
    }
    if (token.value === undefined) {
      throw usage(`${flag} needs a value${token.rawName === flag ? '' : ` (${token.rawName})`}`);
    }
    // `--report --json`: a known flag where a value belongs is a forgotten value, not the value.
    if (!token.inlineValue && isKnownFlag(token.value, specs, shortToLong)) {
      throw usage(`${flag} needs a value, got the flag ${token.value}`);
    }
    const before = seen.get(token.name);
    if (!spec.multiple && before !== undefined) {
      throw usage(`${flag} given twice (${before}, then ${token.value}); give it once`);
    }
    seen.set(token.name, token.value);
    values.set(
      token.name,
      spec.multiple ? [...((values.get(token.name) as string[]) ?? []), token.value] : token.value,
    );
  }
  return { values: Object.fromEntries(values) as FlagValues<T>, positionals };
}

function isKnownFlag(text: string, specs: FlagSpecs, shortToLong: ReadonlyMap<string, string>): boolean {
  if (text.startsWith('--')) {
    const name = text.slice(2).split('=')[0] ?? '';
    return Object.hasOwn(specs, name);
  }
  return /^-[A-Za-z]$/.test(text) && shortToLong.has(text.slice(1));
}

/** Longest flag text a did-you-mean is computed for (the edit distance is quadratic). */
const MAX_SUGGESTED_LENGTH = 64;

function unknownFlag(raw: string, specs: FlagSpecs): HardtickError {
  const names = Object.keys(specs);
  const shown = raw.length > MAX_SUGGESTED_LENGTH ? `${raw.slice(0, MAX_SUGGESTED_LENGTH)}…` : raw;
  const word = raw.replace(/^-+/, '');
  const match = word.length <= MAX_SUGGESTED_LENGTH ? closestMatch(word, names) : undefined;
  const hint =
    match !== undefined
      ? ` (did you mean --${match}?)`
      : `; the options are ${names.map((n) => `--${n}`).join(', ')}`;
  return usage(`unknown option ${shown}${hint}`);
}

function usage(message: string): HardtickError {
  return new HardtickError('usage', message);
}
