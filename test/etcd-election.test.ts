/**
 * EtcdElection against a real etcd (started by test/helpers/etcd.ts on loopback ports):
 * one leader per key, the token is the key's create revision and grows with every term,
 * renewals keep the key, an unrenewed lease expires and lets the other candidate in, a
 * resign hands over at once, the lease survives an etcd restart, an etcd that is down
 * makes renew reject fast (no hidden retries); plus its bad-input and missing-module errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdElection, loadEtcd3 } from '../src/lease/etcd-election.js';
import { startEtcd, type TestEtcd } from './helpers/etcd.js';
import { requires } from './helpers/requirements.js';

const S = 1e9;
let etcd: TestEtcd;
const opened: EtcdElection[] = [];

async function candidate(name: string, key: string): Promise<EtcdElection> {
  const e = await EtcdElection.connect({ endpoints: etcd.endpoint, key, candidate: name, ttlNs: 1 * S });
  opened.push(e);
  return e;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EtcdElection (real etcd)', requires('etcd'), () => {
  beforeAll(async () => {
    etcd = await startEtcd();
  }, 30_000);
  afterAll(async () => {
    for (const e of opened) await e.close();
    await etcd?.dispose();
  });

  it('one leader per key; token = the key create revision; renew keeps it past the TTL', async () => {
    const a = await candidate('a', '/t/one');
    const b = await candidate('b', '/t/one');
    const term = await a.tryAcquire();
    expect(term).not.toBeNull();
    expect(term!.ttlNs).toBe(1 * S);
    expect(await b.tryAcquire()).toBeNull();
    const leader = await b.leader();
    expect(leader).toMatchObject({ candidate: 'a', token: term!.token });
    for (let i = 0; i < 6; i++) {
      await sleep(300);
      expect(await a.renew(500)).toEqual({ alive: true, ttlNs: 1 * S });
    }
    // 1.8 s > TTL: still a's.
    expect((await b.leader())?.candidate).toBe('a');
    expect(await b.tryAcquire()).toBeNull();
  });

  it('an unrenewed lease expires: the other candidate wins with a larger token, the old one learns it lost', async () => {
    const a = await candidate('a', '/t/expire');
    const b = await candidate('b', '/t/expire');
    const ta = await a.tryAcquire();
    const t0 = Date.now();
    let tb = await b.tryAcquire();
    while (tb === null && Date.now() - t0 < 5000) {
      await sleep(20);
      tb = await b.tryAcquire();
    }
    const took = Date.now() - t0;
    expect(tb).not.toBeNull();
    expect(tb!.token).toBeGreaterThan(ta!.token);
    // TTL 1 s; etcd checks expiry every 500 ms: generous bound for a busy machine.
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3500);
    expect(await a.renew(500)).toEqual({ alive: false, ttlNs: 0 });
  });

  it('resign hands over at once; tokens keep growing across terms', async () => {
    const a = await candidate('a', '/t/resign');
    const b = await candidate('b', '/t/resign');
    const tokens: number[] = [];
    for (let round = 0; round < 3; round++) {
      const [win, other] = round % 2 === 0 ? [a, b] : [b, a];
      const t = await win.tryAcquire();
      expect(t, `round ${round}`).not.toBeNull();
      tokens.push(t!.token);
      expect(await other.tryAcquire()).toBeNull();
      await win.resign();
    }
    expect(tokens[1]!).toBeGreaterThan(tokens[0]!);
    expect(tokens[2]!).toBeGreaterThan(tokens[1]!);
  });

  it('etcd down: renew rejects fast; after a restart within the TTL the same lease renews', async () => {
    const a = await candidate('a', '/t/restart');
    const t = await a.tryAcquire();
    expect(t).not.toBeNull();
    await etcd.stop();
    const t0 = Date.now();
    await expect(a.renew(500)).rejects.toThrow(/UNAVAILABLE|no answer|ended|ECONNREFUSED/);
    expect(Date.now() - t0).toBeLessThan(1000);
    await etcd.start();
    // etcd refreshes every lease to its full TTL when it comes back (the restart may have
    // taken longer than the TTL): the term goes on with the same token.
    let r = null;
    for (let i = 0; i < 20 && r === null; i++) {
      r = await a.renew(500).catch(() => null);
      if (r === null) await sleep(100);
    }
    expect(r).toEqual({ alive: true, ttlNs: 1 * S });
    expect(await a.leader()).toMatchObject({ candidate: 'a', token: t!.token });
  }, 30_000);
});

// Checked before any connection is made: no etcd needed.
describe('EtcdElection bad input', () => {
  it('bad input says what was expected; a missing etcd3 module is a clear error', async () => {
    const base = { endpoints: '127.0.0.1:2379', key: '/k', candidate: 'a', ttlNs: 1 * S };
    await expect(EtcdElection.connect({ ...base, ttlNs: 1.5 * S })).rejects.toThrow(
      expect.objectContaining({
        code: 'usage',
        message:
          'EtcdElection: ttlNs: expected a whole number of seconds >= 1 (etcd leases count seconds), got 1500000000 ns',
      }),
    );
    await expect(EtcdElection.connect({ ...base, endpoints: ' , ' })).rejects.toThrow(
      'EtcdElection: endpoints: expected at least one "host:port"',
    );
    await expect(EtcdElection.connect({ ...base, key: '' })).rejects.toThrow(
      'EtcdElection: key: expected a non-empty string',
    );
    await expect(EtcdElection.connect({ ...base, candidate: '' })).rejects.toThrow(
      'EtcdElection: candidate: expected a non-empty string',
    );
    await expect(loadEtcd3('etcd3-not-installed-here')).rejects.toThrow(
      expect.objectContaining({
        code: 'lease_backend_missing',
        message: expect.stringMatching(
          /^EtcdElection needs the optional dependency "etcd3" \(npm install etcd3\); importing "etcd3-not-installed-here" failed: /,
        ),
      }),
    );
  });
});
