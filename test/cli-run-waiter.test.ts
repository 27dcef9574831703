/**
 * The config's `waiter` reaches the loop: a fixed margin is the one the run's first line
 * names and the report's `waiterMargin` records (the learner only observing), the default
 * learns (`auto`, the margin a wait length starts with in the first line), and the learned
 * classes are in the report, in the summary and in `hardtick report`. The built CLI in
 * child processes, both thread modes.
 */
import { describe, expect, it } from 'vitest';
import { hardtickRun, hardtickSync } from './helpers/cli.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

const TASKS = ['const cell = new Float64Array(1);', 'export function tick() { cell[0] += 1; }'];

describe('hardtick run: the config waiter', () => {
  it.each(['worker', 'main'] as const)(
    '%s thread: a fixed margin from the config is the one used',
    async (thread) => {
      const { configFile } = writeTinyConfig({
        config: {
          name: 'fixed-margin',
          tasks: [taskEntry('tick', '2ms', '1ms')],
          alarms: { fatal: [] },
          waiter: { margin: '150us' },
        },
        tasks: TASKS,
      });
      const r = await hardtickRun(configFile, [
        '--duration',
        '500ms',
        '--warmup',
        '200ms',
        '--thread',
        thread,
      ]);
      expect(r.code, r.transcript).toBe(0);
      expect(r.stdout).toMatch(/ margin 150µs, timer slack /);
      const margin = r.report!.waiterMargin!;
      expect(margin.mode).toBe('fixed');
      expect(margin.fixedMarginNs).toBe(150_000);
      expect(margin.classes.reduce((n, c) => n + c.samples, 0)).toBeGreaterThan(100);
      expect(r.stdout).toContain('waiter margin: fixed 150 µs (the learner observed); waits ');
    },
  );

  it('the default learns: auto in the first line, per-class margins in the report and its renderings', async () => {
    const { configFile } = writeTinyConfig({
      config: { name: 'auto-margin', tasks: [taskEntry('tick', '2ms', '1ms')], alarms: { fatal: [] } },
      tasks: TASKS,
    });
    const r = await hardtickRun(configFile, ['--duration', '500ms', '--warmup', '200ms']);
    expect(r.code, r.transcript).toBe(0);
    expect(r.stdout).toMatch(/ margin auto \(from \d+µs\), timer slack /);
    const margin = r.report!.waiterMargin!;
    expect([margin.mode, margin.fixedMarginNs, margin.quantile, margin.maxSpinShare]).toEqual([
      'auto',
      null,
      0.99,
      0.005,
    ]);
    const line = r.stdout.split('\n').find((l) => l.startsWith('waiter margin: '));
    expect(line).toMatch(/^waiter margin: auto \(p99 of the oversleep, spin ≤ 0\.5 % of a wait\); waits /);
    for (const c of margin.classes) {
      expect(c.lastMarginNs).toBeGreaterThanOrEqual(margin.minMarginNs);
      expect(c.lastMarginNs).toBeLessThanOrEqual(margin.maxMarginNs);
    }
    const md = hardtickSync(['report', r.reportFile, '--format', 'md']);
    expect(md.code, md.transcript).toBe(0);
    expect(md.stdout).toContain(`\n${line}.\n`);
  });
});
