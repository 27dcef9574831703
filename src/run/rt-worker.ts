/**
 * Entry module of the real-time worker thread (started by worker-host.ts). Runs
 * {@link runRtWorker} with the `workerData` the host prepared; exits when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runRtWorker } from './loop.js';
import type { RtWorkerData } from './protocol.js';

if (parentPort === null) throw new Error('rt-worker.js must run in a worker thread');
await runRtWorker(workerData as RtWorkerData, parentPort);
