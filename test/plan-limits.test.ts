import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import type { PlannedSlot, PlanResult } from '../src/plan/index.js';
import { hyperperiodBigNs, hyperperiodNs, planSchedule, validatePlan } from '../src/plan/index.js';
import { buildJobs, layoutJobs } from '../src/plan/jobs.js';
import {
  harmonicTaskSet,
  LIMITS,
  MS,
  makeTaskNs,
  makeTasks,
  nonHarmonicTaskSet,
} from './helpers/plan-tasks.js';

describe('hyperperiod and job limits', () => {
  it('computes H exactly', () => {
    expect(
      hyperperiodNs(
        makeTasks([
          { periodMs: 4, budgetMs: 1 },
          { periodMs: 5, budgetMs: 1 },
        ]),
      ),
    ).toBe(20 * MS);
    const primes = [999_983, 1_000_003, 999_979, 999_961].map((p, index) =>
      makeTaskNs({ index, name: `p${index}`, periodNs: p, budgetNs: 1 }),
    );
    expect(hyperperiodBigNs(primes)).toBe(999_983n * 1_000_003n * 999_979n * 999_961n);
    expect(() => hyperperiodNs(primes)).toThrow(HardtickError);
    try {
      hyperperiodNs(primes);
    } catch (e) {
      expect((e as HardtickError).code).toBe('plan_limit');
    }
  });

  it('reports hyperperiod_limit naming the non-harmonic pair, stopping at the period that overflows', () => {
    const primes = [1_000_000, 999_983, 1_000_003, 999_979, 999_961].map((p, index) =>
      makeTaskNs({ index, name: `p${index}`, periodNs: p, budgetNs: 1000 }),
    );
    const plan = planSchedule({ tasks: primes, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(plan.feasible).toBe(false);
    expect(plan.hyperperiodNs).toBe(0);
    expect(plan.diagnostics).toHaveLength(1);
    const d = plan.diagnostics[0]!;
    expect(d.code).toBe('hyperperiod_limit');
    expect(d.message).toBe(
      'hyperperiod H = lcm of all periods exceeds the limit 3600s (the lcm of the first 3 of the 5 periods is already 999985999949000000ns); the largest blow-up comes from p0 (period 1ms) and p2 (period 1.000003ms): lcm = 1000.003s. Use harmonic periods (each divides the next), e.g. give p2 period 1ms, a multiple of 1ms',
    );
  });

  it('reports hyperperiod_limit with a harmonic replacement for the worst pair', () => {
    const tasks = makeTasks([
      { name: 'fast', periodMs: 2, budgetMs: 0.1 },
      { name: 'odd', periodMs: 7, budgetMs: 0.1 },
    ]);
    const plan = planSchedule(
      { tasks, frame: 'auto', slicing: 'off' },
      { ...LIMITS, maxHyperperiodNs: 10 * MS },
    );
    expect(plan.diagnostics).toEqual([
      {
        code: 'hyperperiod_limit',
        message:
          'hyperperiod H = lcm of all periods = 14ms exceeds the limit 10ms; the largest blow-up comes from fast (period 2ms) and odd (period 7ms): lcm = 14ms. Use harmonic periods (each divides the next), e.g. give odd period 6ms, a multiple of 2ms',
      },
    ]);
  });

  it('reports job_limit with the task releasing most jobs', () => {
    const tasks = makeTasks([
      { name: 'sense', periodMs: 1, budgetMs: 0.1 },
      { name: 'log', periodMs: 20, budgetMs: 1 },
    ]);
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, { ...LIMITS, maxJobs: 10 });
    expect(plan.feasible).toBe(false);
    expect(plan.diagnostics).toHaveLength(1);
    expect(plan.diagnostics[0]!.code).toBe('job_limit');
    expect(plan.diagnostics[0]!.message).toBe(
      'the hyperperiod H = 20ms holds 21 jobs, above the limit 10; task sense (period 1ms) alone releases 20; use harmonic periods (each period divides the next) to keep H small',
    );
  });

  it('gives up with search_timeout when the injected clock says the time is up', () => {
    let t = 0;
    const now = (): number => (t += 10_000);
    const tasks = harmonicTaskSet(20);
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, LIMITS, { now });
    expect(plan.feasible).toBe(false);
    expect(plan.diagnostics).toHaveLength(1);
    expect(plan.diagnostics[0]!.code).toBe('search_timeout');
    expect(plan.diagnostics[0]!.message).toBe(
      'gave up after 20000 ms (limit 5000 ms) examining frame sizes; raise limits.timeoutMs or use fewer tasks and harmonic periods',
    );
  });
});

describe('infeasibility diagnostics', () => {
  it('overload: utilization above 1', () => {
    const tasks = makeTasks([
      { periodMs: 4, budgetMs: 3 },
      { periodMs: 8, budgetMs: 3 },
    ]);
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'auto' }, LIMITS);
    expect(plan.feasible).toBe(false);
    expect(plan.diagnostics[0]).toEqual({
      code: 'overload',
      message: 'utilization 1.125 > 1: the jobs of one hyperperiod (8ms) need 9ms of CPU time',
    });
    expect(plan.diagnostics.filter((d) => d.code === 'suggest_budget').map((d) => d.message)).toEqual([
      'reduce the budget of T1 from 3ms to 2.5ms (it then plans with f=4ms)',
      'reduce the budget of T2 from 3ms to 2ms (it then plans with f=4ms)',
    ]);
  });

  it('fixed frame: too small for a budget, and not a divisor of H', () => {
    const tasks = makeTasks([
      { periodMs: 4, budgetMs: 1 },
      { periodMs: 5, budgetMs: 2, deadlineMs: 7 },
      { periodMs: 20, budgetMs: 5 },
    ]);
    const small = planSchedule({ tasks, frame: 2 * MS, slicing: 'off' }, LIMITS);
    expect(small.diagnostics[0]).toEqual({
      code: 'frame_too_small',
      message: 'f=2ms < budget of T3 (5ms); set "slicing": "auto" or a larger frame',
      task: 'T3',
    });
    const odd = planSchedule({ tasks, frame: 3 * MS, slicing: 'off' }, LIMITS);
    expect(odd.diagnostics[0]).toEqual({
      code: 'frame_not_divisor',
      message: 'f=3ms does not divide the hyperperiod H=20ms',
    });
  });

  it('no_assignment: frames pass the constraints but whole jobs do not fit', () => {
    // Two 4 ms frames: a and b (3 ms each) cannot share one, so each frame keeps 1 ms free and
    // c (1.5 ms) fits nowhere whole, although 7.5 ms of work fits 8 ms of frames when sliced.
    const tasks = makeTasks([
      { name: 'a', periodMs: 8, budgetMs: 3 },
      { name: 'b', periodMs: 8, budgetMs: 3 },
      { name: 'c', periodMs: 8, budgetMs: 1.5 },
    ]);
    const plan = planSchedule({ tasks, frame: 4 * MS, slicing: 'off' }, LIMITS);
    expect(plan.feasible).toBe(false);
    expect(plan.diagnostics[0]).toEqual({
      code: 'no_assignment',
      message:
        'f=4ms: the frames have room for all the work if jobs could be split, but no placement of whole jobs exists',
    });
    const sliced = plan.diagnostics.filter((d) => d.code === 'suggest_slice');
    expect(sliced.length).toBeGreaterThan(0);
  });

  it('rejects malformed tasks with invalid_task instead of throwing', () => {
    const tasks = [makeTaskNs({ index: 0, name: 'bad', periodNs: 1.5, budgetNs: 0 })];
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(plan.feasible).toBe(false);
    expect(plan.diagnostics).toEqual([
      {
        code: 'invalid_task',
        message: 'bad: period 1.5, budget 0, deadline 1.5 — times must be positive integer ns (phase ≥ 0)',
        task: 'bad',
      },
    ]);
  });
});

describe('phases and windows that wrap around the hyperperiod', () => {
  it('places wrapped jobs in the first frames, with a negative release', () => {
    const tasks = makeTasks([
      { name: 'a', periodMs: 4, budgetMs: 1, phaseMs: 3 },
      { name: 'b', periodMs: 8, budgetMs: 2, phaseMs: 6 },
    ]);
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(plan.feasible).toBe(true);
    expect(validatePlan(plan, tasks)).toEqual([]);
    const wrapped = plan.frames.flatMap((f) => f.slots).filter((s) => s.releaseNs < 0);
    expect(wrapped.length).toBeGreaterThan(0);
    for (const s of wrapped) expect(s.deadlineNs).toBeGreaterThan(0);
  });

  it('uses max-flow when every frame boundary is straddled (no cut), and the slices validate', () => {
    // a's windows cover every boundary but 4k+1, b's every boundary but 4k+3 (f = 1 ms).
    const tasks = makeTasks([
      { name: 'a', periodMs: 4, budgetMs: 3, phaseMs: 1 },
      { name: 'b', periodMs: 4, budgetMs: 1, phaseMs: 3 },
    ]);
    const jobs = buildJobs(tasks, 4 * MS, 2);
    expect(layoutJobs(jobs, 1 * MS)?.wraps).toBe(true);
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'auto' }, LIMITS);
    expect(plan.feasible).toBe(true);
    expect(plan.frameNs).toBe(1 * MS);
    expect(plan.frames.map((f) => f.loadNs)).toEqual([MS, MS, MS, MS]);
    expect(validatePlan(plan, tasks)).toEqual([]);
  });
});

describe('validatePlan catches broken tables', () => {
  const tasks = makeTasks([
    { periodMs: 4, budgetMs: 1 },
    { periodMs: 5, budgetMs: 2, deadlineMs: 7 },
    { periodMs: 20, budgetMs: 5 },
  ]);
  const good = planSchedule({ tasks, frame: 'auto', slicing: 'auto' }, LIMITS);
  type MutableFrame = { loadNs: number; slots: PlannedSlot[] };
  const edit = (fn: (frames: MutableFrame[]) => void): PlanResult => {
    const copy = structuredClone(good);
    fn(copy.frames as unknown as MutableFrame[]);
    return copy;
  };

  it('accepts the planner output', () => {
    expect(validatePlan(good, tasks)).toEqual([]);
  });

  it('flags a job short of its budget and an overloaded frame', () => {
    const bad = edit((frames) => {
      const slot = frames[0]!.slots[0]! as { budgetNs: number };
      slot.budgetNs += MS;
      frames[0]!.loadNs += MS;
    });
    const problems = validatePlan(bad, tasks);
    expect(problems).toContain('T1 job 0 receives 2000000 ns, budget 1000000 ns');
    expect(problems).toContain('frame 0: load 5000000 exceeds the frame size 4000000');
  });

  it('flags a slot moved outside its window and slices out of order', () => {
    const bad = edit((frames) => {
      // Move T1 job 0 into frame 3 and swap T3's first two slices.
      const t1 = frames[0]!.slots.splice(0, 1)[0]!;
      frames[3]!.slots.push(t1);
      const s0 = frames[0]!.slots.find((s) => s.task === 'T3')! as { slice: number };
      const s1 = frames[1]!.slots.find((s) => s.task === 'T3')! as { slice: number };
      s0.slice = 1;
      s1.slice = 0;
    });
    const problems = validatePlan(bad, tasks);
    expect(problems.some((p) => p.startsWith('frame 3: T1 job 0 (window [0, 4000000]) does not fit'))).toBe(
      true,
    );
    expect(problems).toContain('T3 job 0: slice 1 does not run after slice 0');
  });
});

describe('scale', () => {
  it('plans 200 harmonic tasks and a 100k-job non-harmonic set, and both validate', () => {
    const harmonic = harmonicTaskSet(200);
    const a = planSchedule({ tasks: harmonic, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(a.feasible).toBe(true);
    expect(a.frameNs).toBe(1 * MS);
    expect(validatePlan(a, harmonic)).toEqual([]);
    const nonHarmonic = nonHarmonicTaskSet();
    const b = planSchedule({ tasks: nonHarmonic, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(b.feasible).toBe(true);
    expect(b.jobCount).toBe(113_741);
    expect(b.hyperperiodNs).toBe(27_720 * MS);
    expect(validatePlan(b, nonHarmonic)).toEqual([]);
  });
});

describe('hostile task sets end quickly with short diagnostics', () => {
  const primes = (n: number): number[] => {
    const out: number[] = [];
    for (let c = 2; out.length < n; c++) if (out.every((p) => p * p > c || c % p !== 0)) out.push(c);
    return out;
  };

  it('10,000 co-prime periods: hyperperiod_limit from the first periods that overflow, no huge number', () => {
    const tasks = primes(10_000).map((p, index) =>
      makeTaskNs({ index, name: `t${index}`, periodNs: p * 1000, budgetNs: 1000 }),
    );
    const started = performance.now();
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, { ...LIMITS, timeoutMs: 1000 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(plan.diagnostics).toEqual([
      {
        code: 'hyperperiod_limit',
        message:
          'hyperperiod H = lcm of all periods exceeds the limit 3600s (the lcm of the first 10 of the 10000 periods is already 6469.69323s); the largest blow-up comes from t8 (period 23us) and t9 (period 29us): lcm = 667us. Use harmonic periods (each divides the next), e.g. give t9 period 23us, a multiple of 23us',
      },
    ]);
  });

  it('5 periods of 101–113 µs within 24 h: job_limit at once, no job table built', () => {
    const tasks = [101, 103, 107, 109, 113].map((us, index) =>
      makeTaskNs({ index, name: `t${index}`, periodNs: us * 1000, budgetNs: 1000 }),
    );
    const plan = planSchedule(
      { tasks, frame: 'auto', slicing: 'off' },
      { maxHyperperiodNs: 86_400 * 1e9, maxJobs: 2_000_000, timeoutMs: 1000 },
    );
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['job_limit']);
    expect(plan.diagnostics[0]!.message).toMatch(
      /^the hyperperiod H = 13710\.311357s holds 644102089 jobs, above the limit 2000000; /,
    );
  });

  it('keeps at most 20 diagnostics and says how many more there were', () => {
    const tasks = Array.from({ length: 50 }, (_, index) =>
      makeTaskNs({ index, name: `t${index}`, periodNs: MS, budgetNs: 2 * MS, deadlineNs: MS }),
    );
    const plan = planSchedule({ tasks, frame: 'auto', slicing: 'off' }, LIMITS);
    expect(plan.diagnostics).toHaveLength(21);
    expect(plan.diagnostics[0]).toEqual({
      code: 'budget_exceeds_deadline',
      message: 't0: budget 2ms > deadline 1ms',
      task: 't0',
    });
    expect(plan.diagnostics[20]).toEqual({
      code: 'diagnostics_truncated',
      message: '30 more diagnostic(s) not shown (the first 20 are)',
    });
  });
});
