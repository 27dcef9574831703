/**
 * The CI version of the soak benchmark (bench/soak.ts): 20 s, 10 s per phase, real
 * child-process runs (`node dist/cli/main.js run`, worker thread, real collector).
 *
 * Asserted (reliable on a shared 2-vCPU box):
 * - allocation-free phase at 1 kHz: 0 GCs of any kind (so 0 unplanned), drift within one
 *   frame plus the last frame's lateness, and the lateness figures are reported;
 * - allocating phase with `gc: { planned: true }` at 2 ms frames: every collection planned
 *   and none overlapping a miss. At 1 kHz on this box a minor GC of this process costs
 *   ~0.5–0.9 ms (bench/README.md `## Soak`), about the whole slack of a 1 ms frame, so
 *   planned collections are mostly deferred and the young generation fills inside a task:
 *   "every GC planned" at 1 kHz depends on the machine, not on the code, and is measured
 *   by the soak rather than asserted here. At 2 ms frames the slack (≥ 1.5 ms) holds it.
 */
import { describe, expect, it } from 'vitest';
import { runSoakPhase } from '../bench/soak.js';

describe('soak (CI, 20 s)', () => {
  it('allocation-free at 1 kHz: no GC at all, no drift', async () => {
    const p = await runSoakPhase('alloc-free', 10e9, '1ms');
    const why = JSON.stringify(p);
    expect(p.frames + p.skipped, why).toBeGreaterThan(9_000);
    expect(p.gcCount, why).toBe(0);
    expect(p.gcUnplanned, why).toBe(0);
    expect(p.driftNs, why).toBeGreaterThanOrEqual(0);
    expect(p.driftNs, why).toBeLessThan(1e6 + p.latenessMaxNs);
    expect(p.latenessMaxNs).toBeGreaterThanOrEqual(p.latenessP99Ns);
  }, 120_000);

  it('allocating task with planned GC at 2 ms frames: every GC planned, none overlapping a miss', async () => {
    const p = await runSoakPhase('planned', 10e9, '2ms');
    const why = JSON.stringify(p);
    expect(p.gcPlanned, why).toBeGreaterThan(0);
    expect(p.gcUnplanned, why).toBe(0);
    expect(p.overlapsWithUnplanned, why).toBe(0);
    expect(p.driftNs, why).toBeGreaterThanOrEqual(0);
    expect(p.driftNs, why).toBeLessThan(2e6 + p.latenessMaxNs);
  }, 120_000);
});
