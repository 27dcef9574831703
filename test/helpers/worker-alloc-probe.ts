/**
 * Allocation probe of the worker-mode loop (the loop of test/helpers/rt-worker-probe.ts:
 * `runRtWorker` on the main thread of a child process, so vitest adds no GC noise):
 *
 *   node --import tsx test/helpers/worker-alloc-probe.ts <frames> [statsIntervalMs] [trace] [overrunEvery] [leaseFlipMs]
 *
 * Statistics records every `statsIntervalMs` (default 10 ms: 100× the CLI's rate, to
 * stress the record path); `trace` > 0 runs with `--trace trace` (records forwarded
 * through the trace ring); `overrunEvery` > 0 makes every that-many-th job of task b spin
 * far past its budget and the frame (overrun, frame-overrun, skipped-frames and
 * release-late alarms raised in the measured window); `leaseFlipMs` > 0 makes the loop
 * lease-gated (config `lease`) with a keeper thread turning it leader and standby in turn
 * that often (standby frames in the window). Prints one JSON line:
 * { frames, gcEvents, heapDeltaBytes, clock, waiter, traceRecords, … }.
 */
import { compileEachFunctionAlone, printResult } from './probe-child.js';
import { runRtWorkerProbe } from './rt-worker-probe.js';

compileEachFunctionAlone();
const overrunEvery = Number(process.argv[5] ?? 0);
const leaseFlipMs = Number(process.argv[6] ?? 0);
printResult(
  await runRtWorkerProbe({
    frames: Number(process.argv[2] ?? 50_000),
    statsIntervalMs: Number(process.argv[3] ?? 10),
    traceCapacity: Number(process.argv[4] ?? 0),
    ...(leaseFlipMs > 0 ? { leaseFlipMs } : {}),
    tasks: [
      'const cell = new Float64Array(3);',
      `const OVER = ${overrunEvery};`,
      'export function a() { cell[0] += 1; }',
      'export function b() {',
      '  for (let i = 0; i < 20; i++) cell[1] += i;',
      '  // Every OVER-th job: ~0.3-1 ms of arithmetic, far past the 40 us budget and the 200 us frame.',
      '  if (OVER > 0 && ++cell[2] % OVER === 0) for (let i = 0; i < 400000; i++) cell[1] += i * 0.5;',
      '}',
    ],
  }),
);
