/**
 * Allocation probe of the docs/memory.md task pattern, in a child process (no vitest GC
 * noise):
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/memory-doc-probe.ts [iterations]
 *
 * One iteration is one 1 ms frame of the documented loop: `sense` every frame, `control`
 * then `actuate` every 10th; every 1000th frame `control` runs five times before `actuate`
 * (the pool's exhaustion path). The sensor value and the release time are fractional
 * doubles. Prints one JSON line (see alloc-measure.ts).
 */
import { pathToFileURL } from 'node:url';
import { measureAllocation } from './alloc-measure.js';
import { type DocTasks, writeDocTaskModule } from './memory-doc-module.js';

const iterations = Number(process.argv[2] ?? 200_000);
const tasks = (await import(pathToFileURL(writeDocTaskModule()).href)) as DocTasks;
const ctx = { releaseNs: 1_000_000_000.5 };
const frame = new Float64Array(1);

function loop(n: number): void {
  for (let i = 0; i < n; i++) {
    const f = frame[0]!;
    frame[0] = f + 1;
    ctx.releaseNs = 1_000_000_000.5 + f * 1_000_000;
    tasks.input[0] = 2.25 + (f % 7) * 0.125;
    tasks.sense(ctx);
    if (f % 10 === 9) {
      tasks.control(ctx);
      if (f % 1000 === 999) for (let k = 0; k < 4; k++) tasks.control(ctx);
      tasks.actuate();
    }
  }
}

const m = await measureAllocation(loop, iterations);
process.stdout.write(`${JSON.stringify({ subject: 'docs/memory.md', ...m, dropped: tasks.output[1] })}\n`);
