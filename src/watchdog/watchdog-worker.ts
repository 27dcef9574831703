/**
 * The watchdog thread (started by {@link startWatchdog}; not imported by anything else).
 *
 * It loads the fail-safe module first, then loops: sleep on a private control word with
 * `Atomics.wait` (no spinning; `stop()` wakes it at once), read the heartbeat, and if the
 * current slot is still running past `deadline + grace`, raise `stuck` once for that slot:
 * post it to the main thread, run the fail-safe here (the RT thread is still stuck: this
 * thread is the only one that can act), then, when an exit code was given, end the process.
 *
 * The sleep is `min(pollNs, time until deadline + grace)` while a slot runs, so detection
 * latency is the kernel's wake-up latency plus one heartbeat read, not a poll period.
 *
 * Ending the process from a worker (measured on Node 20): `process.exit()` and
 * `process.reallyExit()` in a worker end only that worker; only a signal to the process
 * ends them all, and then the exit status is the signal's, not a code. So the worker posts
 * `exit` and the main thread (listening in `startWatchdog`) calls `process.exit(code)`,
 * which also terminates a worker spinning in `for (;;) {}`. If the main thread is itself
 * the stuck RT thread, it never reads that message: after `killAfterNs` the watchdog sends
 * `SIGKILL` to the process (status: signal SIGKILL, 137 in a shell).
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { emptySnapshot, Heartbeat, STATE_RUNNING } from './heartbeat.js';
import { CTL_READY, CTL_STOP, CTL_WORDS, type WatchdogMessage, type WatchdogWorkerData } from './protocol.js';
import type { FailSafeContext, FailSafeFunction } from './watchdog.js';

const NS_PER_MS = 1e6;
const data = workerData as WatchdogWorkerData;
const port = parentPort!;
const post = (message: WatchdogMessage): void => port.postMessage(message);

async function loadFailSafe(): Promise<FailSafeFunction | null> {
  if (data.failSafeUrl === null) return null;
  const mod = (await import(data.failSafeUrl)) as Record<string, unknown>;
  const fn = mod[data.failSafeExport];
  if (typeof fn !== 'function') {
    throw new Error(
      `fail-safe module ${data.failSafeUrl} has no function export "${data.failSafeExport}" (got ${typeof fn})`,
    );
  }
  return fn as FailSafeFunction;
}

async function main(): Promise<void> {
  let failSafe: FailSafeFunction | null;
  let hb: Heartbeat;
  try {
    hb = Heartbeat.attach(data.heartbeat);
    failSafe = await loadFailSafe();
  } catch (error) {
    post({ type: 'load_failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const ctl = new Int32Array(data.control, 0, CTL_WORDS);
  const snap = emptySnapshot();
  const graceNs = data.graceNs;
  const pollNs = data.pollNs;
  let lastStuckSeq = -1;
  Atomics.store(ctl, CTL_READY, 1);
  post({ type: 'ready' });

  for (;;) {
    let sleepNs = pollNs;
    if (hb.readInto(snap) && snap.state === STATE_RUNNING && snap.seq !== lastStuckSeq) {
      const nowNs = hb.nowNs();
      const dueNs = snap.deadlineNs + graceNs;
      if (nowNs > dueNs) {
        lastStuckSeq = snap.seq;
        await raise(
          hb,
          snap.frame,
          snap.slot,
          snap.task,
          snap.startNs,
          snap.deadlineNs,
          nowNs,
          failSafe,
          ctl,
        );
        continue;
      }
      // Wake just after the slot would become overdue (+1 µs so the check then passes).
      if (dueNs - nowNs + 1000 < sleepNs) sleepNs = dueNs - nowNs + 1000;
    }
    Atomics.wait(ctl, CTL_STOP, 0, sleepNs / NS_PER_MS);
    if (Atomics.load(ctl, CTL_STOP) !== 0) return;
  }
}

async function raise(
  hb: Heartbeat,
  frame: number,
  slot: number,
  task: number,
  startNs: number,
  deadlineNs: number,
  detectedNs: number,
  failSafe: FailSafeFunction | null,
  ctl: Int32Array,
): Promise<void> {
  const event = {
    frame,
    slot,
    task,
    taskName: hb.taskName(task),
    startNs,
    deadlineNs,
    detectedNs,
    overrunNs: detectedNs - deadlineNs,
  };
  hb.countStuck();
  post({ type: 'stuck', event });
  if (failSafe !== null) {
    const t0 = hb.nowNs();
    const context: FailSafeContext = { stuck: event, data: data.failSafeData, heartbeat: hb };
    try {
      await failSafe(context);
      post({ type: 'failsafe', ok: true, error: null, durationNs: hb.nowNs() - t0 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      post({ type: 'failsafe', ok: false, error: message, durationNs: hb.nowNs() - t0 });
    }
  }
  if (data.exitCode === null) return;
  // The main thread may be the stuck one and never write its report: say it here, on fd 2.
  writeSync(
    2,
    `hardtick watchdog: task "${event.taskName}" (frame ${frame}, slot ${slot}) still running ` +
      `${(event.overrunNs / NS_PER_MS).toFixed(1)} ms past its deadline; exiting with code ${data.exitCode}\n`,
  );
  post({ type: 'exit', code: data.exitCode });
  Atomics.wait(ctl, CTL_STOP, 0, data.killAfterNs / NS_PER_MS);
  if (Atomics.load(ctl, CTL_STOP) !== 0) return;
  process.kill(process.pid, 'SIGKILL');
}

void main();
