/**
 * examples/hot-standby/demo.mjs, the README's one command: a real etcd (the `etcd` binary;
 * `.ci/run` installs etcd-server), the sink and two controllers as child processes, the
 * primary SIGSTOPped past its 1 s lease. Needs a built dist/.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requires } from './helpers/requirements.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('examples/hot-standby/demo.mjs', requires('etcd'), () => {
  it('the standby takes over while the primary is stopped; the woken primary goes passive', () => {
    const r = spawnSync(
      process.execPath,
      ['examples/hot-standby/demo.mjs', '--pause', '2.5', '--after', '2'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    const took = /standby took over (\d+) ms after the primary was stopped \(token (\d+)\)/.exec(out);
    expect(took, out).not.toBeNull();
    // The lease is 1 s: the takeover cannot come before it lapses, and should come within the pause.
    expect(Number(took![1])).toBeGreaterThan(500);
    expect(Number(took![1])).toBeLessThan(2500);
    expect(out).toMatch(/the woken primary reported "(lost|passive)" and stayed passive/);
    expect(out).toContain('no write of the woken primary was accepted');
  }, 70_000);

  it('refuses bad options with exit 2', () => {
    const r = spawnSync(process.execPath, ['examples/hot-standby/demo.mjs', '--pause', '0'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--pause and --after take a positive number of seconds');
  });
});
