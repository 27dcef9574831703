/**
 * Task errors keep their evidence: the first distinct errors of each task (message and
 * the stack's first frame in the task's own file) are in the report's
 * `tasks[i].errorSamples` and printed under the WCET table; a task module that does not
 * parse is named with its file:line, the line and a caret, as plain `node` shows it. Both
 * thread modes; the built CLI in child processes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardtick, hardtickRun } from './helpers/cli.js';
import { taskEntry, writeTaskModule, writeTinyConfig } from './helpers/tiny-config.js';

describe('hardtick run: task errors keep their evidence', () => {
  it.each(['worker', 'main'])(
    '%s thread: the first five distinct errors, each with its file:line',
    async (thread) => {
      const { configFile, tasksFile } = writeTinyConfig({
        config: { name: 'throws', tasks: [taskEntry('flaky', '5ms', '1ms')], alarms: { fatal: [] } },
        // Seven distinct messages, one every 25 calls (8 a second: under the alarm rate limit).
        tasks: [
          'let n = 0;',
          'export function flaky() {',
          '  n++;',
          "  if (n % 25 === 0) throw new Error('boom ' + ((n / 25) % 7));",
          '}',
        ],
      });
      const r = await hardtickRun(configFile, [
        '--duration',
        '2s',
        '--warmup',
        '0',
        '--quiet',
        '--thread',
        thread,
      ]);
      expect(r.code, r.transcript).toBe(0);
      const task = r.report!.tasks[0]!;
      expect(task.errors).toBeGreaterThanOrEqual(7);
      const samples = task.errorSamples!;
      expect(samples.map((s) => [s.message, s.at])).toEqual(
        [1, 2, 3, 4, 5].map((i) => [`Error: boom ${i}`, `${tasksFile}:4`]),
      );
      // First seen in the order thrown, 25 calls (frames) apart.
      const frames = samples.map((s) => s.frame);
      expect(frames[0]).toBeGreaterThanOrEqual(24);
      expect(frames).toEqual([...frames].sort((a, b) => a - b));
      expect(r.stdout).toContain(
        `errors of flaky (first distinct ones):\n${samples.map((s) => `  Error: boom ${s.message.slice(-1)} (${tasksFile}:4, first in frame ${s.frame})\n`).join('')}`,
      );
    },
  );

  it.each(['worker', 'main'])(
    '%s thread: a task module that does not parse says file:line, as node does',
    async (thread) => {
      const { dir, configFile } = writeTinyConfig({
        config: { name: 'syntax', tasks: [taskEntry('broken', '5ms', '1ms')] },
        tasks: ['// fine so far', 'export function broken() { let x = ; }'],
      });
      const file = join(dir, 'tasks.mjs');
      const r = await hardtick(['run', configFile, '--duration', '1s', '--warmup', '0', '--thread', thread]);
      expect(r.code, r.transcript).toBe(2);
      expect(r.stderr).toBe(
        `hardtick run: task 'broken': cannot load './tasks.mjs#broken' from ${file}: it does not parse: ` +
          `SyntaxError: Unexpected token ';' at ${file}:2\n` +
          '  export function broken() { let x = ; }\n' +
          '                                     ^\n',
      );
      expect(r.stdout).toBe('');
    },
  );

  it('a module the task module imports does not parse: said so', async () => {
    const { dir, configFile } = writeTinyConfig({
      config: { name: 'syntax-dep', tasks: [taskEntry('ok', '5ms', '1ms')] },
      tasks: ["import './helper.mjs';", 'export function ok() {}'],
    });
    writeTaskModule(dir, 'export const x = ;', 'helper.mjs');
    const r = await hardtick(['run', configFile, '--duration', '1s', '--warmup', '0']);
    expect(r.code, r.transcript).toBe(2);
    expect(r.stderr).toBe(
      `hardtick run: task 'ok': cannot load './tasks.mjs#ok' from ${join(dir, 'tasks.mjs')}: ` +
        "a module it imports does not parse: SyntaxError: Unexpected token ';'\n",
    );
  });
});
