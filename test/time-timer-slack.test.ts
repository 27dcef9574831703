import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tryLowerTimerSlack } from '../src/time/timer-slack.js';

describe('tryLowerTimerSlack', () => {
  it('returns a well-formed result and never throws', () => {
    const r = tryLowerTimerSlack();
    expect(typeof r.applied).toBe('boolean');
    if (r.applied) {
      expect(r.reason).toBeNull();
      expect(typeof r.previousNs).toBe('number');
      expect(r.path).toMatch(/^\/proc\/(\d+|self)\/timerslack_ns$/);
    } else {
      expect(typeof r.reason).toBe('string');
      expect(r.reason!.length).toBeGreaterThan(0);
    }
  });

  it.runIf(process.platform === 'linux')('sets the calling thread’s slack on Linux (1 ns, then back)', () => {
    const first = tryLowerTimerSlack(1);
    if (!first.applied) return; // procfs not writable here (container policy): nothing to pin
    expect(readFileSync(first.path!, 'utf8').trim()).toBe('1');
    const again = tryLowerTimerSlack(1);
    expect(again).toEqual({ applied: true, previousNs: 1, reason: null, path: first.path });
    // restore a typical value so other tests in this worker see the usual behaviour
    const restored = tryLowerTimerSlack(first.previousNs ?? 50_000);
    expect(restored.applied).toBe(true);
    expect(restored.previousNs).toBe(1);
  });

  it('refuses a non-integer or non-positive value without touching anything', () => {
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      const r = tryLowerTimerSlack(bad);
      expect(r.applied).toBe(false);
      expect(r.previousNs).toBeNull();
      if (process.platform === 'linux') expect(r.reason).toBe(`expected an integer ns >= 1, got ${bad}`);
    }
  });
});
