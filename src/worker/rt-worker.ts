/**
 * Entry module of the real-time worker thread (started by start.ts). Runs
 * {@link runRtWorker} with the `workerData` the main thread prepared; exits when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RtWorkerData } from './protocol.js';
import { runRtWorker } from './rt-loop.js';

if (parentPort === null) throw new Error('rt-worker.js must run in a worker thread');
const port = parentPort;
await runRtWorker(workerData as RtWorkerData, port);
