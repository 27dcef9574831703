/**
 * TypeScript task modules in both thread modes: `node --import tsx dist/cli/main.js run
 * ts.json` (what the error message and the README advise). Node 20's worker threads do not
 * inherit tsx's hooks; the runner registers them in its real-time worker when the parent has
 * them. The task module sits in a folder without a package.json (tsx's CommonJS path).
 * Needs a built dist/ and tsx (a dev dependency).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-ts-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'tasks.ts'),
  [
    'interface Counter { readonly cells: Float64Array }',
    'const counter: Counter = { cells: new Float64Array(1) };',
    'export function tick(ctx: { readonly frameIndex: number }): void {',
    '  counter.cells[0]! += ctx.frameIndex >= 0 ? 1 : 0;',
    '}',
  ].join('\n'),
);
const config = join(dir, 'ts.json');
writeFileSync(
  config,
  JSON.stringify({
    name: 'ts',
    tasks: [{ name: 'tick', period: '2ms', budget: '500us', run: './tasks.ts#tick' }],
    alarms: { fatal: ['task-error'] },
  }),
);

describe('TypeScript task modules under node --import tsx', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`--thread ${thread}: the .ts module loads and runs, exit 0`, () => {
      const reportFile = join(dir, `${thread}.report.json`);
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'dist/cli/main.js'),
          'run',
          config,
          '--duration',
          '300ms',
          '--warmup',
          '0',
          '--quiet',
          '--thread',
          thread,
          '--report',
          reportFile,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport & {
        environment: { thread: string };
      };
      expect(report.environment.thread).toBe(thread);
      expect(report.tasks[0]!.runs).toBeGreaterThan(50);
      expect(report.tasks[0]!.errors).toBe(0);
    }, 90_000);
  }

  it('without tsx the message says how to load it, in the worker too (exit 2)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'run', config, '--warmup', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `hardtick run: task 'tick': cannot load './tasks.ts#tick': ${join(dir, 'tasks.ts')} is TypeScript and no TypeScript loader is active; run with 'node --import tsx …'`,
    );
  }, 60_000);
});
