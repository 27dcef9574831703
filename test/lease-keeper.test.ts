/**
 * LeaseKeeper over the in-process election, on the real clock (short TTLs; bounds generous):
 * a hot-standby pair where the leader's term is written into its guard with the margin
 * formula, and where the leader goes passive by itself — before the standby can win —
 * when its renewals stop getting through; a lease lost on the server ends the term at the
 * next renewal; a pause noted by the RT side triggers an immediate renewal; stop() hands
 * over at once; bad options are refused with what was expected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Election,
  InProcessElection,
  InProcessElectionStore,
  LEASE_LEADER,
  LEASE_PASSIVE,
  type LeaseEvent,
  LeaseGuard,
  type LeaseGuardSnapshot,
  LeaseKeeper,
  monotonicNowNs,
} from '../src/lease/index.js';

const MS = 1e6;
const TTL = 400 * MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function snap(guard: LeaseGuard): LeaseGuardSnapshot {
  const s: LeaseGuardSnapshot = { state: -1, term: -1, token: -1, validUntilNs: 0, renewSentNs: 0 };
  expect(guard.readInto(s)).toBe(true);
  return s;
}

/** An election whose renewals can be cut off (they reject after their timeout, like a dead link). */
class Cuttable implements Election {
  cut = false;
  constructor(private readonly inner: Election) {}
  get candidate() {
    return this.inner.candidate;
  }
  get ttlNs() {
    return this.inner.ttlNs;
  }
  tryAcquire() {
    return this.cut ? Promise.reject(new Error('cut')) : this.inner.tryAcquire();
  }
  async renew(timeoutMs: number) {
    if (this.cut) {
      await sleep(Math.min(timeoutMs, 100));
      throw new Error('cut');
    }
    return this.inner.renew(timeoutMs);
  }
  resign() {
    return this.cut ? Promise.reject(new Error('cut')) : this.inner.resign();
  }
  close() {
    return this.inner.close();
  }
}

interface Node {
  keeper: LeaseKeeper;
  guard: LeaseGuard;
  election: Cuttable;
  events: LeaseEvent[];
}

const keepers: LeaseKeeper[] = [];
afterEach(async () => {
  for (const k of keepers.splice(0)) await k.stop();
});

function node(store: InProcessElectionStore, name: string, extra: { renewIntervalNs?: number } = {}): Node {
  const guard = LeaseGuard.create({ clock: 'monotonic' });
  const election = new Cuttable(new InProcessElection({ store, candidate: name, ttlNs: TTL }));
  const events: LeaseEvent[] = [];
  const keeper = new LeaseKeeper({
    election,
    guard: LeaseGuard.attach(guard.buffer),
    marginNs: 40 * MS,
    driftRate: 0.01,
    campaignIntervalNs: 20 * MS,
    rejoin: false,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  keepers.push(keeper);
  return { keeper, guard, election, events };
}

describe('LeaseKeeper (in-process election, real clock)', () => {
  it('leader writes token and valid-until = sent + TTL·(1−ρ) − margin; the standby waits', async () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    const a = node(store, 'a');
    a.keeper.start();
    await until(() => a.keeper.state === 'leader', 2000, 'a leader');
    const b = node(store, 'b');
    b.keeper.start();
    await sleep(100);
    expect(b.keeper.state).toBe('standby');
    const s = snap(a.guard);
    expect(s.state).toBe(LEASE_LEADER);
    expect(s.token).toBe(1);
    expect(s.validUntilNs - s.renewSentNs).toBeCloseTo(TTL * 0.99 - 40 * MS, 0);
    expect(snap(b.guard).state).not.toBe(LEASE_LEADER);
    expect(store.leader()).toEqual({ candidate: 'a', token: 1 });
    // Renewals keep it (TTL 400 ms, renewed every ~133 ms): still leader after 3 TTLs.
    await sleep(1200);
    expect(a.keeper.state).toBe('leader');
    expect(b.keeper.state).toBe('standby');
    expect(snap(a.guard).renewSentNs).toBeGreaterThan(s.renewSentNs);
  });

  it('cut off from the election, the leader goes passive by itself before the standby can win', async () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    const a = node(store, 'a');
    a.keeper.start();
    await until(() => a.keeper.state === 'leader', 2000, 'a leader');
    const b = node(store, 'b');
    b.keeper.start();
    const validUntil = snap(a.guard).validUntilNs;
    a.election.cut = true;
    await until(() => b.keeper.state === 'leader', 3000, 'b leader');
    const lost = a.events.find((e) => e.type === 'lost');
    const won = b.events.find((e) => e.type === 'leader');
    expect(lost).toMatchObject({ type: 'lost', token: 1, reason: 'expired' });
    expect(won).toMatchObject({ type: 'leader', token: 2 });
    // No overlap: a had revoked its guard before b's term began.
    expect(lost!.atMs).toBeLessThan(won!.atMs);
    expect(snap(a.guard).state).toBe(LEASE_PASSIVE);
    expect(a.keeper.state).toBe('passive');
    expect(a.keeper.losses).toBe(1);
    // a's guard validity ended before the store could have let b in.
    expect(validUntil).toBeLessThan(snap(b.guard).renewSentNs);
  });

  it('a lease the server dropped ends the term at the next renewal (reason revoked)', async () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    const a = node(store, 'a');
    a.keeper.start();
    await until(() => a.keeper.state === 'leader', 2000, 'a leader');
    store.expireNow();
    await until(() => a.keeper.state === 'passive', 1000, 'a passive');
    expect(a.events.filter((e) => e.type === 'lost' || e.type === 'passive')).toMatchObject([
      { type: 'lost', token: 1, reason: 'revoked' },
      { type: 'passive', reason: 'revoked' },
    ]);
    expect(snap(a.guard).state).toBe(LEASE_PASSIVE);
  });

  it('a pause noted by the RT side triggers a renewal at once (not at the next interval)', async () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    // Renew only every 300 ms: an immediate renewal is clearly not the periodic one.
    const a = node(store, 'a', { renewIntervalNs: 300 * MS });
    a.keeper.start();
    await until(() => a.keeper.state === 'leader', 2000, 'a leader');
    await sleep(20);
    const wake = Float64Array.of(monotonicNowNs());
    a.guard.notePauseAt(wake, 0);
    const t0 = performance.now();
    await until(() => snap(a.guard).renewSentNs > wake[0]!, 1000, 'renewal after the pause');
    // Polled every 2 ms; the periodic renewal would come up to 300 ms later.
    expect(performance.now() - t0).toBeLessThan(250);
    expect(a.guard.pauseAtNs()).toBe(wake[0]);
  });

  it('stop() revokes the guard at once and resigns: the standby wins well within one TTL', async () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    const a = node(store, 'a');
    const b = node(store, 'b');
    a.keeper.start();
    await until(() => a.keeper.state === 'leader', 2000, 'a leader');
    b.keeper.start();
    await sleep(50);
    const t0 = performance.now();
    await a.keeper.stop();
    expect(snap(a.guard).state).toBe(LEASE_PASSIVE);
    await until(() => b.keeper.state === 'leader', 2000, 'b leader');
    expect(performance.now() - t0).toBeLessThan(TTL / MS);
    expect(b.keeper.token).toBe(2);
    expect(a.events.some((e) => e.type === 'lost')).toBe(false);
  });

  it('bad options: says which one and what was expected', () => {
    const store = new InProcessElectionStore(monotonicNowNs);
    const guard = LeaseGuard.create();
    const election = new InProcessElection({ store, candidate: 'a', ttlNs: TTL });
    expect(() => new LeaseKeeper({ election, guard, driftRate: 1 })).toThrow(
      expect.objectContaining({ code: 'usage', message: 'LeaseKeeper: driftRate must be in [0, 1), got 1' }),
    );
    expect(() => new LeaseKeeper({ election, guard, marginNs: 500 * MS })).toThrow(
      'LeaseKeeper: TTL 400 ms × (1 − 0.01) − margin 500 ms leaves no validity',
    );
    expect(() => new LeaseKeeper({ election, guard, renewIntervalNs: 380 * MS })).toThrow(
      'LeaseKeeper: renewIntervalNs (380 ms) must be shorter than the validity TTL·(1−ρ) − margin (346 ms)',
    );
    expect(() => new InProcessElection({ store, candidate: '', ttlNs: TTL })).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: 'InProcessElection: candidate must be a non-empty string',
      }),
    );
    expect(() => new InProcessElection({ store, candidate: 'a', ttlNs: 0 })).toThrow(
      'InProcessElection: ttlNs must be > 0, got 0',
    );
  });
});
