/**
 * A stand-in RT thread for the watchdog tests: writes heartbeats like the executive would
 * (beginSlot / endSlot per slot, idle between frames), on CLOCK_MONOTONIC (`sharedNowNs`).
 *
 * workerData: { heartbeat, mode, periodMs, frames, progress? }
 * - `healthy`: `frames` frames of 3 slots, each slot busy for 0.2 ms against a 2 ms deadline.
 * - `stuck`: `frames` healthy frames, then slot 1 of the next frame begins task 2 with a
 *   2 ms deadline and spins forever (`for (;;) {}`), after posting `{ type: 'spinning',
 *   frame, deadlineNs }`.
 * - `twice`: `frames` healthy frames, then slot 1 of the next frame runs task 2 for
 *   `stuckMs` ms against a 2 ms deadline and returns; `frames` healthy frames again, the same
 *   stuck slot once more, then posts `{ type: 'done' }`.
 * - `seqlock`: hammers beginSlot/endSlot with fields derived from one counter (frame = k,
 *   slot = k & 7, task = k % 3, startNs = 10k, deadlineNs = 10k + 5) until `progress[1]` is
 *   set, counting writes in `progress[0]`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Heartbeat, sharedNowNs } from '../../src/watchdog/heartbeat.js';

interface Data {
  heartbeat: SharedArrayBuffer;
  mode: 'healthy' | 'stuck' | 'twice' | 'seqlock';
  periodMs: number;
  frames: number;
  stuckMs?: number;
  progress?: SharedArrayBuffer;
}
const data = workerData as Data;
const hb = Heartbeat.attach(data.heartbeat);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const MS = 1e6;

function busyUntil(ns: number): void {
  while (sharedNowNs() < ns) {}
}

function frame(f: number, releaseNs: number): void {
  for (let slot = 0; slot < 3; slot++) {
    const startNs = sharedNowNs();
    hb.beginSlot(f, slot, slot, startNs, startNs + 2 * MS);
    busyUntil(startNs + 0.2 * MS);
    hb.endSlot();
  }
  const nextNs = releaseNs + data.periodMs * MS;
  hb.idle(nextNs);
  const waitMs = (nextNs - sharedNowNs()) / MS;
  if (waitMs > 0) Atomics.wait(sleeper, 0, 0, waitMs);
}

if (data.mode === 'seqlock') {
  const progress = new Int32Array(data.progress!);
  let k = 0;
  while (Atomics.load(progress, 1) === 0) {
    hb.beginSlot(k, k & 7, k % 3, 10 * k, 10 * k + 5);
    if ((k & 1) === 0) hb.endSlot();
    k++;
    Atomics.store(progress, 0, k);
  }
  parentPort!.postMessage({ type: 'done', writes: k });
} else if (data.mode === 'twice') {
  let f = 0;
  for (let round = 0; round < 2; round++) {
    let releaseNs = sharedNowNs();
    for (let i = 0; i < data.frames; i++, f++) {
      frame(f, releaseNs);
      releaseNs += data.periodMs * MS;
    }
    const startNs = sharedNowNs();
    hb.beginSlot(f, 1, 2, startNs, startNs + 2 * MS);
    busyUntil(startNs + (data.stuckMs ?? 100) * MS);
    hb.endSlot();
    f++;
  }
  parentPort!.postMessage({ type: 'done' });
} else {
  let releaseNs = sharedNowNs();
  for (let f = 0; f < data.frames; f++) {
    frame(f, releaseNs);
    releaseNs += data.periodMs * MS;
  }
  if (data.mode === 'healthy') {
    parentPort!.postMessage({ type: 'done' });
  } else {
    const startNs = sharedNowNs();
    const deadlineNs = startNs + 2 * MS;
    hb.beginSlot(data.frames, 1, 2, startNs, deadlineNs);
    parentPort!.postMessage({ type: 'spinning', frame: data.frames, deadlineNs });
    for (;;) {}
  }
}
