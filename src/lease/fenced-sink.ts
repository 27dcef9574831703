/**
 * The receiving side of fenced writes (an actuator gateway, a database, a queue): accepts a
 * write only when its fencing token is not lower than the highest it has accepted, so a
 * writer that lost its lease — and wakes from a pause still believing it leads — cannot
 * act once a newer leader has written. Checking a lease before writing is not enough (the
 * pause can fall between the check and the write); the resource itself must say no.
 *
 * Rules, in order (the first that applies):
 * - token < highest accepted → rejected `stale-token`;
 * - token = highest accepted but another writer established it → rejected `token-taken`
 *   (two writers must never share a token: the audit log stays strictly ordered by term);
 * - otherwise accepted: highest = token, an audit entry (token, writer, time, seq) is kept.
 * Rejections are counted, in total and per writer. With `fencing: false` (demonstrations
 * and tests only) every write is accepted and logged: the log shows what fencing refuses.
 *
 * Cold side (allocates: audit entries, maps). Single-threaded: one sink per event loop.
 */
import { HardtickError } from '../errors.js';

/** One write presented to the sink. */
export interface FencedWrite {
  /** The writer's fencing token (a non-negative safe integer). */
  readonly token: number;
  /** Who writes (for the audit log and the per-writer counts). */
  readonly writer: string;
  /** Writer's sequence number, optional (kept in the audit log). */
  readonly seq?: number;
  /** The payload (kept in the audit log only when `keepValues`). */
  readonly value?: unknown;
}

/** Outcome of {@link FencedSink.write}. */
export interface FencedWriteResult {
  /** True when the sink took the write. */
  readonly accepted: boolean;
  /** Why it was rejected, when it was. */
  readonly reason: 'stale-token' | 'token-taken' | null;
  /** Highest token accepted so far (after this write). */
  readonly highest: number;
}

/** An accepted write, as the audit log keeps it. */
export interface AuditEntry {
  /** The writer's fencing token. */
  readonly token: number;
  /** Who wrote. */
  readonly writer: string;
  /** Writer's sequence number (−1 when not given). */
  readonly seq: number;
  /** When the sink accepted it: epoch ms, sub-ms resolution (`performance.timeOrigin + performance.now()`). */
  readonly atMs: number;
  /** The payload, when `keepValues` is on. */
  readonly value?: unknown;
}

/** Options of {@link FencedSink}. */
export interface FencedSinkOptions {
  /** Audit entries kept (oldest dropped first; `auditDropped` counts them). @default 100_000 */
  readonly auditCapacity?: number;
  /** Keep each accepted write's value in the audit log. @default false */
  readonly keepValues?: boolean;
  /** Called after each accepted write (e.g. drive the actuator). */
  readonly onAccept?: (entry: AuditEntry) => void;
  /** The clock of audit times, epoch ms. @default performance.timeOrigin + performance.now() */
  readonly nowMs?: () => number;
  /**
   * `false` accepts every well-formed write, stale or not (still logged, so
   * {@link auditViolations} shows what fencing would have refused): for demonstrating and
   * testing what fencing prevents, never for driving anything. @default true
   */
  readonly fencing?: boolean;
}

/** A fencing sink (see the module note). */
export class FencedSink {
  private highestToken = -1;
  private highestWriter: string | null = null;
  private readonly log: AuditEntry[] = [];
  private readonly capacity: number;
  private readonly keepValues: boolean;
  private readonly onAccept: ((entry: AuditEntry) => void) | null;
  private readonly nowMs: () => number;
  private readonly fencing: boolean;
  private rejected = 0;
  private acceptedCount = 0;
  private dropped = 0;
  private readonly rejectedBy = new Map<string, number>();
  private readonly acceptedBy = new Map<string, number>();

  /** @throws HardtickError `usage` for an auditCapacity that is not a positive integer. */
  constructor(options: FencedSinkOptions = {}) {
    this.capacity = options.auditCapacity ?? 100_000;
    if (!(Number.isInteger(this.capacity) && this.capacity >= 1))
      throw new HardtickError(
        'usage',
        `FencedSink: auditCapacity must be an integer >= 1, got ${this.capacity}`,
      );
    this.keepValues = options.keepValues ?? false;
    this.onAccept = options.onAccept ?? null;
    this.nowMs = options.nowMs ?? (() => performance.timeOrigin + performance.now());
    this.fencing = options.fencing ?? true;
  }

  /**
   * Presents one write. Never throws for a stale writer (that is a normal outcome);
   * @throws HardtickError `fencing_invalid` for a malformed write (token not a
   * non-negative safe integer, writer not a non-empty string).
   */
  write(w: FencedWrite): FencedWriteResult {
    if (!(Number.isSafeInteger(w.token) && w.token >= 0))
      throw new HardtickError(
        'fencing_invalid',
        `fenced write: token must be a non-negative integer, got ${String(w.token)}`,
      );
    if (typeof w.writer !== 'string' || w.writer === '')
      throw new HardtickError('fencing_invalid', 'fenced write: writer must be a non-empty string');
    let reason: FencedWriteResult['reason'] = null;
    if (w.token < this.highestToken) reason = 'stale-token';
    else if (w.token === this.highestToken && w.writer !== this.highestWriter) reason = 'token-taken';
    if (reason !== null && this.fencing) {
      this.rejected++;
      this.rejectedBy.set(w.writer, (this.rejectedBy.get(w.writer) ?? 0) + 1);
      return { accepted: false, reason, highest: this.highestToken };
    }
    if (w.token > this.highestToken) {
      this.highestToken = w.token;
      this.highestWriter = w.writer;
    }
    this.acceptedCount++;
    this.acceptedBy.set(w.writer, (this.acceptedBy.get(w.writer) ?? 0) + 1);
    const entry: AuditEntry = {
      token: w.token,
      writer: w.writer,
      seq: typeof w.seq === 'number' ? w.seq : -1,
      atMs: this.nowMs(),
      ...(this.keepValues && w.value !== undefined ? { value: w.value } : {}),
    };
    if (this.log.length >= this.capacity) {
      this.log.shift();
      this.dropped++;
    }
    this.log.push(entry);
    this.onAccept?.(entry);
    return { accepted: true, reason: null, highest: this.highestToken };
  }

  /** Highest token accepted so far (−1 before the first write). */
  get highest(): number {
    return this.highestToken;
  }

  /** Writes accepted. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Writes rejected (all writers). */
  get rejections(): number {
    return this.rejected;
  }

  /** Writes rejected from `writer`. */
  rejectionsOf(writer: string): number {
    return this.rejectedBy.get(writer) ?? 0;
  }

  /** Writes accepted from `writer`. */
  acceptedOf(writer: string): number {
    return this.acceptedBy.get(writer) ?? 0;
  }

  /** Audit entries dropped because the log was full. */
  get auditDropped(): number {
    return this.dropped;
  }

  /** The audit log, oldest first (a copy). */
  audit(): AuditEntry[] {
    return this.log.slice();
  }
}

/**
 * Checks an audit log's invariant: tokens never decrease, and a token belongs to one writer.
 * Returns the violations, one line each (empty when the log is sound).
 */
export function auditViolations(log: readonly AuditEntry[]): string[] {
  const out: string[] = [];
  const owner = new Map<number, string>();
  let prev = -1;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (e.token < prev) out.push(`entry ${i}: token ${e.token} from ${e.writer} after token ${prev}`);
    const o = owner.get(e.token);
    if (o !== undefined && o !== e.writer)
      out.push(`entry ${i}: token ${e.token} used by ${e.writer} and by ${o}`);
    owner.set(e.token, e.writer);
    prev = Math.max(prev, e.token);
  }
  return out;
}
