/**
 * The config's `lease` key resolved: every default filled in (margin and renewal interval
 * derive from the TTL), endpoints as a list. The checks that need several fields ran in
 * the schema (schema.ts `checkLease`); nothing downstream validates again.
 */
import type { ParsedConfigFile } from './schema.js';
import { defaultLeaseMarginNs, defaultLeaseRenewIntervalNs } from './schema.js';
import type { ResolvedLease } from './types.js';

/** `lease`, resolved; null when the config has none. */
export function resolveLease(lease: ParsedConfigFile['lease']): ResolvedLease | null {
  if (lease === undefined) return null;
  const ttlNs = lease.ttl;
  const endpoints = lease.etcd.endpoints;
  return {
    etcd: {
      endpoints: typeof endpoints === 'string' ? [endpoints] : [...endpoints],
      callTimeoutNs: lease.etcd.callTimeout,
    },
    key: lease.key,
    ttlNs,
    candidate: lease.candidate ?? null,
    marginNs: lease.margin ?? defaultLeaseMarginNs(ttlNs),
    renewIntervalNs: lease.renewInterval ?? defaultLeaseRenewIntervalNs(ttlNs),
    driftRate: lease.driftRate,
    campaignIntervalNs: lease.campaignInterval,
    rejoin: lease.rejoin,
    rejoinDelayNs: lease.rejoinDelay ?? ttlNs,
  };
}
