/**
 * Task code that would take the process down (a promise rejected with no handler, an
 * exception thrown from a timer, `process.exit`) ends the run as crashed, in both thread
 * modes: exit 2, the crash named on stderr and in the FATAL line, and a report with
 * `stopReason: "crashed"`, `exitCode: 2` and `crash` naming the cause, the task and its
 * file:line. The built CLI in child processes. (A task that returns a promise is a task
 * error at its first call: the executive's business, tested with it.)
 */
import { describe, expect, it } from 'vitest';
import { hardtickRun } from './helpers/cli.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

const TASKS = [
  'let n = 0;',
  "export function rejecter() { n++; if (n === 100) Promise.reject(new Error('floating boom')); }",
  "export function timerThrower() { n++; if (n === 100) setTimeout(() => { throw new Error('timer boom'); }, 0); }",
  'export function exiter() { n++; if (n === 100) process.exit(3); }',
];
/** The line of each export in the module above. */
const LINE = { rejecter: 2, timerThrower: 3, exiter: 4 } as const;

function config(task: keyof typeof LINE): { configFile: string; tasksFile: string } {
  return writeTinyConfig({
    config: {
      name: `crash-${task}`,
      tasks: [taskEntry(task, '5ms', '1ms')],
      // Timing alarms on a shared machine must not decide these tests' exit codes.
      alarms: { fatal: [] },
    },
    tasks: TASKS,
  });
}

const CASES = [
  ['rejecter', 'unhandled-rejection', 'Error: floating boom'],
  ['timerThrower', 'uncaught-exception', 'Error: timer boom'],
  ['exiter', 'process-exit', 'process.exit(3) called'],
] as const;

describe('hardtick run: task code that would take the process down ends the run as crashed', () => {
  it.each(
    CASES.flatMap(([task, cause, message]) => [
      ['worker', task, cause, message],
      ['main', task, cause, message],
    ]),
  )('%s thread, %s: %s named, report written, exit 2', async (thread, task, cause, message) => {
    const { configFile, tasksFile } = config(task);
    const r = await hardtickRun(configFile, [
      '--duration',
      '2s',
      '--warmup',
      '0',
      '--quiet',
      '--thread',
      thread,
    ]);
    const line = `crashed: ${cause.replace('-', ' ')} in task ${task} (${tasksFile}:${LINE[task]}): ${message}`;
    expect(r.code, r.transcript).toBe(2);
    expect(r.stderr).toContain(`hardtick run: ${line}\n`);
    expect(r.stdout).toMatch(/ \(mode main; stopped: crashed\)\n/);
    expect(r.stdout).toContain(`FATAL: ${line} → exit 2\n`);
    expect(r.stderr).not.toMatch(/ at .*node:internal|Node\.js v\d/);
    expect(r.report?.stopReason).toBe('crashed');
    expect(r.report?.exitCode).toBe(2);
    expect(r.report?.crash).toEqual({ cause, message, task, at: `${tasksFile}:${LINE[task]}` });
    expect(r.report?.environment.thread).toBe(thread);
  });
});
