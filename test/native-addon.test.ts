/**
 * The native accelerator: it builds here, loads, and its clock and waiter keep their
 * contracts; and the forced fallback (HARDTICK_NATIVE=0, missing or broken file) degrades
 * to the pure-JS pair with a reason. Run the whole file with `HARDTICK_NATIVE=0` too: the
 * addon-only blocks then skip and the fallback blocks still run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyThreadRealtime,
  defaultNativePath,
  loadNative,
  NATIVE_NOW,
  NativeClock,
  NativeWaiter,
  nativeStatus,
  selectClockAndWaiter,
} from '../src/native/index.js';
import { nodeHeaders, requires } from './helpers/requirements.js';

const ROOT = resolve(import.meta.dirname, '..');
const savedEnv = process.env.HARDTICK_NATIVE;

afterEach(() => {
  if (savedEnv === undefined) delete process.env.HARDTICK_NATIVE;
  else process.env.HARDTICK_NATIVE = savedEnv;
});

describe.runIf(process.platform === 'linux')('native addon (built)', requires('native'), () => {
  it('builds: build/Release/hardtick.node exists and loads', () => {
    expect(existsSync(defaultNativePath())).toBe(true);
    expect(loadNative()).not.toBeNull();
    expect(nativeStatus()).toEqual({ available: true, reason: null, path: defaultNativePath() });
  });

  it('compiles cleanly with -Wall -Wextra -Werror', requires('cc'), () => {
    const headers = nodeHeaders();
    const r = spawnSync(
      'cc',
      [
        '-std=gnu11',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-fsyntax-only',
        `-I${headers}`,
        join(ROOT, 'native/hardtick.c'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('NativeClock is monotonic and reads CLOCK_MONOTONIC (same origin as hrtime.bigint)', () => {
    const clock = new NativeClock(loadNative()!);
    expect(clock.kind).toBe('native');
    let prev = clock.nowNs();
    for (let i = 0; i < 100_000; i++) {
      const t = clock.nowNs();
      expect(t >= prev).toBe(true);
      prev = t;
    }
    for (let i = 0; i < 100; i++) {
      const h0 = Number(process.hrtime.bigint());
      const t = clock.nowNs();
      const h1 = Number(process.hrtime.bigint());
      // Number(bigint) rounds to the nearest double (exact below 2^53 ns of uptime).
      expect(t).toBeGreaterThanOrEqual(h0 - 1);
      expect(t).toBeLessThanOrEqual(h1 + 1);
    }
    // Against performance.now(): a constant offset (both CLOCK_MONOTONIC), within 1 ms.
    const offset0 = clock.nowNs() - performance.now() * 1e6;
    const until = performance.now() + 30;
    while (performance.now() < until) {
      /* let time pass */
    }
    const offset1 = clock.nowNs() - performance.now() * 1e6;
    expect(Math.abs(offset1 - offset0)).toBeLessThan(1e6);
  });

  it('realtimeInto reads CLOCK_REALTIME: wall time in ns, between two Date.now() readings', () => {
    const b = loadNative()!;
    const f = new Float64Array(1);
    for (let i = 0; i < 100; i++) {
      const before = Date.now();
      b.realtimeInto(f);
      const after = Date.now();
      expect(f[0]!).toBeGreaterThanOrEqual(before * 1e6);
      expect(f[0]!).toBeLessThan((after + 1) * 1e6);
    }
    expect(() => b.realtimeInto(new Float64Array(0))).toThrow(TypeError);
  });

  it('the inline form (readClock + buf[NATIVE_NOW]) matches nowNs', () => {
    const binding = loadNative()!;
    const clock = new NativeClock(binding);
    const a = clock.nowNs();
    binding.readClock();
    const b = clock.buf[NATIVE_NOW]!;
    expect(b).toBeGreaterThanOrEqual(a);
    expect(b - a).toBeLessThan(1e9);
  });

  it.each([0, 50_000])('NativeWaiter (margin %d ns) returns at or after the deadline', (marginNs) => {
    const clock = new NativeClock(loadNative()!);
    const waiter = new NativeWaiter(clock, { marginNs });
    expect(waiter.kind).toBe('native-abs');
    for (let i = 0; i < 30; i++) {
      const deadline = clock.nowNs() + 200_000.5 + i * 1000;
      waiter.waitUntil(deadline);
      expect(clock.nowNs()).toBeGreaterThanOrEqual(deadline);
    }
    expect(waiter.stats.waits).toBe(30);
    expect(waiter.stats.sleeps).toBe(30);
    if (marginNs === 0) expect(waiter.stats.spinReads).toBe(0);
  });

  it('NativeWaiter returns at once for a past deadline, counting it', () => {
    const clock = new NativeClock(loadNative()!);
    const waiter = new NativeWaiter(clock);
    const t0 = clock.nowNs();
    waiter.waitUntil(t0 - 1);
    waiter.waitUntil(0);
    expect(waiter.stats.pastDeadline).toBe(2);
    expect(waiter.stats.sleeps).toBe(0);
    expect(clock.nowNs() - t0).toBeLessThan(50e6);
  });

  it('rejects a bad margin with a RangeError', () => {
    const clock = new NativeClock(loadNative()!);
    expect(() => new NativeWaiter(clock, { marginNs: -1 })).toThrow(
      "NativeWaiter: marginNs must be a finite number >= 0 or 'auto', got -1",
    );
  });

  it('sleepUntil: NaN and non-positive deadlines return at once; a wrong type throws a TypeError', () => {
    const b = loadNative()!;
    const t0 = performance.now();
    b.sleepUntil(new Float64Array([Number.NaN]));
    b.sleepUntil(new Float64Array([-5]));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(() => b.sleepUntil([1] as unknown as Float64Array)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'expected a Float64Array of length >= 1',
      }),
    );
    expect(() => b.clockInto(new Float64Array(0))).toThrow(TypeError);
  });

  it('strerror and errno descriptions', () => {
    const b = loadNative()!;
    expect(b.strerror(1)).toBe('Operation not permitted');
    expect(b.setThreadScheduler('nope' as 'fifo', 1)).toBe(22); // EINVAL
    expect(b.setThreadAffinity([])).toBe(22);
    expect(b.setThreadAffinity([1.5])).toBe(22);
    expect(Number.isInteger(b.threadId()) && b.threadId() > 0).toBe(true);
    expect(b.clockResolutionNs()).toBeGreaterThan(0);
  });

  it('selectClockAndWaiter picks the native pair, or the JS pair when asked', () => {
    const native = selectClockAndWaiter();
    expect(native.backend.backend).toBe('native');
    expect(native.clock.kind).toBe('native');
    expect(native.waiter.kind).toBe('native-abs');
    expect(native.backend.description).toMatch(/^native \(clock_gettime/);
    const deadline = native.clock.nowNs() + 100_000;
    native.waiter.waitUntil(deadline);
    expect(native.clock.nowNs()).toBeGreaterThanOrEqual(deadline);

    const js = selectClockAndWaiter({ preferNative: false });
    expect(js.backend.backend).toBe('js');
    expect(js.backend.native.reason).toBe('not requested (preferNative: false)');
  });

  it('applyThreadRealtime refuses bad arguments with a reason and never throws', () => {
    const steps = applyThreadRealtime({ priority: 0, cpus: [-1] });
    expect(steps).toEqual([
      { step: 'cpus', status: 'refused', reason: 'cpus: expected CPU numbers >= 0, got -1', errno: null },
      {
        step: 'priority',
        status: 'refused',
        reason: 'priority: expected an integer 1..99, got 0',
        errno: null,
      },
    ]);
    expect(applyThreadRealtime({})).toEqual([]);
    const huge = applyThreadRealtime({ cpus: [100_000] });
    expect(huge[0]).toMatchObject({ step: 'cpus', status: 'refused', errno: 22 });
    expect(huge[0]!.reason).toBe('EINVAL: Invalid argument');
  });
});

describe('forced fallback', () => {
  it('HARDTICK_NATIVE=0 forces null with a reason', () => {
    process.env.HARDTICK_NATIVE = '0';
    expect(loadNative()).toBeNull();
    expect(nativeStatus()).toEqual({ available: false, reason: 'disabled by HARDTICK_NATIVE=0', path: null });
  });

  it('a missing file gives null and says which file', () => {
    delete process.env.HARDTICK_NATIVE;
    const path = join(tmpdir(), 'hardtick-no-such-dir', 'hardtick.node');
    expect(loadNative({ path })).toBeNull();
    const status = nativeStatus();
    expect(status.available).toBe(false);
    expect(status.path).toBe(path);
    expect(status.reason).toBe(`${path} not found (not built: run \`node scripts/build-native.mjs\`)`);
  });

  it('a broken file gives null and the loader error', () => {
    delete process.env.HARDTICK_NATIVE;
    const path = join(mkdtempSync(join(tmpdir(), 'hardtick-native-')), 'broken.node');
    writeFileSync(path, 'not an ELF file');
    expect(loadNative({ path })).toBeNull();
    expect(nativeStatus().reason).toMatch(new RegExp(`^loading ${path} failed: .*`));
  });

  it('selectClockAndWaiter falls back to performance.now + hybrid, which still keeps deadlines', () => {
    process.env.HARDTICK_NATIVE = '0';
    const { clock, waiter, backend } = selectClockAndWaiter();
    expect(backend).toMatchObject({ backend: 'js', clock: 'performance.now', waiter: 'hybrid' });
    expect(backend.native.reason).toBe('disabled by HARDTICK_NATIVE=0');
    expect(backend.description).toContain('native: disabled by HARDTICK_NATIVE=0');
    for (let i = 0; i < 10; i++) {
      const deadline = clock.nowNs() + 300_000;
      waiter.waitUntil(deadline);
      expect(clock.nowNs()).toBeGreaterThanOrEqual(deadline);
    }
  });

  it('applyThreadRealtime reports every requested step as unavailable', () => {
    process.env.HARDTICK_NATIVE = '0';
    const steps = applyThreadRealtime({ priority: 80, cpus: [0], lockMemory: true });
    expect(steps.map((s) => [s.step, s.status])).toEqual([
      ['lockMemory', 'unavailable'],
      ['cpus', 'unavailable'],
      ['priority', 'unavailable'],
    ]);
    expect(steps[0]!.reason).toBe('native addon unavailable: disabled by HARDTICK_NATIVE=0');
    expect(applyThreadRealtime({ priority: 80, binding: null })[0]!.reason).toBe('native addon not loaded');
  });
});
