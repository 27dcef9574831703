/**
 * What a test needs from the machine besides Node: `requires('etcd')` in a test's or a
 * suite's options skips it on a machine that lacks the component, with one line naming
 * the component, why it counts as missing and the command that installs it; the skip
 * reporter (test/helpers/skip-reporter.ts) lists those lines at the end of the run.
 * `HARDTICK_TEST_STRICT=1` (CI) turns a missing component into a failure instead.
 * Detection is real: a PATH lookup, a file that must exist, the uid, the addon loading.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type { TestOptions } from 'vitest';
import { loadNative, nativeStatus } from '../../src/native/binding.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Set by {@link requires} on a test skipped for a missing component: the skip line. */
    requirement?: string;
  }
}

/** Something outside Node and node_modules that some tests need. */
export type Component = 'chromium' | 'etcd' | 'root' | 'native' | 'cc' | 'cyclictest' | 'taskset';

/** Where the Debian package installs the browser; `HARDTICK_CHROMIUM` points elsewhere. */
export function chromiumPath(): string {
  return process.env.HARDTICK_CHROMIUM ?? '/usr/bin/chromium';
}

/** The first executable called `name` on `PATH`, or null. */
export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The Node headers installed with this Node binary (`<prefix>/include/node`), or a file there. */
export function nodeHeaders(file = ''): string {
  return join(process.execPath, '../../include/node', file);
}

function moduleMissing(name: string): string | null {
  try {
    createRequire(import.meta.url).resolve(name);
    return null;
  } catch {
    return `the npm module '${name}' is not installed`;
  }
}

/** How to get each component, as one command a user can paste. */
export const INSTALL: Readonly<Record<Component, string>> = {
  chromium:
    'apt-get install -y --no-install-recommends chromium (or set HARDTICK_CHROMIUM to a Chromium binary)',
  etcd: 'apt-get install -y --no-install-recommends etcd-server (and npm install etcd3 if it is missing)',
  root: 'run the tests as root: sudo npm test',
  native: 'apt-get install -y build-essential python3, then npm run build:native',
  cc: 'apt-get install -y build-essential (a C compiler; Node headers come with Node)',
  cyclictest: 'apt-get install -y rt-tests',
  taskset: 'apt-get install -y util-linux',
};

/** Why `component` is missing on this machine, or null when it is there. */
export function missing(component: Component): string | null {
  switch (component) {
    case 'chromium': {
      const path = chromiumPath();
      if (!existsSync(path)) return `no Chromium at ${path}`;
      try {
        accessSync(path, constants.X_OK);
        return null;
      } catch {
        return `${path} is not executable`;
      }
    }
    case 'etcd':
      return onPath('etcd') === null ? '`etcd` is not on PATH' : moduleMissing('etcd3');
    case 'root':
      return process.getuid?.() === 0 ? null : `not root (uid ${process.getuid?.() ?? 'unknown'})`;
    case 'native':
      return loadNative() === null ? `native addon not loaded: ${nativeStatus().reason}` : null;
    case 'cc':
      if (onPath('cc') === null) return '`cc` (a C compiler) is not on PATH';
      return existsSync(nodeHeaders('node_api.h')) ? null : `no Node headers at ${nodeHeaders()}`;
    case 'cyclictest':
    case 'taskset':
      return onPath(component) === null ? `\`${component}\` is not on PATH` : null;
  }
}

/** True when the component is there (no skip line, no strict failure: for guards). */
export function has(component: Component): boolean {
  return missing(component) === null;
}

/** True when the user turned the addon off on purpose (`HARDTICK_NATIVE=0`). */
function nativeDisabledOnPurpose(): boolean {
  const reason = nativeStatus().reason;
  return loadNative() === null && reason !== null && reason.startsWith('disabled by HARDTICK_NATIVE=');
}

/** Whether `HARDTICK_TEST_STRICT` asks for a missing component to fail the run. */
export function strict(): boolean {
  const v = process.env.HARDTICK_TEST_STRICT;
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Test or suite options for something that needs `components`: `{}` when all are there;
 * otherwise `{ skip: true }` with the skip line in `meta.requirement` (the skip reporter
 * prints it), or, under `HARDTICK_TEST_STRICT=1`, an Error thrown at collection that says
 * what is missing and how to install it. The addon switched off with `HARDTICK_NATIVE=0`
 * is a deliberate choice, not a missing component: always a skip.
 *
 *     describe('against a real etcd', requires('etcd'), () => { … });
 *     it('holds /dev/cpu_dma_latency at 0', requires('root'), () => { … });
 */
export function requires(...components: Component[]): TestOptions {
  const lines: string[] = [];
  let deliberate = true;
  for (const c of components) {
    const why = missing(c);
    if (why === null) continue;
    const onPurpose = c === 'native' && nativeDisabledOnPurpose();
    if (!onPurpose) deliberate = false;
    lines.push(onPurpose ? `${c}: ${why}` : `${c}: ${why}; install: ${INSTALL[c]}`);
  }
  if (lines.length === 0) return {};
  const requirement = lines.join(' | ');
  if (strict() && !deliberate) {
    throw new Error(`HARDTICK_TEST_STRICT=1 and a required component is missing: ${requirement}`);
  }
  return { skip: true, meta: { requirement } };
}
