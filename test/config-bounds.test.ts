/**
 * Hostile configs end quickly with a named error: the size limits (file, strings, keys,
 * nesting, number of values), names that are object keys, the planner's job ceiling, and
 * JSON that is broken at any depth. Every message is pinned.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_CONFIG_DEPTH,
  MAX_CONFIG_FILE_BYTES,
  MAX_CONFIG_STRING_LENGTH,
  MAX_CONFIG_VALUES,
} from '../src/config/bounds.js';
import { closestMatch, didYouMean, editDistance } from '../src/config/issues.js';
import { findSyntaxErrorOffset, parseJsonText } from '../src/config/json-text.js';
import { loadConfig, resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

type Json = Record<string, unknown>;
const task = (over: Json = {}): Json => ({
  name: 'a',
  period: '1ms',
  budget: '100us',
  run: './tasks.mjs#a',
  ...over,
});
const config = (over: Json = {}): Json => ({ name: 'bounds', tasks: [task()], ...over });
const dir = mkdtempSync(join(tmpdir(), 'hardtick-bounds-'));

function problems(input: unknown): string[] {
  try {
    resolveConfig(input, { file: 'c.json', baseDir: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return [...(error as HardtickError).issues];
  }
  throw new Error('expected the config to be rejected');
}

async function loadError(name: string, text: string): Promise<HardtickError> {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    await loadConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    return error as HardtickError;
  }
  throw new Error('expected the config to be rejected');
}

describe('config size limits', () => {
  it('refuses a JSON file over 4 MiB before reading it', async () => {
    const text = `{"name":"x","tasks":[],"pad":"${' '.repeat(MAX_CONFIG_FILE_BYTES)}"}`;
    const error = await loadError('big.json', text);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      `${join(dir, 'big.json')}: the file has ${text.length} bytes; a config file may have at most 4194304 (4 MiB)`,
    );
  });

  it('names an over-long string and an over-long key by path, showing only their start', () => {
    const long = 'x'.repeat(MAX_CONFIG_STRING_LENGTH + 1);
    expect(problems(config({ slicing: long }))).toEqual([
      'slicing: a string of 4097 characters ("xxxxxxxxxxxxxxxxxxxxxxxx…"); keys and strings in a config may have at most 4096',
    ]);
    expect(problems(config({ tasks: [task({ [long]: 1 })] }))).toEqual([
      'tasks[0]: a key of 4097 characters ("xxxxxxxxxxxxxxxxxxxxxxxx…"); keys and strings in a config may have at most 4096',
    ]);
  });

  it('a 10 MB unknown key from a config module ends in well under a second', () => {
    const started = performance.now();
    const key = 'k'.repeat(10 * 1024 * 1024);
    expect(problems(config({ [key]: 1 }))).toEqual([
      '(top level): a key of 10485760 characters ("kkkkkkkkkkkkkkkkkkkkkkkk…"); keys and strings in a config may have at most 4096',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses nesting deeper than 64 levels, and a cycle, without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [line] = problems(config({ watchdog: { failSafeParams: deep } }));
    expect(line).toBe(
      `watchdog.failSafeParams${'[0]'.repeat(MAX_CONFIG_DEPTH - 2)}: nested more than 64 levels deep (a cycle?)`,
    );
    const cyclic: Json = { pins: [] };
    (cyclic.pins as unknown[]).push(cyclic);
    expect(problems(config({ watchdog: { failSafeParams: cyclic } }))[0]).toMatch(
      /^watchdog\.failSafeParams(\.pins\[0\])+: nested more than 64 levels deep \(a cycle\?\)$/,
    );
  });

  it('refuses more values than a config may hold, and a huge sparse array, without walking them', () => {
    const started = performance.now();
    expect(problems(config({ watchdog: { failSafeParams: new Array(2 ** 32 - 1) } }))).toEqual([
      `watchdog.failSafeParams: an array of 4294967295 items; a config may hold at most ${MAX_CONFIG_VALUES} values`,
    ]);
    expect(problems(config({ watchdog: { failSafeParams: new Array(MAX_CONFIG_VALUES).fill(0) } }))).toEqual([
      `watchdog.failSafeParams[${MAX_CONFIG_VALUES - 10}]: the config holds more than ${MAX_CONFIG_VALUES} values; a config may hold at most that many`,
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a getter that throws in a config module is a problem at its path, not a crash', () => {
    const input = config();
    Object.defineProperty(input, 'gc', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(problems(input)).toEqual(['gc: could not be read: boom']);
  });
});

describe('names that are object keys', () => {
  it('refuses every task name that a plain object already has', () => {
    expect(
      problems(config({ tasks: ['constructor', '__proto__', 'toString'].map((name) => task({ name })) })),
    ).toEqual([
      'tasks[0].name: "constructor" is reserved (every JavaScript object has a property of that name); choose another name',
      'tasks[1].name: "__proto__" is reserved (every JavaScript object has a property of that name); choose another name',
      'tasks[2].name: "toString" is reserved (every JavaScript object has a property of that name); choose another name',
    ]);
  });

  it('refuses a mode named __proto__ even though a schema record would drop it silently', () => {
    const input = JSON.parse(
      '{"name":"x","tasks":[],"modes":{"__proto__":{"tasks":"x"},"valueOf":{"tasks":[]}}}',
    );
    input.tasks = [task()];
    input.modes.valueOf.tasks = [task()];
    expect(problems(input)).toEqual([
      'modes.__proto__: "__proto__" is reserved (every JavaScript object has a property of that name); choose another name',
      'modes.valueOf: "valueOf" is reserved (every JavaScript object has a property of that name); choose another name',
    ]);
  });

  it('refuses a task name over 128 characters', () => {
    expect(problems(config({ tasks: [task({ name: 'n'.repeat(129) })] }))).toEqual([
      'tasks[0].name: expected at most 128 characters',
    ]);
  });
});

describe('limits.maxJobs is bounded by the planner memory ceiling', () => {
  for (const maxJobs of [2 ** 31 - 1, 2 ** 53 - 1, 2_000_001]) {
    it(`refuses ${maxJobs}`, () => {
      expect(problems(config({ limits: { maxJobs } }))).toEqual([
        `limits.maxJobs: expected an integer from 1 to 2000000 (the planner holds every job in memory), got ${maxJobs}`,
      ]);
    });
  }
});

describe('JSON broken at any depth', () => {
  it('6,000 unclosed [ give line and column, not a stack overflow', async () => {
    const error = await loadError('open.json', '['.repeat(6000));
    expect(error.code).toBe('config_not_json');
    expect(error.message).toBe(
      `${join(dir, 'open.json')}:1:6001: not valid JSON: Unexpected end of JSON input`,
    );
    expect(findSyntaxErrorOffset(`${'['.repeat(1_000_000)}x`)).toBe(1_000_000);
    expect(findSyntaxErrorOffset(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`)).toBeUndefined();
  });

  it('still points at the offending character', () => {
    expect(parseJsonText('{\n  "a": [1, 2,\n  ]\n}')).toEqual({
      ok: false,
      problem: { line: 3, column: 3, reason: expect.any(String) },
    });
    expect(findSyntaxErrorOffset('{"a":1,}')).toBe(7);
    expect(findSyntaxErrorOffset('[tru]')).toBe(4);
    expect(findSyntaxErrorOffset('{"a" 1}')).toBe(5);
  });
});

describe('did-you-mean stays cheap', () => {
  it('is not computed for long words, and the edit distance keeps three rows', () => {
    const word = 'x'.repeat(10_000_000);
    const started = performance.now();
    expect(closestMatch(word, ['slicing'])).toBeUndefined();
    expect(didYouMean(word, ['auto', 'off'])).toBe('');
    expect(performance.now() - started).toBeLessThan(100);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestMatch('slicng', ['slicing', 'frame'])).toBe('slicing');
  });
});
