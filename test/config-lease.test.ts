/**
 * The config's `lease` key (hot standby): defaults resolved from the TTL, endpoints as a
 * list, and every bad input rejected with its path and what was expected, including the
 * checks that need several fields (whole-second TTL, margin, renewal interval, call
 * timeout).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { configProblems } from './helpers/config-problems.js';

type Json = Record<string, unknown>;

const base = (lease?: unknown): Json => ({
  name: 'hs',
  tasks: [{ name: 'a', period: '10ms', budget: '1ms', run: './t.mjs#a' }],
  ...(lease === undefined ? {} : { lease }),
});

const resolve = (lease?: unknown) => resolveConfig(base(lease), { baseDir: '/project' }).lease;

const minimal = (extra: Json = {}): Json => ({
  etcd: { endpoints: '127.0.0.1:2379' },
  key: '/hardtick/motor-1/leader',
  ttl: '1s',
  ...extra,
});

const problems = (lease: unknown): readonly string[] => configProblems(base(lease));

describe('config lease', () => {
  it('is off (null) when absent', () => {
    expect(resolve()).toBeNull();
  });

  it('fills the defaults: margin TTL/10 (≥ 50 ms), renewal TTL/3, drift 1 %, 100 ms campaigns, rejoin after a TTL', () => {
    expect(resolve(minimal())).toEqual({
      etcd: { endpoints: ['127.0.0.1:2379'], callTimeoutNs: 500_000_000 },
      key: '/hardtick/motor-1/leader',
      ttlNs: 1_000_000_000,
      candidate: null,
      marginNs: 100_000_000,
      renewIntervalNs: 333_333_333,
      driftRate: 0.01,
      campaignIntervalNs: 100_000_000,
      rejoin: true,
      rejoinDelayNs: 1_000_000_000,
    });
    // A 10 s TTL: margin 1 s; the 50 ms floor shows only below a 500 ms TTL, which etcd cannot grant.
    expect(resolve(minimal({ ttl: '10s' }))).toMatchObject({
      marginNs: 1_000_000_000,
      renewIntervalNs: 3_333_333_333,
    });
  });

  it('keeps what the config says', () => {
    expect(
      resolve(
        minimal({
          etcd: { endpoints: ['http://10.0.0.1:2379', '10.0.0.2:2379'], callTimeout: '200ms' },
          ttl: '3s',
          candidate: 'pi-left',
          margin: 0,
          renewInterval: '500ms',
          driftRate: 0,
          campaignInterval: '50ms',
          rejoin: false,
          rejoinDelay: 0,
        }),
      ),
    ).toEqual({
      etcd: { endpoints: ['http://10.0.0.1:2379', '10.0.0.2:2379'], callTimeoutNs: 200_000_000 },
      key: '/hardtick/motor-1/leader',
      ttlNs: 3_000_000_000,
      candidate: 'pi-left',
      marginNs: 0,
      renewIntervalNs: 500_000_000,
      driftRate: 0,
      campaignIntervalNs: 50_000_000,
      rejoin: false,
      rejoinDelayNs: 0,
    });
  });

  it('names what is missing', () => {
    expect(problems({})).toEqual([
      'lease.etcd: required: expected an object',
      'lease.key: required: expected the election key, e.g. "/hardtick/motor-1/leader"',
      'lease.ttl: required: expected the lease TTL, a whole number of seconds like "1s" (a takeover takes about TTL + 0.5 s)',
    ]);
    expect(problems({ ...minimal(), etcd: {} })).toEqual([
      'lease.etcd.endpoints: expected an etcd client endpoint like "127.0.0.1:2379" or "http://10.0.0.1:2379", or a non-empty list of them, got nothing',
    ]);
    expect(problems(true)).toEqual(['lease: expected an object, got true']);
  });

  it('rejects malformed fields with their path', () => {
    expect(
      problems(
        minimal({
          etcd: { endpoints: ['127.0.0.1:2379', '127.0.0.1'] },
          key: '',
          candidate: 'left pi',
          driftRate: 1,
          rejoin: 'yes',
        }),
      ),
    ).toEqual([
      'lease.etcd.endpoints[1]: expected an etcd client endpoint like "127.0.0.1:2379" or "http://10.0.0.1:2379", got "127.0.0.1"',
      'lease.key: expected the election key (a non-empty string), got an empty string',
      'lease.candidate: expected a candidate name of printable ASCII without spaces, got "left pi"',
      'lease.driftRate: expected a number from 0 to below 1, got 1',
      'lease.rejoin: expected true or false, got "yes"',
    ]);
    expect(problems(minimal({ etcd: { endpoints: [] } }))).toEqual([
      'lease.etcd.endpoints: expected at least one endpoint',
    ]);
    expect(problems(minimal({ candidate: '' }))).toEqual([
      'lease.candidate: expected a candidate name, got an empty string',
    ]);
    expect(problems(minimal({ tll: '1s' }))).toEqual(['lease: unknown key "tll" (did you mean "ttl"?)']);
  });

  it('wants a TTL of whole seconds (etcd counts seconds); a bare number is milliseconds', () => {
    expect(problems(minimal({ ttl: '1500ms' }))).toEqual([
      'lease.ttl: expected a whole number of seconds like "1s" or "2s" (etcd leases count seconds), got 1.5s',
    ]);
    expect(problems(minimal({ ttl: 2 }))).toEqual([
      'lease.ttl: expected a whole number of seconds like "1s" or "2s" (etcd leases count seconds), got 2ms',
    ]);
  });

  it('checks the figures against each other: validity left after the margin, renewals inside it, calls shorter than the TTL', () => {
    expect(problems(minimal({ margin: '1s' }))).toEqual([
      'lease.margin: margin 1s leaves no validity: TTL 1s × (1 − 0.01) − margin must be positive; lower the margin or raise the TTL',
    ]);
    expect(problems(minimal({ renewInterval: '890ms' }))).toEqual([
      'lease.renewInterval: renewInterval 890ms must be shorter than the validity TTL × (1 − driftRate) − margin = 890ms, or the lease lapses between renewals',
    ]);
    expect(problems(minimal({ etcd: { endpoints: 'a:1', callTimeout: '1s' } }))).toEqual([
      'lease.etcd.callTimeout: callTimeout 1s must be shorter than the TTL 1s: a call that outlasts the lease cannot keep it',
    ]);
    // 889 ms renewals fit in 1 s × 0.99 − 100 ms.
    expect(resolve(minimal({ renewInterval: '889ms' }))?.renewIntervalNs).toBe(889_000_000);
  });
});
