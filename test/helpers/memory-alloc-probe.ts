/**
 * Allocation probe for src/memory's hot paths, run in a child process so vitest's workers
 * add no GC noise:
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/memory-alloc-probe.ts <subject> [iterations]
 *
 * Subjects: `ring:<policy>` and `spsc:<policy>` (Ring or SpscRing used from one thread, both
 * roles) for each overflow policy, and `pool`. One subject per process: the workload
 * closures share feedback, so mixing classes in one process would measure megamorphic
 * call sites and their re-optimisations rather than the library.
 * Each iteration of a ring workload runs tryPush (with a fractional, non-Smi value),
 * claim + publish, tryPop, and every 8th iteration drain, size, lost and freeSlots — with pushes
 * outnumbering pops so the full/drop/overwrite paths run too. The pool workload acquires
 * until exhaustion, releases, double-releases and releases a foreign object.
 *
 * Method (as test/helpers/runtime-alloc-probe.ts): warm up in short then long calls (so the
 * JIT optimises the workload with full type feedback), pause for concurrent compilation,
 * settle until a run shows no heap growth, full GC twice, then the measured run with GC
 * events observed by a PerformanceObserver (only entries starting inside the window count).
 * Heap growth is measured in V8's young generation (`new_space`), where every allocation of
 * the workload lands: a concurrent (re)compile finishing inside the window (code space and
 * old-space metadata, ~100–200 KB, seen on a loaded machine) is then not mistaken for it.
 * Prints one JSON line: { subject, iterations, gcEvents, heapDeltaBytes (young generation),
 * totalHeapDeltaBytes (heapUsed), nsPerIteration }.
 */
import { type OverflowPolicy, Pool, type RecordRing, Ring, SpscRing } from '../../src/memory/index.js';
import { measureAllocation } from './alloc-measure.js';
import { printResult } from './probe-child.js';

const subjectName = process.argv[2] ?? 'ring:drop-newest';
const iterations = Number(process.argv[3] ?? 500_000);

/** Results land here so the JIT keeps the work (a typed array: stores never box). */
const sink = new Float64Array(1);

function ringWorkload(ring: RecordRing): (n: number) => void {
  const src = new Float64Array(ring.recordSize);
  const dst = new Float64Array(ring.recordSize * 8);
  const data = ring.data;
  return (n) => {
    for (let i = 0; i < n; i++) {
      src[0] = i + 0.25;
      ring.tryPush(src, 0);
      const o = ring.claim();
      if (o >= 0) {
        data[o] = i * 0.5 + 0.125;
        ring.publish();
      }
      if (ring.tryPop(dst, 0)) sink[0] = sink[0]! + dst[0]!;
      if ((i & 7) === 0) {
        const k = ring.drain(dst, 8);
        sink[0] = sink[0]! + k + ring.size() + ring.lost() + ring.freeSlots();
      }
    }
  };
}

interface Item {
  v: number;
}
function poolWorkload(pool: Pool<Item>): (n: number) => void {
  const held: (Item | null)[] = new Array(pool.capacity + 1).fill(null);
  const foreign: Item = { v: 0 };
  return (n) => {
    for (let i = 0; i < n; i++) {
      const k = 1 + (i % (pool.capacity + 1)); // sometimes one more than capacity: exhaustion
      for (let j = 0; j < k; j++) held[j] = pool.tryAcquire();
      for (let j = 0; j < k; j++) {
        const it = held[j]!;
        if (it !== null) pool.release(it);
        held[j] = null;
      }
      if ((i & 15) === 0) {
        const it = pool.tryAcquire()!;
        pool.release(it);
        pool.release(it); // double release: refused
        pool.release(foreign); // foreign: refused
        sink[0] = sink[0]! + pool.available + pool.exhausted + pool.highWater;
      }
    }
  };
}

function makeSubject(name: string): (n: number) => void {
  const [kind, overflow] = name.split(':') as [string, OverflowPolicy];
  if (kind === 'ring') return ringWorkload(new Ring({ capacity: 16, recordSize: 4, overflow }));
  if (kind === 'spsc') return ringWorkload(SpscRing.create({ capacity: 16, recordSize: 4, overflow }));
  if (kind === 'pool')
    return poolWorkload(
      new Pool<Item>({ capacity: 8, factory: (i) => ({ v: i }), reset: (x) => void (x.v = 0) }),
    );
  throw new Error(`unknown subject ${name}`);
}
const subjects: [string, (n: number) => void][] = [[subjectName, makeSubject(subjectName)]];

for (const [subject, run] of subjects) {
  const m = await measureAllocation(run, iterations);
  printResult({ subject, ...m });
}
