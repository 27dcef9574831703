/**
 * Fencing: the receiving side rejects writers whose token is stale (see sink.ts), in
 * process or over a socket (server.ts).
 */

export type { SinkAddress, SinkStats } from './server.js';
export { FencedSinkClient, FencedSinkServer, MAX_LINE_BYTES } from './server.js';
export type { AuditEntry, FencedSinkOptions, FencedWrite, FencedWriteResult } from './sink.js';
export { auditViolations, FencedSink } from './sink.js';
