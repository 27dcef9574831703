/**
 * The fault fields a run report names and the lines a user reads: where a stack points
 * into the task modules (`file:line`, the task), the first distinct errors kept per task,
 * the crash line, the summary's FATAL line naming the exit code (crash, stuck, fatal
 * alarms), `stuck` on the alarms line, the errors section; and the guarded
 * `process.exit` (it throws and reports instead of ending the process).
 */
import { describe, expect, it } from 'vitest';
import { describeCrash, describeErrorSample, ERROR_SAMPLES_KEPT } from '../src/report/faults.js';
import type { RunReport } from '../src/report/run-report.js';
import { formatRunSummary } from '../src/report/summary.js';
import { crash, crashFromFault, ErrorSamples, locateInTasks, type TaskModuleRef } from '../src/run/faults.js';
import { guardProcess, ProcessExitCalled, type ProcessFault } from '../src/tasks/process-guard.js';
import { makeReportJson } from './helpers/check-report-fixture.js';

const REFS: readonly TaskModuleRef[] = [
  { task: 'sense', file: '/p/tasks.mjs', exportName: 'sense' },
  { task: 'control', file: '/p/tasks.mjs', exportName: 'control' },
  { task: 'control', file: '/p/degraded.mjs', exportName: 'slow' },
  { task: 'log', file: '/p/log.mjs', exportName: 'log' },
];

const stack = (...frames: string[]): string =>
  ['Error: boom', ...frames.map((f) => `    at ${f}`)].join('\n');

describe('locateInTasks: the first stack frame in a task module', () => {
  it('names the file:line and the task whose export the frame is', () => {
    expect(
      locateInTasks(
        stack(
          'helper (file:///p/lib.mjs:9:3)',
          'control (file:///p/tasks.mjs:12:7)',
          'Executive.runOne (file:///x/executive.js:1:1)',
        ),
        REFS,
      ),
    ).toEqual({ at: '/p/tasks.mjs:12', task: 'control' });
    expect(locateInTasks(stack('async sense (file:///p/tasks.mjs:3:40)'), REFS)).toEqual({
      at: '/p/tasks.mjs:3',
      task: 'sense',
    });
    expect(locateInTasks(stack('Object.log (/p/log.mjs:5:1)'), REFS)).toEqual({
      at: '/p/log.mjs:5',
      task: 'log',
    });
  });

  it('an anonymous frame names the task only when one task uses the file', () => {
    expect(locateInTasks(stack('file:///p/degraded.mjs:8:11'), REFS)).toEqual({
      at: '/p/degraded.mjs:8',
      task: 'control',
    });
    expect(locateInTasks(stack('Timeout._onTimeout (file:///p/tasks.mjs:20:9)'), REFS)).toEqual({
      at: '/p/tasks.mjs:20',
      task: null,
    });
  });

  it('null with no frame in a task module, or no stack', () => {
    expect(
      locateInTasks(stack('run (file:///x/other.mjs:1:1)', 'node:internal/timers:581:17'), REFS),
    ).toBeNull();
    expect(locateInTasks(null, REFS)).toBeNull();
  });
});

describe('the crash entry and its line', () => {
  it('from a process fault: cause, message, task and file:line', () => {
    const rejection: ProcessFault = {
      cause: 'unhandled-rejection',
      value: new TypeError('x is not a function'),
      stack: stack('control (file:///p/tasks.mjs:12:7)'),
    };
    const c = crashFromFault(rejection, REFS);
    expect(c).toEqual({
      cause: 'unhandled-rejection',
      message: 'TypeError: x is not a function',
      task: 'control',
      at: '/p/tasks.mjs:12',
    });
    expect(describeCrash(c)).toBe(
      'crashed: unhandled rejection in task control (/p/tasks.mjs:12): TypeError: x is not a function',
    );
    const exit = crashFromFault(
      { cause: 'process-exit', value: 3, stack: stack('process.exit (file:///x/g.js:1:1)') },
      REFS,
    );
    expect(exit).toEqual({ cause: 'process-exit', message: 'process.exit(3) called' });
    expect(describeCrash(exit)).toBe('crashed: process exit: process.exit(3) called');
    expect(describeCrash(crash('worker-error', 'boom', { task: null, at: '/p/x.mjs:1' }))).toBe(
      'crashed: worker error at /p/x.mjs:1: boom',
    );
    expect(crashFromFault({ cause: 'unhandled-rejection', value: 42, stack: null }, REFS)).toEqual({
      cause: 'unhandled-rejection',
      message: '42',
    });
  });
});

describe('ErrorSamples: the first distinct errors per task', () => {
  it('keeps a message and place once, the first ones, up to the limit', () => {
    const samples = new ErrorSamples(2);
    samples.add(1, { message: 'Error: a', at: '/p/t.mjs:3', frame: 10 });
    samples.add(1, { message: 'Error: a', at: '/p/t.mjs:3', frame: 20 });
    samples.add(1, { message: 'Error: a', at: '/p/t.mjs:4', frame: 30 });
    for (let i = 0; i < 10; i++) samples.add(1, { message: `Error: ${i}`, at: null, frame: 40 + i });
    samples.add(7, { message: 'Error: out of range', at: null, frame: 1 });
    expect(samples.list()).toEqual([
      [],
      [
        { message: 'Error: a', at: '/p/t.mjs:3', frame: 10 },
        { message: 'Error: a', at: '/p/t.mjs:4', frame: 30 },
        { message: 'Error: 0', at: null, frame: 40 },
        { message: 'Error: 1', at: null, frame: 41 },
        { message: 'Error: 2', at: null, frame: 42 },
      ],
    ]);
    expect(samples.list()[1]).toHaveLength(ERROR_SAMPLES_KEPT);
    expect(describeErrorSample({ message: 'Error: a', at: '/p/t.mjs:3', frame: 10 })).toBe(
      'Error: a (/p/t.mjs:3, first in frame 10)',
    );
    expect(describeErrorSample({ message: 'Error: b', at: null, frame: 2 })).toBe(
      'Error: b (not in the task module, first in frame 2)',
    );
  });
});

describe('the summary of a failed run', () => {
  const summary = (over: Record<string, unknown>, tasks = [{ name: 'control' }]): string =>
    formatRunSummary(makeReportJson(tasks, over) as unknown as RunReport);

  it('a stuck run: stuck on the alarms line, the FATAL line names the slot and the exit code', () => {
    const text = summary({
      stopReason: 'stuck',
      exitCode: 75,
      frames: { count: 297, overruns: 0, skipped: 3 },
      durationNs: 1_500_000_000,
      stuck: [
        {
          task: 'control',
          frame: 300,
          slot: 1,
          overrunNs: 1_000_200_000,
          failSafe: 'none',
          recoveredNs: null,
        },
      ],
    });
    expect(text).toContain('fixture: 297 frames of 1000 µs in 1.50 s (mode main; stopped: stuck)\n');
    expect(text).toContain('alarms: stuck 1\n');
    expect(text).toContain(
      'FATAL: stuck: task control in frame 300 (slot 1), 1000.2 ms past its deadline → exit 75\n',
    );
  });

  it('a crashed run with fatal alarms too: one FATAL line, every cause, the report exit code', () => {
    const text = summary({
      stopReason: 'crashed',
      exitCode: 2,
      fatal: { kinds: ['task-error'], occurred: ['task-error'] },
      crash: {
        cause: 'process-exit',
        message: 'process.exit(3) called',
        task: 'control',
        at: '/p/tasks.mjs:12',
      },
    });
    expect(text).toContain(
      'FATAL: crashed: process exit in task control (/p/tasks.mjs:12): process.exit(3) called; ' +
        'task-error (config alarms.fatal) → exit 2\n',
    );
    expect(text.match(/^FATAL/gm)).toHaveLength(1);
  });

  it('fatal alarms alone keep their line (exit 1); a clean run has none', () => {
    expect(summary({ exitCode: 1, fatal: { kinds: ['overrun'], occurred: ['overrun'] } })).toContain(
      'FATAL: overrun (config alarms.fatal) → exit 1\n',
    );
    expect(summary({})).not.toContain('FATAL');
  });

  it('lists the first distinct errors of each task that threw, below the table', () => {
    const json = makeReportJson([{ name: 'sense' }, { name: 'control', errors: 3 }]);
    const tasks = json.tasks as Record<string, unknown>[];
    tasks[1]!.errorSamples = [
      { message: 'Error: boom 1', at: '/p/tasks.mjs:7', frame: 24 },
      { message: 'RangeError: bad', at: null, frame: 49 },
    ];
    const text = formatRunSummary(json as unknown as RunReport);
    expect(text).toContain(
      'errors of control (first distinct ones):\n' +
        '  Error: boom 1 (/p/tasks.mjs:7, first in frame 24)\n' +
        '  RangeError: bad (not in the task module, first in frame 49)\n',
    );
    expect(text).not.toContain('errors of sense');
  });
});

describe('guardProcess: process.exit during a run', () => {
  it('throws ProcessExitCalled and reports the fault with where it was called; restored after', () => {
    const seen: ProcessFault[] = [];
    const original = process.exit;
    const unguard = guardProcess((f) => seen.push(f));
    try {
      expect(() => process.exit(3)).toThrow(ProcessExitCalled);
      expect(() => process.exit(3)).toThrow('process.exit(3) called during a run: the run ends as crashed');
    } finally {
      unguard();
    }
    expect(process.exit).toBe(original);
    expect(seen.map((f) => [f.cause, f.value])).toEqual([
      ['process-exit', 3],
      ['process-exit', 3],
    ]);
    expect(seen[0]!.stack).toContain('run-faults.test.ts');
  });
});
