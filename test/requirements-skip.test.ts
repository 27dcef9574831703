/**
 * The skip mechanism for missing components (test/helpers/requirements.ts and the skip
 * reporter): detection by a real PATH lookup and a real file, the options a test gets (skip
 * plus the one line naming the component and its install command), the failure under
 * HARDTICK_TEST_STRICT=1, the deliberate HARDTICK_NATIVE=0 that never fails, and the
 * reporter's end-of-run list.
 */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import { INSTALL, missing, onPath, requires } from './helpers/requirements.js';
import SkipReporter from './helpers/skip-reporter.js';

const saved = { ...process.env };
const dirs: string[] = [];
afterEach(() => {
  for (const k of ['PATH', 'HARDTICK_TEST_STRICT', 'HARDTICK_CHROMIUM', 'HARDTICK_NATIVE'] as const) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A PATH of one fresh directory holding executables with these names (and `node`). */
function pathWith(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hardtick-path-'));
  dirs.push(dir);
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, n), 0o755);
  }
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

describe('requires(): detection on this process, not a flag', () => {
  // These cases assert the skip a fresh machine gets: not strict, whatever the caller's env
  // (CI runs the suite with HARDTICK_TEST_STRICT=1).
  beforeEach(() => {
    process.env.HARDTICK_TEST_STRICT = '0';
  });

  it('etcd: found on PATH, missing when PATH lacks it', () => {
    process.env.PATH = pathWith('etcd');
    expect(onPath('etcd')).toBe(join(process.env.PATH, 'etcd'));
    // (etcd also needs the optional npm module etcd3: that part is not what this PATH changes.)
    expect(missing('etcd')).not.toBe('`etcd` is not on PATH');
    process.env.PATH = pathWith();
    expect(missing('etcd')).toBe('`etcd` is not on PATH');
    expect(requires('etcd')).toEqual({
      skip: true,
      meta: { requirement: `etcd: \`etcd\` is not on PATH; install: ${INSTALL.etcd}` },
    });
  });

  it('a file on PATH that is not executable does not count', () => {
    const dir = pathWith();
    writeFileSync(join(dir, 'cyclictest'), '');
    process.env.PATH = dir;
    expect(missing('cyclictest')).toBe('`cyclictest` is not on PATH');
  });

  it('chromium: the path HARDTICK_CHROMIUM names must exist and be executable', () => {
    const dir = pathWith('chromium');
    process.env.HARDTICK_CHROMIUM = join(dir, 'chromium');
    expect(missing('chromium')).toBeNull();
    expect(requires('chromium')).toEqual({});
    process.env.HARDTICK_CHROMIUM = join(dir, 'absent');
    expect(missing('chromium')).toBe(`no Chromium at ${join(dir, 'absent')}`);
  });

  it('root follows the uid', () => {
    const uid = process.getuid?.();
    expect(missing('root')).toBe(uid === 0 ? null : `not root (uid ${uid})`);
  });

  it('several components: one line each, joined, the present ones left out', () => {
    process.env.PATH = pathWith('taskset');
    expect(requires('taskset', 'cyclictest')).toEqual({
      skip: true,
      meta: { requirement: `cyclictest: \`cyclictest\` is not on PATH; install: ${INSTALL.cyclictest}` },
    });
  });
});

describe('HARDTICK_TEST_STRICT=1', () => {
  it('a missing component throws at collection, naming it and its install command', () => {
    process.env.PATH = pathWith();
    process.env.HARDTICK_TEST_STRICT = '1';
    expect(() => requires('cyclictest')).toThrow(
      `HARDTICK_TEST_STRICT=1 and a required component is missing: cyclictest: \`cyclictest\` is not on PATH; install: ${INSTALL.cyclictest}`,
    );
    process.env.HARDTICK_TEST_STRICT = '0';
    expect(requires('cyclictest')).toMatchObject({ skip: true });
  });

  it('HARDTICK_NATIVE=0 is a choice, not a missing component: a skip even when strict', () => {
    process.env.HARDTICK_TEST_STRICT = '1';
    process.env.HARDTICK_NATIVE = '0';
    expect(requires('native')).toEqual({
      skip: true,
      meta: { requirement: 'native: native addon not loaded: disabled by HARDTICK_NATIVE=0' },
    });
  });
});

describe('the skip reporter', () => {
  /** The part of a TestModule the reporter reads. */
  function fakeModule(file: string, tests: { state: string; requirement?: string }[]): TestModule {
    return {
      relativeModuleId: file,
      children: {
        *allTests(state?: string) {
          for (const t of tests) {
            if (state !== undefined && t.state !== state) continue;
            yield { meta: () => (t.requirement === undefined ? {} : { requirement: t.requirement }) };
          }
        },
      },
    } as unknown as TestModule;
  }

  function output(modules: TestModule[]): string {
    let out = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      new SkipReporter().onTestRunEnd(modules);
    } finally {
      process.stdout.write = write;
    }
    return out;
  }

  it('lists one line per missing component with its tests and files, after the summary', () => {
    const etcd = `etcd: \`etcd\` is not on PATH; install: ${INSTALL.etcd}`;
    const root = `root: not root (uid 65534); install: ${INSTALL.root}`;
    const out = output([
      fakeModule('test/etcd-a.test.ts', [
        { state: 'skipped', requirement: etcd },
        { state: 'skipped', requirement: etcd },
        { state: 'passed' },
      ]),
      fakeModule('test/etcd-b.test.ts', [{ state: 'skipped', requirement: etcd }]),
      fakeModule('test/rt.test.ts', [{ state: 'skipped', requirement: root }, { state: 'skipped' }]),
    ]);
    expect(out).toBe(
      [
        '',
        'Skipped for missing components: 4 test(s); HARDTICK_TEST_STRICT=1 makes a missing component fail',
        `  skip  ${etcd}  (3 test(s): test/etcd-a.test.ts, test/etcd-b.test.ts)`,
        `  skip  ${root}  (1 test(s): test/rt.test.ts)`,
        '',
      ].join('\n'),
    );
  });

  it('prints nothing when no test was skipped for a component (a plain skip does not count)', () => {
    expect(output([fakeModule('test/a.test.ts', [{ state: 'skipped' }, { state: 'passed' }])])).toBe('');
  });
});
