/**
 * Allocation probe of the worker-mode loop with GC governance (config `gc`): the loop of
 * test/helpers/rt-worker-probe.ts with a `gc` key given as JSON:
 *
 *   node --import tsx test/helpers/gc-alloc-probe.ts <frames> '<gc json>'
 *
 * e.g. '{"planned":true,"warn":true}' (the slack hook probes the heap after every frame)
 * or 'null' (no `gc` key: governance off). Tasks allocate nothing, so no planned
 * collection becomes due; what is measured is the hook itself. Statistics records every
 * 10 ms. Prints one JSON line: { frames, gcEvents, heapDeltaBytes, clock, waiter, governance, … }.
 */
import { compileEachFunctionAlone, printResult } from './probe-child.js';
import { runRtWorkerProbe } from './rt-worker-probe.js';

compileEachFunctionAlone();
const gcKey = JSON.parse(process.argv[3] ?? 'null') as unknown;
printResult(
  await runRtWorkerProbe({
    frames: Number(process.argv[2] ?? 50_000),
    tasks: [
      'const cell = new Float64Array(2);',
      'export function a() { cell[0] += 1; }',
      'export function b() { for (let i = 0; i < 20; i++) cell[1] += i; }',
    ],
    config: gcKey === null ? {} : { gc: gcKey },
  }),
);
