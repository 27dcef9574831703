#!/usr/bin/env node
/**
 * hardtick planned-restart example: `node examples/planned-restart/supervisor.mjs [restarts]
 * [restartEveryMs]` (after `npm run build`). Runs the tasks of hardtick.json in a real-time
 * worker (rt.mjs) and replaces that worker every `restartEveryMs` (of live running) with a
 * fresh one, `restarts` times, handing over the tasks' state, without losing a release:
 *
 *   new worker starts and warms up in dry-run ── while the old one runs the live loop
 *   old worker: stop requested → stops at its next hyperperiod boundary → saveState()
 *   new worker: loadState(state) → first release AT that boundary (same release grid)
 *
 * The planned downtime is what the hand-over costs on the release grid: 0 when the new
 * worker starts at the boundary the old one stopped at, else whole hyperperiods (counted).
 * Prints one line per generation and per restart, and returns the same as an object from
 * `runWithPlannedRestarts` (the example's test uses it).
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

const GO = 0;
const STOP = 1;

/**
 * Runs the loop through `restarts` planned restarts, one every `restartEveryMs` of live
 * running (so `restarts + 1` generations).
 * @returns {Promise<{ generations: object[], restarts: object[], finalState: object }>}
 */
export async function runWithPlannedRestarts({
  configFile = fileURLToPath(new URL('./hardtick.json', import.meta.url)),
  restarts: restartCount = 2,
  restartEveryMs = 1000,
  warmupMs = 200,
  log = (line) => console.log(line),
} = {}) {
  const generations = [];
  const restarts = [];
  let generation = 0;

  /** Starts generation n; resolves its handle once it is warm. */
  async function spawn() {
    const n = ++generation;
    const control = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./rt.mjs', import.meta.url), {
      workerData: { configFile, warmupMs, control, port: port2, generation: n },
      transferList: [port2],
    });
    const messages = [];
    const waiters = [];
    port1.on('message', (m) => {
      const i = waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
      else messages.push(m);
    });
    const failed = new Promise((_, reject) => worker.once('error', reject));
    const next = (type) =>
      Promise.race([
        failed,
        new Promise((resolve) => {
          const i = messages.findIndex((m) => m.type === type);
          if (i >= 0) resolve(messages.splice(i, 1)[0]);
          else waiters.push({ type, resolve });
        }),
      ]);
    const ctl = new Int32Array(control);
    const warm = await next('warm');
    return {
      n,
      warm,
      next,
      /** Hands over (state, boundary) and lets the worker go. */
      go(handover) {
        port1.postMessage(handover);
        Atomics.store(ctl, GO, 1);
        Atomics.notify(ctl, GO);
      },
      requestStop() {
        Atomics.store(ctl, STOP, 1);
      },
      async close() {
        port1.close();
        await worker.terminate();
      },
    };
  }

  let current = await spawn();
  current.go({ state: null, boundaryEpochMs: null });
  let started = await current.next('started');
  for (;;) {
    const last = restarts.length === restartCount;
    await new Promise((r) => setTimeout(r, restartEveryMs));
    // Start the successor (it warms up in dry-run while `current` still runs), then stop `current`.
    const successor = last ? null : await spawn();
    current.requestStop();
    // Hand over first: the successor's first release is the old worker's next boundary,
    // a frame's slack away at most. Logging and cleaning up come after.
    const handover = await current.next('handover');
    const forwardedEpochMs = performance.timeOrigin + performance.now();
    successor?.go({ state: handover.state, boundaryEpochMs: handover.boundaryEpochMs });
    const stopped = { ...(await current.next('stopped')), state: handover.state };
    generations.push({ ...stopped, firstReleaseEpochMs: started.firstReleaseEpochMs });
    log(
      `generation ${stopped.generation}: ${stopped.frames} frames, releases ${JSON.stringify(stopped.releases)}, ` +
        `stopped at frame ${stopped.frameIndex} (a hyperperiod boundary: ${stopped.frameIndex % stopped.framesPerHyperperiod === 0}), ` +
        `state ${JSON.stringify(stopped.state)}`,
    );
    await current.close();
    if (successor === null) return { generations, restarts, finalState: stopped.state };
    started = await successor.next('started');
    const restart = {
      from: stopped.generation,
      to: successor.n,
      boundaryEpochMs: stopped.boundaryEpochMs,
      firstReleaseEpochMs: started.firstReleaseEpochMs,
      skippedHyperperiods: started.skippedHyperperiods,
      /** Releases lost to the restart: whole hyperperiods skipped (0: none). */
      downtimeNs: started.skippedHyperperiods * stopped.hyperperiodNs,
      successorWarmupFrames: successor.warm.warmupFrames,
      /** Hand-over latency, ms: old worker posted → supervisor forwarded → successor received. */
      handoverMs: {
        toSupervisor: forwardedEpochMs - handover.postedEpochMs,
        toSuccessor: started.receivedEpochMs - forwardedEpochMs,
        slackBeforeBoundary: handover.boundaryEpochMs - handover.postedEpochMs,
      },
    };
    restarts.push(restart);
    log(
      `restart ${restart.from} → ${restart.to}: first release ${(restart.firstReleaseEpochMs - restart.boundaryEpochMs).toFixed(3)} ms ` +
        `after the old worker's next boundary, planned downtime ${(restart.downtimeNs / 1e6).toFixed(0)} ms ` +
        `(${restart.skippedHyperperiods} hyperperiod(s) skipped; hand-over ${restart.handoverMs.toSupervisor.toFixed(2)} + ` +
        `${restart.handoverMs.toSuccessor.toFixed(2)} ms against ${restart.handoverMs.slackBeforeBoundary.toFixed(2)} ms of slack)`,
    );
    current = successor;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const restarts = Number(process.argv[2] ?? 2);
  const restartEveryMs = Number(process.argv[3] ?? 1000);
  const result = await runWithPlannedRestarts({ restarts, restartEveryMs });
  console.log(`final state: ${JSON.stringify(result.finalState)}`);
}
