/**
 * Entry module of the isolation supervisor: one thread per executive thread, started at
 * setup by registry.ts. It owns every task worker (only a worker's creator can terminate
 * it) and does the two things a real-time thread cannot afford:
 *
 * - `worker.terminate()` of a task the proxy gave up on, as soon as the proxy rings the
 *   doorbell (`SV_BELL`; this thread waits for it with `Atomics.waitAsync`, so its own
 *   event loop stays free to receive the workers' `exit` events);
 * - the respawn: `new Worker()` (1–15 ms of this thread's time), the module load and the
 *   warm-up happen here and in the new worker, never on the executive's thread, which
 *   only sees `C_STATE` become `STATE_READY` again.
 *
 * Timing figures of the last kill of each task go to its data cells (`D_TERMINATE_CALL_NS`,
 * `D_TERMINATE_EXIT_NS`, `D_RESPAWN_NS`, `D_SPAWN_CALL_NS`). Cold code throughout.
 */
import { parentPort, type Worker, workerData } from 'node:worker_threads';
import {
  C_GEN,
  C_SPAWNS,
  C_STATE,
  D_RESPAWN_NS,
  D_SPAWN_CALL_NS,
  D_TERMINATE_CALL_NS,
  D_TERMINATE_EXIT_NS,
  STATE_CLOSED,
  STATE_FAILED,
  STATE_KILLED,
  STATE_STARTING,
  type SupervisorMessage,
  SV_BELL,
  type TaskWorkerData,
} from './protocol.js';
import { startIsolateWorker } from './spawn.js';
import { waitWhileEqual } from './wait-async.js';

/** One supervised task: its buffers and its current worker. */
interface Supervised {
  readonly task: TaskWorkerData;
  readonly ctl: Int32Array;
  readonly cells: Float64Array;
  worker: Worker | null;
  generation: number;
}

if (parentPort === null) throw new Error('supervisor-worker.js must run in a worker thread');
const port = parentPort;
const bell = new Int32Array((workerData as { bell: SharedArrayBuffer }).bell);
const supervised: Supervised[] = [];
let closed = false;

function spawn(s: Supervised): void {
  const t0 = performance.now();
  const worker = startIsolateWorker('task-worker', {
    workerData: { ...s.task, generation: s.generation } satisfies TaskWorkerData,
    name: `hardtick-isolate:${s.task.taskName}`,
  });
  s.cells[D_SPAWN_CALL_NS] = (performance.now() - t0) * 1e6;
  Atomics.add(s.ctl, C_SPAWNS, 1);
  const generation = s.generation;
  // A crash outside the task call (the worker's own code): the task is unavailable until
  // the next kill request; say so through the state, never through an unhandled error.
  worker.on('error', () => {
    if (Atomics.load(s.ctl, C_GEN) === generation && Atomics.load(s.ctl, C_STATE) === STATE_STARTING)
      Atomics.store(s.ctl, C_STATE, STATE_FAILED);
  });
  s.worker = worker;
}

/** Terminates the task's worker and starts the next generation (the proxy asked: `STATE_KILLED`). */
function respawn(s: Supervised): void {
  const noticed = performance.now();
  const old = s.worker;
  if (old !== null) {
    const t0 = performance.now();
    old.once('exit', () => {
      s.cells[D_TERMINATE_EXIT_NS] = (performance.now() - t0) * 1e6;
    });
    void old.terminate();
    s.cells[D_TERMINATE_CALL_NS] = (performance.now() - t0) * 1e6;
  }
  s.generation = Atomics.load(s.ctl, C_GEN);
  if (Atomics.compareExchange(s.ctl, C_STATE, STATE_KILLED, STATE_STARTING) !== STATE_KILLED) return;
  spawn(s);
  void whenReady(s, noticed);
}

/** Records kill-noticed → ready in `D_RESPAWN_NS` once the new worker reports ready. */
async function whenReady(s: Supervised, noticedMs: number): Promise<void> {
  for (;;) {
    const state = Atomics.load(s.ctl, C_STATE);
    if (state !== STATE_STARTING) {
      if (state !== STATE_FAILED && state !== STATE_CLOSED)
        s.cells[D_RESPAWN_NS] = (performance.now() - noticedMs) * 1e6;
      return;
    }
    await waitWhileEqual(s.ctl, C_STATE, STATE_STARTING, 1000);
  }
}

/** Waits for the doorbell and respawns every task whose proxy gave up on it. */
async function watchBell(): Promise<void> {
  let seen = Atomics.load(bell, SV_BELL);
  while (!closed) {
    await waitWhileEqual(bell, SV_BELL, seen);
    seen = Atomics.load(bell, SV_BELL);
    if (closed) return;
    for (const s of supervised) if (Atomics.load(s.ctl, C_STATE) === STATE_KILLED) respawn(s);
  }
}

port.on('message', (message: SupervisorMessage) => {
  if (message.type === 'add') {
    const task = message.task;
    const s: Supervised = {
      task,
      ctl: new Int32Array(task.buffers.control),
      cells: new Float64Array(task.buffers.data),
      worker: null,
      generation: task.generation,
    };
    supervised.push(s);
    spawn(s);
  } else if (message.type === 'close') {
    closed = true;
    Atomics.add(bell, SV_BELL, 1);
    Atomics.notify(bell, SV_BELL);
    for (const s of supervised) {
      Atomics.store(s.ctl, C_STATE, STATE_CLOSED);
      void s.worker?.terminate();
    }
    port.close();
  }
});
void watchBell();
