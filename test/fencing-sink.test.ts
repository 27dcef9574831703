/**
 * FencedSink: stale tokens are rejected and counted, a token belongs to one writer, the
 * audit log keeps accepted writes in order; the same over TCP and a Unix socket
 * (newline-delimited JSON), with its error replies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditViolations, FencedSink, FencedSinkClient, FencedSinkServer } from '../src/lease/index.js';

describe('FencedSink (in process)', () => {
  it('accepts equal-or-higher tokens, rejects lower ones, counts rejections per writer', () => {
    let t = 1000;
    const sink = new FencedSink({ nowMs: () => t++, keepValues: true });
    expect(sink.write({ token: 5, writer: 'a', seq: 0, value: 1.5 })).toEqual({
      accepted: true,
      reason: null,
      highest: 5,
    });
    expect(sink.write({ token: 5, writer: 'a', seq: 1 }).accepted).toBe(true);
    expect(sink.write({ token: 9, writer: 'b', seq: 0 }).accepted).toBe(true);
    // The old leader wakes up and writes with its old token.
    expect(sink.write({ token: 5, writer: 'a', seq: 2 })).toEqual({
      accepted: false,
      reason: 'stale-token',
      highest: 9,
    });
    // Nobody may reuse the current leader's token.
    expect(sink.write({ token: 9, writer: 'a', seq: 3 })).toEqual({
      accepted: false,
      reason: 'token-taken',
      highest: 9,
    });
    expect(sink.accepted).toBe(3);
    expect(sink.rejections).toBe(2);
    expect(sink.rejectionsOf('a')).toBe(2);
    expect(sink.rejectionsOf('b')).toBe(0);
    expect(sink.acceptedOf('a')).toBe(2);
    expect(sink.highest).toBe(9);
    expect(sink.audit()).toEqual([
      { token: 5, writer: 'a', seq: 0, atMs: 1000, value: 1.5 },
      { token: 5, writer: 'a', seq: 1, atMs: 1001 },
      { token: 9, writer: 'b', seq: 0, atMs: 1002 },
    ]);
    expect(auditViolations(sink.audit())).toEqual([]);
  });

  it('keeps at most auditCapacity entries and counts the dropped ones; onAccept sees each', () => {
    const seen: number[] = [];
    const sink = new FencedSink({ auditCapacity: 2, onAccept: (e) => seen.push(e.seq) });
    for (let i = 0; i < 5; i++) sink.write({ token: 1, writer: 'a', seq: i });
    expect(sink.audit().map((e) => e.seq)).toEqual([3, 4]);
    expect(sink.auditDropped).toBe(3);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('fencing: false accepts stale and shared-token writes, keeps the highest token, and the audit shows them', () => {
    const sink = new FencedSink({ fencing: false, nowMs: () => 7 });
    expect(sink.write({ token: 5, writer: 'new', seq: 1 })).toEqual({
      accepted: true,
      reason: null,
      highest: 5,
    });
    expect(sink.write({ token: 3, writer: 'old', seq: 2 })).toEqual({
      accepted: true,
      reason: null,
      highest: 5,
    });
    expect(sink.write({ token: 5, writer: 'other', seq: 3 })).toEqual({
      accepted: true,
      reason: null,
      highest: 5,
    });
    expect([sink.accepted, sink.rejections, sink.highest]).toEqual([3, 0, 5]);
    expect(auditViolations(sink.audit())).toEqual([
      'entry 1: token 3 from old after token 5',
      'entry 2: token 5 used by other and by new',
    ]);
    // Malformed writes are still refused.
    expect(() => sink.write({ token: -1, writer: 'x' })).toThrow(
      'fenced write: token must be a non-negative integer, got -1',
    );
  });

  it('auditViolations names decreasing tokens and shared tokens', () => {
    expect(
      auditViolations([
        { token: 3, writer: 'a', seq: 0, atMs: 0 },
        { token: 2, writer: 'b', seq: 0, atMs: 1 },
        { token: 3, writer: 'c', seq: 0, atMs: 2 },
      ]),
    ).toEqual(['entry 1: token 2 from b after token 3', 'entry 2: token 3 used by c and by a']);
  });

  it('bad input: malformed writes and options say what was expected', () => {
    const sink = new FencedSink();
    expect(() => sink.write({ token: -1, writer: 'a' })).toThrow(
      expect.objectContaining({
        code: 'fencing_invalid',
        message: 'fenced write: token must be a non-negative integer, got -1',
      }),
    );
    expect(() => sink.write({ token: 1.5, writer: 'a' })).toThrow(
      'fenced write: token must be a non-negative integer, got 1.5',
    );
    expect(() => sink.write({ token: 1, writer: '' })).toThrow(
      expect.objectContaining({
        code: 'fencing_invalid',
        message: 'fenced write: writer must be a non-empty string',
      }),
    );
    expect(() => new FencedSink({ auditCapacity: 0 })).toThrow(
      expect.objectContaining({
        code: 'usage',
        message: 'FencedSink: auditCapacity must be an integer >= 1, got 0',
      }),
    );
    expect(sink.accepted + sink.rejections).toBe(0);
  });
});

describe('FencedSinkServer / FencedSinkClient (NDJSON over a socket)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('over TCP: two clients, the stale one is rejected; stats and audit over the wire', async () => {
    const server = await FencedSinkServer.listen(new FencedSink(), { port: 0 });
    cleanup.push(() => server.close());
    const addr = server.address();
    const a = await FencedSinkClient.connect(addr);
    const b = await FencedSinkClient.connect(addr);
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    expect(await a.write({ token: 4, writer: 'a', seq: 0 })).toEqual({
      accepted: true,
      reason: null,
      highest: 4,
    });
    expect((await b.write({ token: 6, writer: 'b', seq: 0 })).accepted).toBe(true);
    // Pipelined: replies come in order.
    const results = await Promise.all([0, 1, 2].map((i) => a.write({ token: 4, writer: 'a', seq: i + 1 })));
    expect(results.map((r) => r.reason)).toEqual(['stale-token', 'stale-token', 'stale-token']);
    expect(await a.stats()).toEqual({
      highest: 6,
      accepted: 2,
      rejections: 3,
      acceptedBy: { a: 1, b: 1 },
      rejectedBy: { a: 3, b: 0 },
    });
    const audit = await b.audit();
    expect(audit.map((e) => [e.token, e.writer, e.seq])).toEqual([
      [4, 'a', 0],
      [6, 'b', 0],
    ]);
    expect(audit[1]!.atMs).toBeGreaterThanOrEqual(audit[0]!.atMs);
    await expect(a.write({ token: -3, writer: 'a' })).rejects.toThrow(
      'sink: fenced write: token must be a non-negative integer, got -3',
    );
  });

  it('over a Unix socket, and error replies for lines that are not requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardtick-sink-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'sink.sock');
    const server = await FencedSinkServer.listen(new FencedSink(), { path });
    cleanup.push(() => server.close());
    expect(server.address()).toEqual({ path });
    const c = await FencedSinkClient.connect({ path });
    cleanup.push(() => c.close());
    expect((await c.write({ token: 1, writer: 'x' })).accepted).toBe(true);

    const raw = createConnection(path);
    cleanup.push(() => void raw.destroy());
    const replies: string[] = [];
    let buf = '';
    raw.setEncoding('utf8');
    const got = new Promise<void>((resolve) => {
      raw.on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        replies.push(...lines);
        if (replies.length === 3) resolve();
      });
    });
    raw.write('not json\n[1]\n{"op":"delete"}\n');
    await got;
    expect(replies.map((l) => JSON.parse(l))).toEqual([
      { ok: false, error: 'request is not JSON' },
      { ok: false, error: 'unknown op undefined (expected "write", "stats" or "audit")' },
      { ok: false, error: 'unknown op "delete" (expected "write", "stats" or "audit")' },
    ]);
  });
});
