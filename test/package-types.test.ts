/**
 * The shipped types work in a consumer project with no extra compiler settings: a strict
 * NodeNext TypeScript project (no `types`, no `skipLibCheck`) that imports `hardtick` and
 * `hardtick/worker` as a user would (through the package's exports, the built dist/)
 * type-checks. Needs a built dist/ and the dev dependency typescript.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the package types in a consumer project', () => {
  it('a strict NodeNext project importing hardtick and hardtick/worker type-checks', () => {
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/hardtick'));
    symlinkSync(join(ROOT, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
    symlinkSync(join(ROOT, 'node_modules/zod'), join(dir, 'node_modules/zod'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', type: 'module', private: true }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', noEmit: true },
      }),
    );
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import { applyRealtime, Executive, KIND_PAUSE, type RunReport, run, selectClockAndWaiter, startRun, type TaskContext } from 'hardtick';",
        "import { openChannel } from 'hardtick/worker';",
        "const report: RunReport = await run('hardtick.json', { duration: '1s', thread: 'main' });",
        'const p99: number | undefined = report.tasks[0]?.execNs.p99;',
        "const handle = startRun('hardtick.json', { duration: 0, signal: AbortSignal.timeout(1000) });",
        'handle.on("alarm", (a) => console.log(a.text, a.value, p99, KIND_PAUSE));',
        'const { clock, waiter } = selectClockAndWaiter();',
        'void [clock, waiter, Executive, applyRealtime];',
        "const samples = openChannel('samples', { recordSize: 2, capacity: 64, direction: 'to-main' });",
        'const out = new Float64Array(2);',
        "export function sample(ctx: TaskContext): void { if (ctx.phase === 'measure') samples.tryPush(out, 0); }",
      ].join('\n'),
    );
    const r = (() => {
      try {
        return execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
          encoding: 'utf8',
          timeout: 120_000,
        });
      } catch (error) {
        return (error as { stdout?: string }).stdout ?? String(error);
      }
    })();
    expect(r).toBe('');
  }, 150_000);
});
