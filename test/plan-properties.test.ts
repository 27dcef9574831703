import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedTask } from '../src/config/types.js';
import { planSchedule, validatePlan } from '../src/plan/index.js';
import { bruteHyperperiod, bruteLargestFrame, LIMITS, MS, makeTaskNs } from './helpers/plan-tasks.js';

const STEP_NS = 100_000; // times are multiples of 0.1 ms
const MIN_FRAME_NS = 250_000;
const MAX_FRAMES = 40;

/** Random small task sets: harmonic-ish periods, random budgets, deadlines ≤ period, some phases. */
const taskSetArb = fc
  .array(
    fc.record({
      periodMs: fc.constantFrom(2, 4, 5, 8, 10, 20),
      loadPermille: fc.integer({ min: 30, max: 500 }),
      deadlinePercent: fc.integer({ min: 40, max: 100 }),
      phaseSteps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((specs): ResolvedTask[] =>
    specs.map((s, index) => {
      const periodNs = s.periodMs * MS;
      const budgetNs = Math.max(STEP_NS, Math.round((periodNs * s.loadPermille) / 1000 / STEP_NS) * STEP_NS);
      const deadlineNs = Math.max(
        budgetNs,
        Math.round((periodNs * s.deadlinePercent) / 100 / STEP_NS) * STEP_NS,
      );
      const phaseNs = (s.phaseSteps * STEP_NS * 5) % periodNs;
      return makeTaskNs({ index, name: `T${index + 1}`, periodNs, budgetNs, deadlineNs, phaseNs });
    }),
  );

function plan(tasks: readonly ResolvedTask[], slicing: 'off' | 'auto') {
  return planSchedule({ tasks, frame: 'auto', slicing }, LIMITS, {
    minFrameNs: MIN_FRAME_NS,
    suggest: false,
  });
}

describe.each(['off', 'auto'] as const)('random task sets, slicing %s', (slicing) => {
  it('every feasible plan passes the independent validator', () => {
    fc.assert(
      fc.property(taskSetArb, (tasks) => {
        const result = plan(tasks, slicing);
        if (result.feasible) expect(validatePlan(result, tasks)).toEqual([]);
        else expect(result.diagnostics.length).toBeGreaterThan(0);
      }),
      { seed: 20240611, numRuns: 200 },
    );
  });

  it('agrees with brute force on small sets (same frame candidates, ≤ 40 frames)', () => {
    fc.assert(
      fc.property(taskSetArb, (tasks) => {
        const h = bruteHyperperiod(tasks);
        const result = plan(tasks, slicing);
        const brute = bruteLargestFrame(tasks, slicing === 'auto', MAX_FRAMES, MIN_FRAME_NS);
        // The planner picks the largest feasible f; brute force sees the frame sizes with H/f ≤ 40.
        const expected = result.feasible && h / result.frameNs <= MAX_FRAMES ? result.frameNs : 0;
        expect(brute).toBe(expected);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('is deterministic: the same input gives a deep-equal result', () => {
    fc.assert(
      fc.property(taskSetArb, (tasks) => {
        const a = planSchedule({ tasks, frame: 'auto', slicing }, LIMITS);
        const b = planSchedule({ tasks: structuredClone(tasks), frame: 'auto', slicing }, LIMITS);
        expect(b).toEqual(a);
      }),
      { seed: 99, numRuns: 50 },
    );
  });
});

describe('packing-heavy sets with a fixed frame (the whole-job search must backtrack)', () => {
  const packingArb = fc.record({
    budgetsMs: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 8 }),
    frameMs: fc.constantFrom(5, 10),
  });
  it('finds a table exactly when brute force does, and it validates', () => {
    fc.assert(
      fc.property(packingArb, ({ budgetsMs, frameMs }) => {
        const tasks = budgetsMs.map((b, index) =>
          makeTaskNs({ index, name: `P${index}`, periodNs: 20 * MS, budgetNs: Math.min(b, frameMs) * MS }),
        );
        const result = planSchedule({ tasks, frame: frameMs * MS, slicing: 'off' }, LIMITS, {
          suggest: false,
        });
        const brute = bruteLargestFrame(tasks, false, MAX_FRAMES, MIN_FRAME_NS, frameMs * MS);
        expect(result.feasible ? result.frameNs : 0).toBe(brute);
        if (result.feasible) expect(validatePlan(result, tasks)).toEqual([]);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('backtracks past the greedy placement: 5,4,3,3,3,2 ms into two 10 ms frames', () => {
    const tasks = [5, 4, 3, 3, 3, 2].map((b, index) =>
      makeTaskNs({ index, name: `P${index}`, periodNs: 20 * MS, budgetNs: b * MS }),
    );
    const result = planSchedule({ tasks, frame: 10 * MS, slicing: 'off' }, LIMITS);
    expect(result.feasible).toBe(true);
    expect(result.frames.map((f) => f.loadNs)).toEqual([10 * MS, 10 * MS]);
    expect(validatePlan(result, tasks)).toEqual([]);
  });
});
