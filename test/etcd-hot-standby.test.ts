/**
 * End to end, with a real etcd and real processes: two `hardtick run` processes on the
 * hot-standby example's ONE config (its `lease` section; examples/hot-standby), each
 * forwarding its actuator commands with their fencing token to one FencedSink served over
 * TCP from this process.
 *
 * - SIGSTOP the primary for longer than the TTL: the standby takes over within TTL + a
 *   bound; after SIGCONT none of the primary's writes is accepted, it reports the lost
 *   lease and goes passive, and both run reports tell it (lease sections, standby frames).
 * - A slow link (commands held 100 ms on their way) with a primary that never checks
 *   `ctx.lease.valid()`: the woken primary's in-flight commands reach the sink after the
 *   takeover, stale, and are rejected.
 * - etcd restarted mid-run: writing resumes under one leader.
 * - etcd stopped for good: the leader goes passive before its lease could have expired,
 *   nobody takes over, and the standby, which never led, ran no task.
 * In every case the sink's audit log never shows two writers with the same or a decreasing
 * token. Takeover times are printed (bench/takeover.ts measures them over several runs).
 *
 * Needs a built dist/ (the CLI and the example import the package) and the `etcd` binary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditViolations, FencedSink, FencedSinkServer } from '../src/lease/index.js';
import { startEtcd, type TestEtcd } from './helpers/etcd.js';
import { type Controller, type ControllerOptions, epochMs, startController } from './helpers/hot-standby.js';
import { requires } from './helpers/requirements.js';

const TTL_MS = 1000;
/** Takeover bound beyond the TTL: etcd's expiry check (every 500 ms), the standby's campaign
 * interval (100 ms), the grant, the first frame and forwarding, plus room for a busy machine. */
const TAKEOVER_SLACK_MS = 2000;
/** Start-up and warm-up of a `hardtick run` (2 s warm-up at a 10 ms frame) on a busy machine. */
const START_MS = 30_000;

let etcd: TestEtcd;
let sink: FencedSink;
let server: FencedSinkServer;
let port: number;
const controllers: Controller[] = [];

beforeEach(async () => {
  etcd = await startEtcd();
  sink = new FencedSink();
  server = await FencedSinkServer.listen(sink, { port: 0 });
  port = (server.address() as { port: number }).port;
}, 30_000);

afterEach(async () => {
  for (const c of controllers.splice(0)) await c.stop();
  await server.close();
  await etcd.dispose();
}, 30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts one controller on this test's etcd and sink. */
function controller(name: string, key: string, extra: Partial<ControllerOptions> = {}): Controller {
  const c = startController({ name, etcd: etcd.endpoint, key, sinkPort: port, ...extra });
  controllers.push(c);
  return c;
}

/** Starts the pair: the primary leads and writes, the standby campaigns (and does not lead). */
async function pair(
  key: string,
  primaryExtra: Partial<ControllerOptions> = {},
): Promise<[Controller, Controller]> {
  const primary = controller('primary', key, primaryExtra);
  await primary.waitFor((e) => e.event === 'first-accepted', START_MS);
  const standby = controller('standby', key);
  await standby.waitFor((e) => e.event === 'campaigning', START_MS);
  await sleep(300);
  expect(standby.events.some((e) => e.event === 'leader')).toBe(false);
  return [primary, standby];
}

/** SIGSTOPs the primary past the TTL; returns the takeover time and the SIGSTOP/SIGCONT times. */
async function pauseAndTakeOver(primary: Controller, standby: Controller) {
  const stopAt = epochMs();
  primary.proc.kill('SIGSTOP');
  await standby.waitFor((e) => e.event === 'first-accepted', TTL_MS + TAKEOVER_SLACK_MS + 3000);
  const firstStandby = sink.audit().find((e) => e.writer === 'standby')!;
  const takeoverMs = firstStandby.atMs - stopAt;
  // Keep the primary stopped well past the TTL.
  await sleep(Math.max(0, stopAt + TTL_MS + 500 - epochMs()));
  const contAt = epochMs();
  primary.proc.kill('SIGCONT');
  const lost = await primary.waitFor((e) => e.event === 'lost', 5000);
  const passive = await primary.waitFor((e) => e.event === 'passive', 5000);
  // Let whatever the primary still had in flight reach the sink.
  await sleep(500);
  return { stopAt, contAt, takeoverMs, firstStandby, lost, passive };
}

describe(
  'hot standby over etcd: two `hardtick run` on one config (real SIGSTOP, etcd, sockets)',
  requires('etcd'),
  () => {
    it('primary SIGSTOPped past the TTL: standby takes over; the woken primary is fenced, goes passive, and the reports tell it', async () => {
      const [primary, standby] = await pair('/e2e/sigstop');
      const r = await pauseAndTakeOver(primary, standby);
      console.log(`takeover: ${r.takeoverMs.toFixed(0)} ms after SIGSTOP (TTL ${TTL_MS} ms)`);
      expect(r.takeoverMs).toBeLessThan(TTL_MS + TAKEOVER_SLACK_MS);
      // The standby could not win before the primary's lease expired in etcd (≥ TTL after its last renewal).
      expect(r.takeoverMs).toBeGreaterThan(TTL_MS * 0.3);
      const audit = sink.audit();
      expect(audit.filter((e) => e.writer === 'primary' && e.atMs >= r.firstStandby.atMs)).toEqual([]);
      expect(r.lost).toMatchObject({ event: 'lost', reason: expect.stringMatching(/^(expired|revoked)$/) });
      expect(r.lost.token!).toBeLessThan(r.firstStandby.token);
      expect(r.passive.atMs).toBeGreaterThanOrEqual(r.contAt);
      expect(auditViolations(audit)).toEqual([]);
      // The standby keeps writing afterwards; the primary stays passive (not leader again).
      const after = primary.events.length;
      await sleep(500);
      expect(primary.events.slice(after).some((e) => e.event === 'leader')).toBe(false);
      expect(sink.audit().at(-1)!.writer).toBe('standby');

      const p = await primary.stop();
      const s = await standby.stop();
      expect(p.code).toBe(0);
      expect(s.code).toBe(0);
      const pl = p.report!.lease!;
      const sl = s.report!.lease!;
      expect(pl).toMatchObject({
        key: '/e2e/sigstop',
        candidate: 'primary',
        ttlNs: 1e9,
        tokens: [r.lost.token],
      });
      expect(pl.transitions.map((t) => t.kind)).toEqual(['standby', 'leader', 'lost', 'passive', 'standby']);
      expect(pl.transitions[2]).toMatchObject({ kind: 'lost', token: r.lost.token, reason: r.lost.reason });
      // It held the lease from winning until its last valid-until (≤ TTL after the SIGSTOP),
      // not through the whole pause.
      const wonAt = primary.events.find((e) => e.event === 'leader')!.atMs;
      expect(pl.leadingNs / 1e6).toBeGreaterThan(r.stopAt - wonAt - 500);
      expect(pl.leadingNs / 1e6).toBeLessThan(r.stopAt - wonAt + TTL_MS);
      expect(sl).toMatchObject({ candidate: 'standby', tokens: [r.firstStandby.token] });
      expect(sl.transitions.map((t) => [t.kind, t.token])).toEqual([
        ['standby', null],
        ['leader', r.firstStandby.token],
        ['passive', null],
      ]);
      expect(sl.transitions[2]!.reason).toBe('stopped');
      // While the primary led, the standby's frames ran no task: standby frames, not releases.
      expect(sl.standbyFrames).toBeGreaterThan(50);
      expect(sl.standbyNs).toBeGreaterThan(500e6);
      // Every frame of each run was run, skipped or standby: ⌊measured / frame⌋ (±2 for the ends).
      for (const report of [p.report!, s.report!]) {
        const counted = report.frames.count + report.frames.skipped + report.lease!.standbyFrames;
        expect(Math.abs(counted - Math.floor(report.durationNs / report.frameNs))).toBeLessThanOrEqual(2);
      }
    }, 90_000);

    it('a slow link and a primary that never checks its lease: its in-flight commands arrive stale after the takeover and are rejected', async () => {
      const [primary, standby] = await pair('/e2e/slow-link', { unguarded: true, linkDelayMs: 100 });
      const r = await pauseAndTakeOver(primary, standby);
      console.log(`takeover (slow link): ${r.takeoverMs.toFixed(0)} ms after SIGSTOP`);
      expect(r.takeoverMs).toBeLessThan(TTL_MS + TAKEOVER_SLACK_MS + 100);
      const audit = sink.audit();
      expect(audit.filter((e) => e.writer === 'primary' && e.atMs >= r.firstStandby.atMs)).toEqual([]);
      // ~10 commands (100 ms at 100 Hz) were on the link at the SIGSTOP: delivered after the
      // SIGCONT with the old token, and refused.
      const rejected = primary.events.filter((e) => e.event === 'rejected' && e.atMs >= r.contAt);
      expect(rejected.length).toBeGreaterThan(0);
      for (const e of rejected) expect(e).toMatchObject({ reason: 'stale-token', token: r.lost.token });
      expect(sink.rejectionsOf('primary')).toBe(rejected.length);
      expect(sink.rejectionsOf('standby')).toBe(0);
      expect(auditViolations(audit)).toEqual([]);
    }, 90_000);

    it('etcd restarted mid-run: writing resumes under one leader, tokens never shared or decreasing', async () => {
      const [primary, standby] = await pair('/e2e/restart');
      await etcd.stop();
      await sleep(300);
      await etcd.start();
      const restartedAt = epochMs();
      // Within a few seconds someone leads and writes again.
      const end = restartedAt + 6000;
      while (epochMs() < end && !sink.audit().some((e) => e.atMs > restartedAt + 500)) await sleep(50);
      const audit = sink.audit();
      expect(audit.some((e) => e.atMs > restartedAt + 500)).toBe(true);
      expect(auditViolations(audit)).toEqual([]);
      // Exactly one of them is leader now.
      await sleep(300);
      const leaders = [primary, standby].filter((c) => {
        const last = c.events
          .filter((e) => ['leader', 'passive', 'lost', 'campaigning'].includes(e.event))
          .at(-1);
        return last?.event === 'leader';
      });
      expect(leaders.length).toBe(1);
    }, 90_000);

    it('etcd stopped for good: the leader goes passive before its lease could end; nobody takes over; the standby ran no task', async () => {
      const [primary, standby] = await pair('/e2e/etcd-down');
      const stopAt = epochMs();
      await etcd.stop();
      const passive = await primary.waitFor((e) => e.event === 'passive', TTL_MS + 3000);
      expect(passive).toMatchObject({ reason: 'expired' });
      // Valid-until = last renewal sent (before stopAt) + TTL·0.99 − 100 ms ≤ stopAt + 890 ms; the
      // slack is for a timer firing late on a loaded machine (the guard stops output on time anyway).
      expect(passive.atMs - stopAt).toBeLessThan(TTL_MS + 500);
      await sleep(TTL_MS);
      const audit = sink.audit();
      const last = audit.at(-1)!;
      expect(last.writer).toBe('primary');
      expect(last.atMs - stopAt).toBeLessThan(TTL_MS + 500);
      expect(standby.events.some((e) => e.event === 'leader')).toBe(false);
      expect(auditViolations(audit)).toEqual([]);
      const s = await standby.stop();
      const task = s.report!.tasks[0]!;
      expect([task.releases, task.runs, task.deadlineMisses]).toEqual([0, 0, 0]);
      expect(s.report!.frames.count).toBe(0);
      expect(s.report!.lease).toMatchObject({ tokens: [], leadingNs: 0 });
      expect(s.report!.lease!.standbyFrames).toBeGreaterThan(100);
      // Every frame it released was a standby frame: ⌊measured / frame⌋ of them (±2 for the ends).
      const frames = Math.floor(s.report!.durationNs / s.report!.frameNs);
      expect(Math.abs(s.report!.lease!.standbyFrames - frames)).toBeLessThanOrEqual(2);
    }, 90_000);
  },
);
