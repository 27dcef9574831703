import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { scratchDir, writeTaskModule, writeTinyConfig } from './helpers/tiny-config.js';

const dir = scratchDir('hardtick-cli-plan-');
writeTaskModule(dir, 'export function a() {}');

function writeConfig(name: string, body: Record<string, unknown>): string {
  return writeTinyConfig({ dir, file: name, config: body }).configFile;
}

const textbook = writeConfig('textbook.json', {
  name: 'textbook',
  tasks: [
    { name: 'T1', period: 4, budget: 1, run: './tasks.mjs#a' },
    { name: 'T2', period: 5, budget: 1.8, run: './tasks.mjs#a' },
    { name: 'T3', period: 20, budget: 1, run: './tasks.mjs#a' },
    { name: 'T4', period: 20, budget: 2, run: './tasks.mjs#a' },
  ],
});

const needsSlicing = writeConfig('needs-slicing.json', {
  name: 'needs-slicing',
  tasks: [
    { name: 'T1', period: 4, budget: 1, run: './tasks.mjs#a' },
    { name: 'T2', period: 5, budget: 2, deadline: 7, run: './tasks.mjs#a' },
    { name: 'T3', period: 20, budget: 5, run: './tasks.mjs#a' },
  ],
});

async function plan(...argv: string[]) {
  const io = captureIo();
  const code = await main(['plan', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('hardtick plan', () => {
  it('prints the contract JSON for a feasible set and exits 0', async () => {
    const { code, stdout } = await plan(textbook, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual([
      'diagnostics',
      'feasible',
      'frameNs',
      'frames',
      'hyperperiodNs',
      'slices',
    ]);
    expect(json.feasible).toBe(true);
    expect(json.hyperperiodNs).toBe(20_000_000);
    expect(json.frameNs).toBe(2_000_000);
    expect(json.frames).toHaveLength(10);
    expect(Object.keys(json.frames[0]).sort()).toEqual(['index', 'loadNs', 'slots', 'startNs']);
    expect(Object.keys(json.frames[0].slots[0]).sort()).toEqual(['budgetNs', 'job', 'slice', 'task']);
    // every job of every task is placed once with its whole budget
    const placed = new Map<string, number>();
    for (const frame of json.frames) {
      expect(frame.startNs).toBe(frame.index * 2_000_000);
      let load = 0;
      for (const slot of frame.slots) {
        load += slot.budgetNs;
        placed.set(slot.task, (placed.get(slot.task) ?? 0) + slot.budgetNs);
      }
      expect(frame.loadNs).toBe(load);
      expect(load).toBeLessThanOrEqual(2_000_000);
    }
    expect(Object.fromEntries(placed)).toEqual({
      T1: 5_000_000,
      T2: 7_200_000,
      T3: 1_000_000,
      T4: 2_000_000,
    });
  });

  it('prints a readable table with load bars, utilization and slack', async () => {
    const { code, stdout } = await plan(textbook);
    expect(code).toBe(0);
    expect(stdout).toContain('textbook: 4 task(s), utilization 76.0 %');
    expect(stdout).toContain('hyperperiod 20ms, frame 2ms, 10 frame(s)');
    expect(stdout).toMatch(/\[#+\.*\]/);
    expect(stdout).toContain('feasible: minimum frame slack');
  });

  it('exits 1 with reasons and a slicing suggestion when infeasible without slicing', async () => {
    const { code, stdout } = await plan(needsSlicing);
    expect(code).toBe(1);
    expect(stdout).toContain('INFEASIBLE');
    expect(stdout).toContain('suggest_slice');
    expect(stdout).toContain('T3');
  });

  it('plans the same set with slicing "auto" at f = 4ms and reports the slices', async () => {
    const sliced = writeConfig('sliced.json', {
      name: 'sliced',
      slicing: 'auto',
      tasks: [
        { name: 'T1', period: 4, budget: 1, run: './tasks.mjs#a' },
        { name: 'T2', period: 5, budget: 2, deadline: 7, run: './tasks.mjs#a' },
        { name: 'T3', period: 20, budget: 5, run: './tasks.mjs#a' },
      ],
    });
    const { code, stdout } = await plan(sliced, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.frameNs).toBe(4_000_000);
    const t3 = json.slices.T3 as number[];
    expect(t3.reduce((a: number, b: number) => a + b, 0)).toBe(5_000_000);
    expect(t3.length).toBeGreaterThan(1);
  });

  it('exits 2 with the path and expectation for a bad config', async () => {
    const bad = writeConfig('bad.json', {
      name: 'bad',
      tasks: [{ name: 'x', period: '-3', budget: 1, run: './tasks.mjs#a' }],
    });
    const { code, stderr } = await plan(bad);
    expect(code).toBe(2);
    expect(stderr).toContain('tasks[0].period');
  });

  it('exits 2 for a missing file, naming it', async () => {
    const { code, stderr } = await plan(join(dir, 'nope.json'));
    expect(code).toBe(2);
    expect(stderr).toContain('nope.json');
  });

  it('exits 2 on an unknown option and on a missing argument, and 0 for --help', async () => {
    expect((await plan(textbook, '--jsno')).code).toBe(2);
    const missing = await plan();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('expected exactly one config file, got 0');
    const help = await plan('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hardtick plan <config> [--json]');
  });
});

describe('hardtick plan: a summary, and a table of the first frames', () => {
  const coprime = writeConfig('coprime.json', {
    name: 'coprime',
    tasks: [1, 7, 11, 13].map((ms, i) => ({
      name: `t${i}`,
      period: `${ms}ms`,
      budget: '1us',
      run: './tasks.mjs#a',
    })),
  });

  it('shows 20 of 1001 frames, says how many more, and summarises all of them', async () => {
    const { code, stdout } = await plan(coprime);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.filter((l) => /^\s+\d+\s+\d/.test(l))).toHaveLength(20);
    expect(stdout).toContain(
      '… 981 more frame(s) not shown (--frames N shows the first N, --all every one)\n',
    );
    expect(stdout).toContain('feasible: minimum frame slack 996us\n');
    expect(stdout).toContain('busiest frame 0: load 4us of 1ms (0.4 %); 1312 slot(s) in 1001 frame(s)\n');
  });

  it('--frames N shows N frames, --all every frame', async () => {
    const three = await plan(coprime, '--frames', '3');
    expect(three.stdout.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l))).toHaveLength(3);
    expect(three.stdout).toContain('… 998 more frame(s) not shown');
    const all = await plan(coprime, '--all');
    expect(all.stdout.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l))).toHaveLength(1001);
    expect(all.stdout).not.toContain('not shown');
  });

  it('refuses --frames 0 and --frames with --all', async () => {
    expect((await plan(coprime, '--frames', '0')).stderr).toBe(
      "hardtick plan: --frames: expected a whole number of frames >= 1, got '0'\nRun 'hardtick plan --help' for the options.\n",
    );
    expect((await plan(coprime, '--frames', '3', '--all')).stderr).toBe(
      "hardtick plan: --frames and --all: give one of them\nRun 'hardtick plan --help' for the options.\n",
    );
  });
});

describe('hardtick (no command)', () => {
  it('prints usage and exits 2 without a command, 0 with --help, 2 for an unknown command', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toContain('Usage: hardtick <command>');
    expect(await main(['--help'], captureIo())).toBe(0);
    const unknown = captureIo();
    expect(await main(['plna'], unknown)).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'plna'");
  });
});
