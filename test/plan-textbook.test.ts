import { describe, expect, it } from 'vitest';
import { buildScheduleTable, planSchedule, validatePlan } from '../src/plan/index.js';
import { LIMITS, MS, makeTasks } from './helpers/plan-tasks.js';

// J. Liu, Real-Time Systems, §5.3–5.4 (period, budget[, deadline]) in ms.
const liuFeasible = makeTasks([
  { periodMs: 4, budgetMs: 1 },
  { periodMs: 5, budgetMs: 1.8 },
  { periodMs: 20, budgetMs: 1 },
  { periodMs: 20, budgetMs: 2 },
]);
const liuNeedsSlicing = makeTasks([
  { periodMs: 4, budgetMs: 1 },
  { periodMs: 5, budgetMs: 2, deadlineMs: 7 },
  { periodMs: 20, budgetMs: 5 },
]);

describe('textbook set T1=(4,1) T2=(5,1.8) T3=(20,1) T4=(20,2)', () => {
  const plan = planSchedule({ tasks: liuFeasible, frame: 'auto', slicing: 'off' }, LIMITS);

  it('is feasible with f = 2 ms, the only candidate frame size', () => {
    expect(plan.feasible).toBe(true);
    expect(plan.hyperperiodNs).toBe(20 * MS);
    expect(plan.frameNs).toBe(2 * MS);
    expect(plan.candidateFramesNs).toEqual([2 * MS]);
    expect(plan.frames).toHaveLength(10);
    expect(plan.slices).toEqual({});
    expect(plan.diagnostics).toEqual([]);
    expect(validatePlan(plan, liuFeasible)).toEqual([]);
  });

  it('rejects f = 4 ms and says which constraint fails for which task', () => {
    const fixed = planSchedule({ tasks: liuFeasible, frame: 4 * MS, slicing: 'off' }, LIMITS);
    expect(fixed.feasible).toBe(false);
    expect(fixed.diagnostics[0]).toEqual({
      code: 'frame_constraint',
      message:
        'f=4ms: 2f − gcd(p, f) = 8ms − 1ms = 7ms > deadline 5ms of T2 (some job of it gets no whole frame inside its window)',
      task: 'T2',
    });
    expect(fixed.diagnostics.map((d) => d.code)).toContain('suggest_frame');
    expect(fixed.diagnostics.find((d) => d.code === 'suggest_frame')?.message).toBe(
      'use "frame": "auto" (it finds f=2ms)',
    );
  });

  it('packs into a ScheduleTable the runtime can iterate', () => {
    const table = buildScheduleTable(plan);
    expect(table.frameNs).toBe(2 * MS);
    expect(table.hyperperiodNs).toBe(20 * MS);
    expect(table.frameCount).toBe(10);
    const jobs = 5 + 4 + 1 + 1;
    expect(table.slotCount).toBe(jobs);
    expect(table.frameSlotStart).toHaveLength(11);
    expect(table.frameSlotStart[0]).toBe(0);
    expect(table.frameSlotStart[10]).toBe(jobs);
    for (let k = 0; k < table.frameCount; k++) {
      const from = table.frameSlotStart[k]!;
      const to = table.frameSlotStart[k + 1]!;
      const frame = plan.frames[k]!;
      expect(to - from).toBe(frame.slots.length);
      let load = 0;
      frame.slots.forEach((slot, q) => {
        expect(table.slotTask[from + q]).toBe(slot.taskIndex);
        expect(table.slotJob[from + q]).toBe(slot.job);
        expect(table.slotSlice[from + q]).toBe(0);
        expect(table.slotBudgetNs[from + q]).toBe(slot.budgetNs);
        expect(table.slotReleaseNs[from + q]).toBe(slot.releaseNs);
        expect(table.slotDeadlineNs[from + q]).toBe(slot.deadlineNs);
        expect(table.slotLast[from + q]).toBe(1);
        load += table.slotBudgetNs[from + q]!;
      });
      expect(load).toBeLessThanOrEqual(table.frameNs);
    }
    // Every job of T1 (index 0) appears once, in a frame inside [4k, 4k+4) ms.
    const t1Frames: number[] = [];
    for (let k = 0; k < table.frameCount; k++) {
      for (let s = table.frameSlotStart[k]!; s < table.frameSlotStart[k + 1]!; s++) {
        if (table.slotTask[s] === 0) {
          t1Frames.push(k);
          expect(table.slotReleaseNs[s]).toBe(table.slotJob[s]! * 4 * MS);
          expect(table.slotDeadlineNs[s]).toBe((table.slotJob[s]! + 1) * 4 * MS);
          expect(Math.floor(k / 2)).toBe(table.slotJob[s]);
        }
      }
    }
    expect(t1Frames).toHaveLength(5);
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('orders slots in a frame by deadline, then task index', () => {
    for (const frame of plan.frames) {
      for (let q = 1; q < frame.slots.length; q++) {
        const a = frame.slots[q - 1]!;
        const b = frame.slots[q]!;
        expect(
          a.deadlineNs < b.deadlineNs || (a.deadlineNs === b.deadlineNs && a.taskIndex <= b.taskIndex),
        ).toBe(true);
      }
    }
  });
});

describe('textbook set T1=(4,1) T2=(5,2,D=7) T3=(20,5)', () => {
  it('is infeasible without slicing, and suggests slicing T3 into [1, 3, 1] ms', () => {
    const plan = planSchedule({ tasks: liuNeedsSlicing, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(plan.feasible).toBe(false);
    expect(plan.frames).toEqual([]);
    expect(plan.diagnostics[0]).toEqual({
      code: 'no_frame_size',
      message:
        'no frame size fits: f must be at least 5ms (the budget of T3) and at most 4ms (the deadline of T1); slicing ("slicing": "auto") lifts the lower bound',
    });
    expect(plan.diagnostics).toContainEqual({
      code: 'suggest_slice',
      message: 'slice task T3 into budgets [1ms, 3ms, 1ms] (set "slicing": "auto"; it plans with f=4ms)',
      task: 'T3',
    });
    expect(plan.diagnostics).toContainEqual({
      code: 'suggest_budget',
      message: 'reduce the budget of T3 from 5ms to 3ms (it then plans with f=4ms)',
      task: 'T3',
    });
  });

  it('is feasible with f = 4 ms once sliced: T3 runs 1 + 3 + 1 ms in frames 0, 1, 2', () => {
    const plan = planSchedule({ tasks: liuNeedsSlicing, frame: 'auto', slicing: 'auto' }, LIMITS);
    expect(plan.feasible).toBe(true);
    expect(plan.frameNs).toBe(4 * MS);
    expect(plan.slices).toEqual({ T3: [1 * MS, 3 * MS, 1 * MS] });
    expect(plan.diagnostics).toEqual([]);
    expect(validatePlan(plan, liuNeedsSlicing)).toEqual([]);
    const layout = plan.frames.map((f) =>
      f.slots.map((s) => `${s.task}.${s.job}.${s.slice}:${s.budgetNs / MS}`),
    );
    expect(layout).toEqual([
      ['T1.0.0:1', 'T2.0.0:2', 'T3.0.0:1'],
      ['T1.1.0:1', 'T3.0.1:3'],
      ['T1.2.0:1', 'T2.1.0:2', 'T3.0.2:1'],
      ['T1.3.0:1', 'T2.2.0:2'],
      ['T1.4.0:1', 'T2.3.0:2'],
    ]);
    expect(plan.frames.map((f) => f.loadNs / MS)).toEqual([4, 4, 4, 3, 3]);
    const table = buildScheduleTable(plan);
    expect(Array.from(table.frameSlotStart)).toEqual([0, 3, 5, 8, 10, 12]);
    expect(Array.from(table.slotSlice)).toEqual([0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0]);
    expect(Array.from(table.slotLast)).toEqual([1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
  });
});
