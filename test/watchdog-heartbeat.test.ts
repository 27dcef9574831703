/**
 * The heartbeat block: what a reader sees after each writer call, task names and clock
 * carried in the buffer, no torn read while a real writer thread hammers the seqlock, and
 * the setup errors of Heartbeat and startWatchdog (code and message).
 */
import { describe, expect, it } from 'vitest';
import {
  emptySnapshot,
  HB_SEQ,
  Heartbeat,
  STATE_DONE,
  STATE_IDLE,
  STATE_NONE,
  STATE_RUNNING,
  sharedNowNs,
} from '../src/watchdog/heartbeat.js';
import {
  DEFAULT_WATCHDOG_POLL_NS,
  defaultWatchdogPollNs,
  MAX_DEFAULT_WATCHDOG_POLL_NS,
  startWatchdog,
} from '../src/watchdog/watchdog.js';
import { startTsWorker } from './helpers/memory-ts-worker.js';

describe('Heartbeat', () => {
  it('reader sees each write: running, done, idle; names and frame survive attach', () => {
    const writer = Heartbeat.create({ taskNames: ['sense', 'ctrl'] });
    const reader = Heartbeat.attach(writer.buffer);
    const s = emptySnapshot();
    expect(reader.taskNames).toEqual(['sense', 'ctrl']);
    expect(reader.clock).toBe('monotonic');
    expect(reader.readInto(s)).toBe(true);
    expect(s).toMatchObject({ state: STATE_NONE, frame: -1, slot: -1, task: -1 });

    writer.beginSlot(2 ** 40 + 3, 4, 1, 1_000_000_000_123.5, 1_000_002_000_000);
    expect(reader.readInto(s)).toBe(true);
    expect(s).toEqual({
      seq: 2,
      state: STATE_RUNNING,
      frame: 2 ** 40 + 3,
      slot: 4,
      task: 1,
      startNs: 1_000_000_000_123.5,
      deadlineNs: 1_000_002_000_000,
    });
    expect(reader.taskName(s.task)).toBe('ctrl');
    expect(reader.taskName(7)).toBe('task#7');

    writer.endSlot();
    expect(reader.readInto(s)).toBe(true);
    expect(s).toMatchObject({ seq: 4, state: STATE_DONE, frame: 2 ** 40 + 3, slot: 4, task: 1 });

    writer.idle(5e12);
    expect(reader.readInto(s)).toBe(true);
    expect(s).toMatchObject({ seq: 6, state: STATE_IDLE, deadlineNs: 5e12 });
  });

  it('readInto gives up (false) while a write is in progress', () => {
    const hb = Heartbeat.create();
    Atomics.store(new Int32Array(hb.buffer), HB_SEQ, 1);
    expect(hb.readInto(emptySnapshot())).toBe(false);
  });

  it('monotonic clock: sharedNowNs agrees with the native clock origin (process.hrtime)', () => {
    const hb = Heartbeat.create();
    const a = sharedNowNs();
    const b = hb.nowNs();
    expect(b - a).toBeGreaterThanOrEqual(0);
    expect(b - a).toBeLessThan(50e6);
  });

  it("performance clock: a reader converts to the writer thread's performance.now() origin", async () => {
    // Created in a worker (the writer thread), read here: origins differ by the worker's start-up.
    const w = startTsWorker(new URL('./helpers/watchdog-perf-writer.ts', import.meta.url));
    const { buffer, writerNowNs } = await new Promise<{ buffer: SharedArrayBuffer; writerNowNs: number }>(
      (resolve) => w.once('message', resolve),
    );
    const readerNowNs = Heartbeat.attach(buffer).nowNs();
    await w.terminate();
    const s = emptySnapshot();
    Heartbeat.attach(buffer).readInto(s);
    expect(s.startNs).toBe(writerNowNs);
    // Converted "now" is after the writer's reading and not far after it (message latency).
    expect(readerNowNs - writerNowNs).toBeGreaterThan(0);
    expect(readerNowNs - writerNowNs).toBeLessThan(500e6);
    // Without the conversion the two clocks would disagree by the origins' distance.
    expect(Math.abs(performance.now() * 1e6 - writerNowNs)).toBeGreaterThan(readerNowNs - writerNowNs);
  });

  it('never returns a torn state while a writer thread hammers it', async () => {
    const hb = Heartbeat.create({ taskNames: ['a', 'b', 'c'] });
    const progress = new Int32Array(new SharedArrayBuffer(8));
    const w = startTsWorker(new URL('./helpers/watchdog-rt-worker.ts', import.meta.url), {
      workerData: {
        heartbeat: hb.buffer,
        mode: 'seqlock',
        periodMs: 0,
        frames: 0,
        progress: progress.buffer,
      },
    });
    const done = new Promise<{ writes: number }>((resolve) => w.on('message', resolve));
    const s = emptySnapshot();
    let reads = 0;
    let busy = 0;
    while (Atomics.load(progress, 0) < 1000) await new Promise((r) => setTimeout(r, 1));
    // At least 300 ms and 2000 consistent reads (a loaded machine deschedules the writer
    // mid-write often, and then every read in that slice gives up), at most 10 s.
    const t0 = performance.now();
    for (;;) {
      const elapsedMs = performance.now() - t0;
      if ((elapsedMs >= 300 && reads >= 2000) || elapsedMs >= 10_000) break;
      if (!hb.readInto(s)) {
        busy++;
        continue;
      }
      reads++;
      const k = s.frame;
      if (s.slot !== (k & 7) || s.task !== k % 3 || s.startNs !== 10 * k || s.deadlineNs !== 10 * k + 5) {
        throw new Error(`torn read: ${JSON.stringify(s)}`);
      }
      expect(s.state === STATE_RUNNING || s.state === STATE_DONE).toBe(true);
    }
    Atomics.store(progress, 1, 1);
    const { writes } = await done;
    await w.terminate();
    console.log(`seqlock: ${reads} consistent reads, ${busy} gave up, against ${writes} writes`);
    expect(reads).toBeGreaterThan(1000);
    expect(writes).toBeGreaterThan(1000);
  });
});

describe('the default poll', () => {
  it('is a quarter of the grace within 10-100 ms: under the grace from 40 ms up, so detection stays exact', () => {
    const ms = 1e6;
    expect(DEFAULT_WATCHDOG_POLL_NS).toBe(10 * ms);
    expect(MAX_DEFAULT_WATCHDOG_POLL_NS).toBe(100 * ms);
    expect(defaultWatchdogPollNs(5 * ms)).toBe(10 * ms);
    expect(defaultWatchdogPollNs(40 * ms)).toBe(10 * ms);
    expect(defaultWatchdogPollNs(50 * ms)).toBe(12.5 * ms);
    expect(defaultWatchdogPollNs(400 * ms)).toBe(100 * ms);
    expect(defaultWatchdogPollNs(1000 * ms)).toBe(100 * ms);
  });
});

describe('setup errors', () => {
  it('Heartbeat.attach refuses a buffer that is not a heartbeat', () => {
    expect(() => Heartbeat.attach(new SharedArrayBuffer(512))).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'not a hardtick heartbeat buffer (bad magic or version)',
      }),
    );
    expect(() => Heartbeat.attach(new SharedArrayBuffer(8))).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'not a hardtick heartbeat buffer (too small or not shared)',
      }),
    );
  });

  it('Heartbeat.create refuses a bad task name and a bad clock', () => {
    expect(() => Heartbeat.create({ taskNames: ['a', 3 as unknown as string] })).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'heartbeat taskNames[1]: expected a string',
      }),
    );
    expect(() => Heartbeat.create({ clock: 'wall' as 'monotonic' })).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'heartbeat clock: expected "monotonic" or "performance", got wall',
      }),
    );
  });

  it('startWatchdog validates grace, exit code, fail-safe data and file at setup', () => {
    const heartbeat = Heartbeat.create().buffer;
    expect(() => startWatchdog({ heartbeat, graceNs: 0 })).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        path: 'graceNs',
        message: 'watchdog graceNs: expected a finite number of ns > 0, got 0',
      }),
    );
    expect(() => startWatchdog({ heartbeat, graceNs: 1e6, exitCode: 300 })).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'watchdog exitCode: expected an integer 1..255, got 300',
      }),
    );
    expect(() =>
      startWatchdog({
        heartbeat,
        graceNs: 1e6,
        failSafeData: { out: new ArrayBuffer(8) as unknown as SharedArrayBuffer },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: 'watchdog failSafeData.out: expected a SharedArrayBuffer',
      }),
    );
    expect(() =>
      startWatchdog({ heartbeat, graceNs: 1e6, failSafe: { file: '/nonexistent/safe.js' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'watchdog_failsafe_invalid',
        message: 'watchdog failSafe.file: /nonexistent/safe.js does not exist',
      }),
    );
  });

  it('ready rejects when the fail-safe module lacks the export', async () => {
    const w = startWatchdog({
      heartbeat: Heartbeat.create().buffer,
      graceNs: 1e6,
      failSafe: {
        file: new URL('./helpers/watchdog-failsafe.ts', import.meta.url).href,
        exportName: 'notAFunction',
      },
    });
    await expect(w.ready).rejects.toMatchObject({
      code: 'watchdog_failsafe_invalid',
      message: expect.stringMatching(
        /^watchdog fail-safe: fail-safe module .*watchdog-failsafe\.ts has no function export "notAFunction" \(got number\)$/,
      ),
    });
    await w.stop();
  });
});
