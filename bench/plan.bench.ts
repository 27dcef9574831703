/**
 * Planner benchmark: planning time and retained heap for
 *   (a) 50 tasks with harmonic periods 1 ms … 1 s,
 *   (b) 200 such tasks,
 *   (c) a non-harmonic set (periods 1…12 ms) whose hyperperiod (27.72 s) holds 113 741 jobs,
 * each with slicing off (whole jobs, the exact search) and on (EDF slicing), side by side.
 * Goals: (a), (b) < 100 ms; (c) < 5 s; memory bounded.
 *
 * Run: npx tsx bench/plan.bench.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import type { ResolvedTask } from '../src/config/types.js';
import type { PlanResult } from '../src/plan/index.js';
import { planSchedule, validatePlan } from '../src/plan/index.js';
import { harmonicTaskSet, LIMITS, nonHarmonicTaskSet } from '../test/helpers/plan-tasks.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Keeps results reachable so the JIT cannot drop the work. */
let sink: PlanResult | null = null;

interface Case {
  readonly label: string;
  readonly tasks: readonly ResolvedTask[];
  readonly goalMs: number;
}

const cases: Case[] = [
  { label: '(a) 50 harmonic', tasks: harmonicTaskSet(50), goalMs: 100 },
  { label: '(b) 200 harmonic', tasks: harmonicTaskSet(200), goalMs: 100 },
  { label: '(c) non-harmonic', tasks: nonHarmonicTaskSet(), goalMs: 5000 },
];

function plan(tasks: readonly ResolvedTask[], slicing: 'off' | 'auto'): PlanResult {
  return planSchedule({ tasks, frame: 'auto', slicing }, LIMITS);
}

/** Heap still held after planning (result alive), after a full GC, in MB. */
function retainedHeapMb(tasks: readonly ResolvedTask[], slicing: 'off' | 'auto'): number {
  sink = null;
  gc();
  const before = process.memoryUsage().heapUsed;
  sink = plan(tasks, slicing);
  gc();
  return (process.memoryUsage().heapUsed - before) / 2 ** 20;
}

const bench = new Bench({ time: 1500, iterations: 10, warmupIterations: 2 });
for (const c of cases) {
  for (const slicing of ['off', 'auto'] as const) {
    const check = plan(c.tasks, slicing);
    if (!check.feasible || validatePlan(check, c.tasks).length > 0) {
      throw new Error(`${c.label} slicing ${slicing}: not a valid feasible plan`);
    }
    bench.add(`${c.label} slicing ${slicing}`, () => {
      sink = plan(c.tasks, slicing);
    });
  }
}
await bench.run();

const rows = bench.tasks.map((task, i) => {
  const c = cases[Math.floor(i / 2)]!;
  const slicing = i % 2 === 0 ? 'off' : 'auto';
  const r = task.result;
  const medianMs = 'latency' in r ? r.latency.p50 : Number.NaN;
  const plan0 = plan(c.tasks, slicing);
  return {
    case: task.name,
    jobs: plan0.jobCount,
    frames: plan0.frames.length,
    'f (ms)': plan0.frameNs / 1e6,
    'median (ms)': Number(medianMs.toFixed(1)),
    'p99 (ms)': 'latency' in r ? Number(r.latency.p99.toFixed(1)) : Number.NaN,
    samples: 'latency' in r ? r.latency.samplesCount : 0,
    'goal (ms)': c.goalMs,
    'median/goal': Number((medianMs / c.goalMs).toFixed(3)),
    'retained heap (MB)': Number(retainedHeapMb(c.tasks, slicing).toFixed(1)),
  };
});
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.table(rows);
if (sink === null) console.log('');
