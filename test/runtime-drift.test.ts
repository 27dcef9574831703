import { describe, expect, it } from 'vitest';
import { Executive } from '../src/runtime/index.js';
import { ManualClock, type Waiter } from '../src/time/clock.js';
import { makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

describe('zero drift', () => {
  // A release computed from the previous wake (t + f) drifts by the wake's lateness from the
  // first frame on. The 30-day t0 puts every value near 2^51 ns (an ulp is 0.5 ns), as on a
  // machine up for a month. With whole-ns frames every value stays exact below 2^53, so 10^7
  // frames only repeated the same check longer: 10^5 prove the same.
  it('10^5 frames from ~30 days of uptime: every release equals t0 + k·f exactly (BigInt check)', () => {
    const frameNs = 1_000_003; // odd, so no accidental binary-friendly sums
    const t0 = 30 * 86_400 * 1_000_000_000 + 7; // ~30 days in ns, integer
    const clock = new ManualClock(t0 - 1);
    const t0n = BigInt(t0);
    const fn = BigInt(frameNs);
    let k = 0n;
    let mismatches = 0;
    const waiter: Waiter = {
      kind: 'checking',
      waitUntil(deadlineNs: number) {
        if (BigInt(deadlineNs) !== t0n + k * fn) mismatches++;
        k++;
        clock.set(deadlineNs + 13); // wake 13 ns late every time: lateness must not accumulate
      },
    };
    const tasks = [makeTask(0, 'A', frameNs, 100)];
    const exec = new Executive({
      clock,
      waiter,
      modes: [
        makeMode('main', makeTable(frameNs, tasks, [[{ task: 0, job: 0 }]]), tasks, [
          () => clock.advance(50),
        ]),
      ],
    });
    exec.start(t0);
    const n = 100_000;
    expect(exec.runFrames(n)).toBe(n);
    expect(mismatches).toBe(0);
    expect(k).toBe(BigInt(n));
    expect(BigInt(exec.nextReleaseNs())).toBe(t0n + BigInt(n) * fn);
    const s = exec.snapshot();
    expect(s.release.latenessNs).toMatchObject({ min: 13, max: 13 });
    expect(s.tasks[0]!.responseNs).toMatchObject({ min: 63, max: 63 });
  });
});
