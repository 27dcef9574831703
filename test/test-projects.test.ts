/**
 * The `unit` project keeps its promise (test/projects.ts): no unit test file starts a child
 * process or a worker thread, opens a socket, waits on the real clock or runs the built CLI.
 * A file that needs one of those belongs in INTEGRATION_TESTS.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_TESTS, TIMING_PAIR_TESTS, TIMING_TESTS } from './projects.js';

const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

/** What a unit test must not contain, and why. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/node:child_process/, 'starts a child process'],
  [/node:worker_threads|new Worker\(/, 'starts a worker thread'],
  [/node:(http|https|net|dgram)'/, 'opens a socket'],
  [/dist\/cli\/main\.js/, 'runs the built CLI'],
  [/setTimeout|setInterval|Atomics\.wait/, 'waits on the real clock'],
  [/SystemClock\(|HybridWaiter\(|NativeWaiter\(|selectClockAndWaiter\(/, 'uses a real clock or waiter'],
  [/performance\.now\(\)|hrtime/, 'reads the real clock'],
];

/** `test/x-*.test.ts` → a RegExp over file names (`*` within one name only). */
function globToRegExp(glob: string): RegExp {
  const name = glob.replace(/^test\//, '');
  return new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

const integration = [...INTEGRATION_TESTS, ...TIMING_TESTS, ...TIMING_PAIR_TESTS].map(globToRegExp);
const unitFiles = readdirSync(TEST_DIR)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => !integration.some((re) => re.test(f)))
  // This file names the patterns it looks for.
  .filter((f) => f !== 'test-projects.test.ts');

describe('test projects', () => {
  it('every integration and timing glob matches a test file, and no file is in two projects', () => {
    const files = readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.ts'));
    const lists = [INTEGRATION_TESTS, TIMING_TESTS, TIMING_PAIR_TESTS];
    const all = lists.flat();
    expect(all.filter((g) => !files.some((f) => globToRegExp(g).test(f)))).toEqual([]);
    const inTwo = files.filter(
      (f) => lists.filter((list) => list.some((g) => globToRegExp(g).test(f))).length > 1,
    );
    expect(inTwo).toEqual([]);
  });

  it('unit test files start no process or thread, open no socket and never touch the real clock', () => {
    expect(unitFiles.length).toBeGreaterThan(40);
    const offenders: string[] = [];
    for (const f of unitFiles) {
      // The file and the test helpers it imports, directly or through other helpers.
      for (const file of withLocalImports(join(TEST_DIR, f))) {
        const text = readFileSync(file, 'utf8');
        const where = file === join(TEST_DIR, f) ? f : `${f} (via ${relative(TEST_DIR, file)})`;
        for (const [re, what] of FORBIDDEN)
          if (re.test(text)) offenders.push(`${where} ${what} (${re.source})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/** `file` and every module under test/ it imports, transitively (`./x.js` → `./x.ts`). */
function withLocalImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
    const target = resolve(dirname(file), `${m[1]}.ts`);
    if (target.startsWith(TEST_DIR) && existsSync(target)) withLocalImports(target, seen);
  }
  return seen;
}
