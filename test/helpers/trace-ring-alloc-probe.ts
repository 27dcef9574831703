/**
 * Allocation probe of the trace ring's push path with the flagged-slot keeper (every 3rd
 * record an overrun or deadline miss, so `FlaggedTraceKeeper.offer` copies often and wraps),
 * and of the main side's `TraceCollector.drainFrom` (the worker-mode path), run in a child
 * process (method: test/helpers/alloc-measure.ts):
 *
 *   node --expose-gc --no-memory-reducer --import tsx test/helpers/trace-ring-alloc-probe.ts <ring|collector> [iterations]
 *
 * Prints one JSON line: { subject, iterations, gcEvents, heapDeltaBytes, totalHeapDeltaBytes, nsPerIteration }.
 */

import { SpscRing } from '../../src/memory/spsc-ring.js';
import {
  TR_END,
  TR_FLAGS,
  TR_FRAME,
  TR_FRAME_RELEASE,
  TR_FRAME_START,
  TR_MODE,
  TR_SIZE,
  TR_START,
  TR_TASK,
} from '../../src/run/protocol.js';
import { TraceCollector } from '../../src/run/trace.js';
import { TRACE_FLAGS, TRACE_FRAME, TRACE_RECORD, TraceRing } from '../../src/runtime/trace-ring.js';
import { measureAllocation } from './alloc-measure.js';
import { printResult } from './probe-child.js';

const subject = process.argv[2] ?? 'ring';
const iterations = Number(process.argv[3] ?? 500_000);
const sink = new Float64Array(1);

function ringWorkload(): (n: number) => void {
  const ring = new TraceRing(64, 16);
  const rec = new Float64Array(TRACE_RECORD);
  return (n) => {
    for (let i = 0; i < n; i++) {
      rec[TRACE_FRAME] = i;
      rec[TRACE_FLAGS] = i % 3 === 0 ? 1 : i % 3 === 1 ? 8 : 0;
      ring.push(rec);
    }
    sink[0] = sink[0]! + ring.written;
  };
}

function collectorWorkload(): (n: number) => void {
  const spsc = SpscRing.create({ capacity: 64, recordSize: TR_SIZE });
  const collector = new TraceCollector(32, TR_SIZE, {
    frame: TR_FRAME,
    mode: TR_MODE,
    task: TR_TASK,
    start: TR_START,
    end: TR_END,
    flags: TR_FLAGS,
    frameRelease: TR_FRAME_RELEASE,
    frameStart: TR_FRAME_START,
  });
  const rec = new Float64Array(TR_SIZE);
  return (n) => {
    for (let i = 0; i < n; i++) {
      rec[TR_FRAME] = i;
      rec[TR_FLAGS] = i % 3 === 0 ? 1 : 0;
      spsc.tryPush(rec, 0);
      if ((i & 15) === 15) sink[0] = sink[0]! + collector.drainFrom(spsc);
    }
  };
}

const run = subject === 'collector' ? collectorWorkload() : ringWorkload();
const m = await measureAllocation(run, iterations);
printResult({ subject, ...m });
