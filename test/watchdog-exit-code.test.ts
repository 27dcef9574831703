/**
 * `exitCode`: the watchdog ends the whole process, in a child process. With the RT loop in
 * a worker (the main thread free) the process exits with the declared code (75); with the
 * main thread itself stuck nothing can run `process.exit`, so the watchdog falls back to
 * SIGKILL after `killAfterNs`. Either way the watchdog's stderr line names the stuck task.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WATCHDOG_EXIT_CODE } from '../src/watchdog/watchdog.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function runChild(where: 'worker' | 'main') {
  return spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/watchdog-exit-child.ts', where], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('watchdog exitCode', () => {
  it('ends the process with the declared code while the RT worker spins', () => {
    const r = runChild('worker');
    expect(r.stdout).toContain('spinning');
    expect(r.stderr).toMatch(
      /hardtick watchdog: task "actuate" \(frame 3, slot 1\) still running .* exiting with code 75/,
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(WATCHDOG_EXIT_CODE);
  });

  it('falls back to SIGKILL when the stuck thread is the main thread', () => {
    const r = runChild('main');
    expect(r.stdout).toContain('spinning');
    expect(r.stderr).toMatch(/hardtick watchdog: task "control" \(frame 0, slot 0\)/);
    expect(r.status).toBeNull();
    expect(r.signal).toBe('SIGKILL');
  });
});
