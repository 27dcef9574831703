/**
 * A {@link FencedSink} over a socket, so writers in other processes (the controllers of a
 * hot-standby pair) reach one fencing point: a TCP or Unix-socket server speaking
 * newline-delimited JSON, and its client.
 *
 * Protocol: one JSON object per line each way; replies come in request order on a
 * connection.
 * - `{"op":"write","token":7,"writer":"a","seq":12,"value":0.5}` →
 *   `{"ok":true,"accepted":true,"reason":null,"highest":7}` (or `accepted:false` with
 *   `reason` `"stale-token"` / `"token-taken"`);
 * - `{"op":"stats"}` → `{"ok":true,"highest":7,"accepted":120,"rejections":3,
 *   "acceptedBy":{"a":120},"rejectedBy":{"b":3}}`;
 * - `{"op":"audit"}` → `{"ok":true,"audit":[{"token":7,"writer":"a","seq":12,"atMs":…},…]}`;
 * - anything else → `{"ok":false,"error":"<what was wrong>"}` (the connection stays open;
 *   a line over {@link MAX_LINE_BYTES} closes it).
 *
 * Cold side (allocates).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { HardtickError } from '../errors.js';
import type { AuditEntry, FencedSink, FencedWrite, FencedWriteResult } from './fenced-sink.js';

/** Longest request line accepted, bytes. */
export const MAX_LINE_BYTES = 1 << 20;

/** Where a sink server listens or a client connects: TCP host/port, or a Unix socket path. */
export type SinkAddress = { readonly host?: string; readonly port: number } | { readonly path: string };

/** Sink counters as the `stats` op returns them. */
export interface SinkStats {
  /** Highest token accepted (−1 before the first write). */
  readonly highest: number;
  /** Writes accepted. */
  readonly accepted: number;
  /** Writes rejected. */
  readonly rejections: number;
  /** Writes accepted per writer (writers seen over the socket). */
  readonly acceptedBy: Readonly<Record<string, number>>;
  /** Writes rejected per writer. */
  readonly rejectedBy: Readonly<Record<string, number>>;
}

function statsOf(sink: FencedSink, writers: ReadonlySet<string>): SinkStats {
  const acceptedBy: Record<string, number> = {};
  const rejectedBy: Record<string, number> = {};
  for (const w of writers) {
    acceptedBy[w] = sink.acceptedOf(w);
    rejectedBy[w] = sink.rejectionsOf(w);
  }
  return {
    highest: sink.highest,
    accepted: sink.accepted,
    rejections: sink.rejections,
    acceptedBy,
    rejectedBy,
  };
}

/** Splits a socket's bytes into lines, calling `onLine` per line; false once over the limit. */
function lineReader(socket: Socket, onLine: (line: string) => void): void {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim() !== '') onLine(line);
      nl = buf.indexOf('\n');
    }
    if (buf.length > MAX_LINE_BYTES) socket.destroy();
  });
}

/** Serves a {@link FencedSink} (see the module note). */
export class FencedSinkServer {
  /** The sink served. */
  readonly sink: FencedSink;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly writers = new Set<string>();

  private constructor(sink: FencedSink) {
    this.sink = sink;
    this.server = createServer((socket) => this.serve(socket));
  }

  /**
   * Starts a server for `sink` on `address` (TCP port 0 picks a free one; host defaults to
   * 127.0.0.1). Resolves when listening.
   */
  static listen(sink: FencedSink, address: SinkAddress): Promise<FencedSinkServer> {
    const s = new FencedSinkServer(sink);
    return new Promise((resolve, reject) => {
      s.server.once('error', reject);
      const done = () => {
        s.server.off('error', reject);
        resolve(s);
      };
      if ('path' in address) s.server.listen(address.path, done);
      else s.server.listen(address.port, address.host ?? '127.0.0.1', done);
    });
  }

  /** The address it listens on (the real port when 0 was asked). */
  address(): SinkAddress {
    const a = this.server.address();
    if (typeof a === 'string') return { path: a };
    if (a === null) throw new HardtickError('usage', 'FencedSinkServer: not listening');
    return { host: a.address, port: a.port };
  }

  /** Counters, as the `stats` op returns them. */
  stats(): SinkStats {
    return statsOf(this.sink, this.writers);
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    lineReader(socket, (line) => {
      if (!socket.writable) return;
      socket.write(`${JSON.stringify(this.handle(line))}\n`);
    });
  }

  private handle(line: string): object {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      return { ok: false, error: 'request is not JSON' };
    }
    if (typeof req !== 'object' || req === null) return { ok: false, error: 'request must be a JSON object' };
    const op = (req as { op?: unknown }).op;
    if (op === 'write') {
      const r = req as { token?: unknown; writer?: unknown; seq?: unknown; value?: unknown };
      try {
        const w: FencedWrite = {
          token: r.token as number,
          writer: r.writer as string,
          ...(typeof r.seq === 'number' ? { seq: r.seq } : {}),
          ...(r.value !== undefined ? { value: r.value } : {}),
        };
        const res = this.sink.write(w);
        this.writers.add(w.writer);
        return { ok: true, ...res };
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    }
    if (op === 'stats') return { ok: true, ...this.stats() };
    if (op === 'audit') return { ok: true, audit: this.sink.audit() };
    return { ok: false, error: `unknown op ${JSON.stringify(op)} (expected "write", "stats" or "audit")` };
  }
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** A client of a {@link FencedSinkServer}: one connection, requests answered in order. */
export class FencedSinkClient {
  private readonly socket: Socket;
  private readonly pending: Pending[] = [];
  private closedError: Error | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    lineReader(socket, (line) => {
      const p = this.pending.shift();
      if (p === undefined) return;
      try {
        p.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        p.reject(
          new HardtickError('fencing_invalid', `sink sent a line that is not JSON: ${line.slice(0, 80)}`),
        );
      }
    });
    const fail = (e: Error) => {
      this.closedError ??= e;
      for (const p of this.pending.splice(0)) p.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new HardtickError('fencing_invalid', 'sink connection closed')));
  }

  /** Connects to a sink server. */
  static connect(address: SinkAddress): Promise<FencedSinkClient> {
    return new Promise((resolve, reject) => {
      const socket =
        'path' in address
          ? createConnection(address.path)
          : createConnection(address.port, address.host ?? '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new FencedSinkClient(socket));
      });
    });
  }

  private request(req: object): Promise<Record<string, unknown>> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(`${JSON.stringify(req)}\n`);
    });
  }

  private static unwrap(r: Record<string, unknown>): Record<string, unknown> {
    if (r.ok !== true) throw new HardtickError('fencing_invalid', `sink: ${String(r.error)}`);
    return r;
  }

  /**
   * Sends one write; resolves with the sink's verdict.
   * @throws HardtickError `fencing_invalid` when the sink refuses the request as malformed.
   */
  async write(w: FencedWrite): Promise<FencedWriteResult> {
    const r = FencedSinkClient.unwrap(await this.request({ op: 'write', ...w }));
    return {
      accepted: r.accepted === true,
      reason: (r.reason as FencedWriteResult['reason']) ?? null,
      highest: r.highest as number,
    };
  }

  /** The sink's counters. */
  async stats(): Promise<SinkStats> {
    const { ok: _ok, ...rest } = FencedSinkClient.unwrap(await this.request({ op: 'stats' }));
    return rest as unknown as SinkStats;
  }

  /** The sink's audit log. */
  async audit(): Promise<AuditEntry[]> {
    return FencedSinkClient.unwrap(await this.request({ op: 'audit' })).audit as AuditEntry[];
  }

  /** Closes the connection. */
  close(): void {
    this.socket.end();
  }
}
