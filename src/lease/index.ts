/**
 * Leases and fencing: the RT loop acts only while it holds a lease (guard.ts), kept by a
 * keeper on the non-RT side (keeper.ts) through an election (election.ts: in-process or
 * etcd); the receiving side rejects writers whose fencing token is stale (fenced-sink.ts),
 * in process or over a socket (fenced-server.ts).
 */

export type { Election, LeaderTerm, RenewResult } from './election.js';
export type { EtcdElectionOptions, EtcdLeaderInfo } from './etcd-election.js';
export { EtcdElection, loadEtcd3 } from './etcd-election.js';
export type { SinkAddress, SinkStats } from './fenced-server.js';
export { FencedSinkClient, FencedSinkServer, MAX_LINE_BYTES } from './fenced-server.js';
export type { AuditEntry, FencedSinkOptions, FencedWrite, FencedWriteResult } from './fenced-sink.js';
export { auditViolations, FencedSink } from './fenced-sink.js';
export type {
  LeaseGuardClock,
  LeaseGuardOptions,
  LeaseGuardSnapshot,
  SlotWindow,
  TaskLease,
} from './guard.js';
export {
  GuardedTaskLease,
  LEASE_LEADER,
  LEASE_NONE,
  LEASE_PASSIVE,
  LeaseGuard,
  monotonicNowNs,
  UNGUARDED_LEASE,
  UnguardedTaskLease,
} from './guard.js';
export type { InProcessElectionOptions } from './in-process-election.js';
export { InProcessElection, InProcessElectionStore } from './in-process-election.js';
export type { LeaseEvent, LeaseKeeperOptions, LeaseKeeperState, LeaseLossReason } from './keeper.js';
export { LeaseKeeper } from './keeper.js';
