/**
 * Entry module of the real-time worker thread (started by worker-host.ts). Guards the
 * thread against task code that would end it behind the host's back (an unhandled
 * rejection, an uncaught exception, `process.exit`: each is posted as a `crash` and stops
 * the loop), then runs {@link runRtWorker} with the `workerData` the host prepared.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { guardProcess } from '../tasks/process-guard.js';
import { crashFromFault, taskModuleRefs } from './faults.js';
import { runRtWorker } from './loop.js';
import type { RtWorkerData, RtWorkerMessage } from './protocol.js';

if (parentPort === null) throw new Error('rt-worker.js must run in a worker thread');
const port = parentPort;
const data = workerData as RtWorkerData;
const refs = taskModuleRefs(data.config);
const stopFlag = new Int32Array(data.stopFlag);
// Before any task module is imported: their top-level code is task code too.
guardProcess((fault) => {
  port.postMessage({ type: 'crash', crash: crashFromFault(fault, refs) } satisfies RtWorkerMessage);
  Atomics.store(stopFlag, 0, 1);
});
await runRtWorker(data, port);
