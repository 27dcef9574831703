/**
 * Golden trace: a small sliced schedule run for 2 hyperperiods on ManualClock; the trace
 * ring and the alarms, formatted as text, must match test/golden/executive-trace.txt.
 *
 * To regenerate after an intended change: `UPDATE_GOLDEN=1 npx vitest run test/runtime-golden-trace`
 * and review the diff before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import {
  Executive,
  type TaskContext,
  TRACE_FLAG_DEADLINE_MISS,
  TRACE_FLAG_OVERRUN,
} from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import { F, makeMode, makeTable, makeTask } from './helpers/runtime-fixtures.js';

const GOLDEN = fileURLToPath(new URL('./golden/executive-trace.txt', import.meta.url));
const T0 = 100 * F;

function run(): string {
  const clock = new ManualClock();
  const tasks = [
    makeTask(0, 'sense', F, 200_000),
    makeTask(1, 'control', 2 * F, 300_000),
    makeTask(2, 'log', 4 * F, 600_000, { deadlineNs: 3_450_000 }),
  ];
  const table = makeTable(F, tasks, [
    [
      { task: 0, job: 0 },
      { task: 1, job: 0 },
    ],
    [
      { task: 0, job: 1 },
      { task: 2, job: 0, slice: 0, budgetNs: 300_000, last: false },
    ],
    [
      { task: 0, job: 2 },
      { task: 1, job: 1 },
    ],
    [
      { task: 0, job: 3 },
      { task: 2, job: 0, slice: 1, budgetNs: 300_000, last: true },
    ],
  ]);
  let senseCalls = 0;
  let controlCalls = 0;
  let logCalls = 0;
  const fns = [
    () => clock.advance(100_000 + 10_000 * senseCalls++),
    () => clock.advance(controlCalls++ % 2 === 0 ? 250_000 : 350_000),
    (ctx: TaskContext) => clock.advance(ctx.slice === 0 ? 300_000 : 280_000 + 50_000 * logCalls++),
  ];
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [makeMode('main', table, tasks, fns)],
    traceCapacity: 64,
  });
  exec.start(T0);
  exec.runFrames(8);
  const names = tasks.map((t) => t.name);
  const lines = ['# frame slot task job slice start end exec flags (times in ns from t0)'];
  for (const r of exec.trace()) {
    const flags =
      [
        r.flags & TRACE_FLAG_OVERRUN ? 'overrun' : '',
        r.flags & TRACE_FLAG_DEADLINE_MISS ? 'deadline-miss' : '',
      ]
        .filter(Boolean)
        .join(',') || '-';
    lines.push(
      `f${r.frame} s${r.slot} ${names[r.task]} j${r.job}.${r.slice} +${r.startNs - T0} +${r.endNs - T0} ${r.endNs - r.startNs} ${flags}`,
    );
  }
  lines.push('# alarms: kind task frame time value');
  exec.drainAlarms(
    (a) => lines.push(`${a.kind} ${a.task ?? '-'} f${a.frame} +${a.timeNs - T0} ${a.value}`),
    true,
  );
  const s = exec.snapshot();
  lines.push('# tasks: name runs overruns deadlineMisses execMin execMax execMaxFrame');
  for (const t of s.tasks)
    lines.push(
      `${t.name} ${t.runs} ${t.overruns} ${t.deadlineMisses} ${t.execNs.min} ${t.execNs.max} ${t.execMaxFrame}`,
    );
  return `${lines.join('\n')}\n`;
}

it('matches the golden trace', () => {
  const actual = run();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
  expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
});
