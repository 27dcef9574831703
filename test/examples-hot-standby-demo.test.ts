/**
 * examples/hot-standby/demo.mjs, the README's one command: a real etcd (the `etcd` binary;
 * `.ci/run` installs etcd-server), the sink and two `hardtick run` processes on the
 * example's one config as child processes, the primary SIGSTOPped past its 1 s lease. Its
 * verdict is read from the sink's audit log: exit 0 when no stale write was accepted, and
 * exit 1, naming the stale writes, when one was (the sink's fencing turned off by
 * HARDTICK_HOT_STANDBY_UNFENCED=1, used only here). Needs a built dist/.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requires } from './helpers/requirements.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function demo(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['examples/hot-standby/demo.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 100_000,
    env: { ...process.env, ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('examples/hot-standby/demo.mjs', requires('etcd'), () => {
  it('the standby takes over while the primary is stopped; the woken primary goes passive; its in-flight writes are rejected: exit 0', () => {
    // A 50 ms link: ~5 commands of the primary are on their way when it is stopped.
    const { status, out } = demo(['--pause', '2.5', '--after', '2', '--link-delay', '50']);
    expect(status, out).toBe(0);
    const took = /standby took over (\d+) ms after the primary was stopped \(token (\d+)\)/.exec(out);
    expect(took, out).not.toBeNull();
    // The lease is 1 s: the takeover cannot come before it lapses, and should come within the pause.
    expect(Number(took![1])).toBeGreaterThan(300);
    expect(Number(took![1])).toBeLessThan(2500);
    expect(out).toMatch(
      /the woken primary reported "lost" \((expired|revoked), token \d+\) and went passive/,
    );
    const rejected = /the sink rejected (\d+) stale write\(s\) of the woken primary/.exec(out);
    expect(rejected, out).not.toBeNull();
    expect(Number(rejected![1])).toBeGreaterThan(0);
    expect(out).toMatch(
      / {2}primary: lease \/hardtick\/hot-standby\/demo as primary: leading .* \(token \d+\), standby /,
    );
    expect(out).toMatch(
      / {2}standby: lease \/hardtick\/hot-standby\/demo as standby: leading .*, leader at the end/,
    );
    expect(out).toContain(
      '[demo] PASS: no stale write accepted; every write after the takeover came from a current term',
    );
  }, 110_000);

  it("a sink with fencing off accepts the woken primary's stale writes: the audit shows them and the demo exits 1", () => {
    const { status, out } = demo(['--pause', '2.5', '--after', '2', '--link-delay', '100'], {
      HARDTICK_HOT_STANDBY_UNFENCED: '1',
    });
    expect(status, out).toBe(1);
    expect(out).toContain('(FENCING OFF: stale writes are accepted)');
    const fail =
      /\[demo\] FAIL: (\d+) stale write\(s\) accepted \(a token older than one accepted before it\):/.exec(
        out,
      );
    expect(fail, out).not.toBeNull();
    expect(Number(fail![1])).toBeGreaterThan(0);
    const token = Number(/the woken primary reported "lost" \(\w+, token (\d+)\)/.exec(out)![1]);
    const newer = Number(
      /standby took over \d+ ms after the primary was stopped \(token (\d+)\)/.exec(out)![1],
    );
    expect(out).toMatch(
      new RegExp(
        `seq \\d+ from primary with token ${token} at \\+\\d+ ms after the SIGSTOP, after token ${newer}`,
      ),
    );
    expect(out).toContain(`audit: entry `);
    expect(out).not.toContain('[demo] PASS');
  }, 110_000);

  it('refuses bad options with exit 2', () => {
    const pause = demo(['--pause', '0']);
    expect(pause.status).toBe(2);
    expect(pause.out).toContain('demo: --pause and --after take a positive number of seconds');
    const delay = demo(['--link-delay', 'soon']);
    expect(delay.status).toBe(2);
    expect(delay.out).toContain('demo: --link-delay takes a number of milliseconds from 0 to 1000');
    const unknown = demo(['--pasue', '3']);
    expect(unknown.status).toBe(2);
    expect(unknown.out).toContain("demo: Unknown option '--pasue'");
    expect(unknown.out).not.toContain('    at ');
  });
});
