/**
 * Allocation gate of declared channels: after warm-up, 500 000 iterations of the task's
 * ends (`openChannel` to-main: tryPush / claim / publish / freeSlots, drop path included;
 * from-main: tryPop / drain / size / lost) and of the hub (pollOnce with a handler, send,
 * freeSlots, lost, records) cause no GC and no heap growth. Each subject runs in its own
 * child process (`node --expose-gc --import tsx test/helpers/channels-alloc-probe.ts
 * <subject>`), away from vitest's GC noise; the method is memory-alloc-probe.ts's.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ProbeResult {
  subject: string;
  iterations: number;
  gcEvents: number;
  heapDeltaBytes: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const ITERATIONS = 500_000;
/** Young-generation growth allowed: the PerformanceObserver's own bookkeeping is ~2.3 KB. */
const NOISE_BYTES = 16 * 1024;

function probe(subject: string): ProbeResult {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--no-memory-reducer',
      '--import',
      'tsx',
      'test/helpers/channels-alloc-probe.ts',
      subject,
      String(ITERATIONS),
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as ProbeResult;
}

describe('channel hot paths allocate nothing after warm-up', () => {
  it.each(['rt:to-main', 'rt:from-main', 'hub'])('%s: no GC, no heap growth', (subject) => {
    const r = probe(subject);
    const seen = JSON.stringify(r);
    expect(r.iterations, seen).toBe(ITERATIONS);
    expect(r.gcEvents, seen).toBe(0);
    expect(r.heapDeltaBytes, seen).toBeLessThan(NOISE_BYTES);
  });
});
