import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRtThrottling, RT_THROTTLE_HEADROOM } from '../src/realtime/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hardtick-throttle-'));
function procFiles(runtimeUs: string, periodUs: string) {
  const runtime = join(dir, `runtime-${runtimeUs}`);
  const period = join(dir, `period-${periodUs}`);
  writeFileSync(runtime, `${runtimeUs}\n`);
  writeFileSync(period, `${periodUs}\n`);
  return { runtime, period };
}

describe('checkRtThrottling: busy share per frame vs the RT budget minus headroom', () => {
  const paths = procFiles('950000', '1000000');

  it('a 200 µs spin in a 1 ms frame with 300 µs of work is fine (50 % < 85 %)', () => {
    const check = checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 2e5, loadNsPerFrame: 3e5, paths });
    expect(check).toEqual({
      rtRuntimeUs: 950_000,
      rtPeriodUs: 1_000_000,
      budgetShare: 0.95,
      spinShare: 0.2,
      busyShare: 0.5,
      limitShare: 0.95 - RT_THROTTLE_HEADROOM,
      hazard: false,
      warning: null,
    });
  });

  it('spin + work above the limit is a hazard, with the figures and the fixes in the warning', () => {
    const check = checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 5e5, loadNsPerFrame: 4e5, paths });
    expect(check.hazard).toBe(true);
    expect(check.busyShare).toBeCloseTo(0.9, 12);
    expect(check.warning).toBe(
      'RT throttling hazard: at SCHED_FIFO the loop may use 90.0 % of its CPU per frame (spin 500 µs + work 400 µs of a 1000 µs frame), above 85.0 % (the RT budget 950000/1000000 µs = 95.0 %, minus 10.0 % headroom); the kernel would stall it for ~50 ms per 1000 ms. Lower the waiter margin, use a longer frame, or drop the priority',
    );
  });

  it('a pure spin waiter (spin = frame) is always a hazard', () => {
    const check = checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 1e6, paths });
    expect(check).toMatchObject({ hazard: true, spinShare: 1, busyShare: 1 });
  });

  it('the spin alone counts when no load is given; exactly at the limit is still fine', () => {
    expect(checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 8.5e5, paths }).hazard).toBe(false);
    expect(checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 8.6e5, paths }).hazard).toBe(true);
  });

  it('throttling disabled (-1) is a note, not a hazard', () => {
    const check = checkRtThrottling({
      frameNs: 1e6,
      spinNsPerFrame: 1e6,
      paths: procFiles('-1', '1000000'),
    });
    expect(check).toMatchObject({ rtRuntimeUs: -1, budgetShare: null, limitShare: null, hazard: false });
    expect(check.warning).toMatch(/^RT throttling is disabled \(sched_rt_runtime_us = -1\)/);
  });

  it('unreadable files give an unknown budget and never throw', () => {
    const check = checkRtThrottling({
      frameNs: 1e6,
      spinNsPerFrame: 1e5,
      paths: { runtime: '/nonexistent/a', period: '/nonexistent/b' },
    });
    expect(check).toMatchObject({ rtRuntimeUs: null, rtPeriodUs: null, budgetShare: null, hazard: false });
    if (process.platform === 'linux') expect(check.warning).toMatch(/RT throttling budget unknown/);
  });

  it.runIf(process.platform === 'linux')('reads this machine by default', () => {
    const check = checkRtThrottling({ frameNs: 1e6, spinNsPerFrame: 1e5 });
    expect(check.rtPeriodUs).toBeGreaterThan(0);
  });
});
