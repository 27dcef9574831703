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
 * Stuck events: one per slot (HB_SEQ of its `beginSlot`). While one is open the watchdog
 * polls every `pollNs`; when the heartbeat moves on (the task returned after all) it posts
 * `recovered`, and a later stuck slot raises a new event (its `ordinal` counts them) and
 * runs the fail-safe again: the fail-safe runs once per stuck event.
 *
 * Ending the process from a worker (measured on Node 20, test/watchdog-exit-code.test.ts):
 * `process.exit()`, `process.reallyExit()` and `process.binding('process_methods')
 * .reallyExit()` in a worker end only that worker; a signal ends the process, but then the
 * status is the signal's, not a code. So the worker posts `exit` and the main thread
 * (listening in `startWatchdog`) calls `process.exit(code)`, which also terminates a worker
 * spinning in `for (;;) {}`. If the main thread is itself the stuck RT thread it never
 * reads that message; with `interruptMain` the worker then connects an in-process
 * inspector session to the main thread (`Session.connectToMainThread`) and evaluates the
 * main thread's handler (`Runtime.evaluate`): V8 runs it at the next interrupt check of the
 * spinning code — a loop back edge, a call, or inside `Atomics.wait` — so the main thread
 * runs `beforeExit` (the CLI writes its report there) and `process.exit(code)` while the
 * stuck task is still on its stack (measured: well under a millisecond). A main thread
 * blocked outside JavaScript (a synchronous system call) checks no interrupt: after
 * `killAfterNs` (twice that once the handler has started) the worker writes the fallback
 * report, says on stderr that the process ends by signal, and sends it `SIGKILL`
 * (status: signal SIGKILL, 137 in a shell: no exit code survives a signal).
 */
import { writeFileSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { emptySnapshot, Heartbeat, STATE_RUNNING } from './heartbeat.js';
import {
  CTL_MAIN_ENDING,
  CTL_READY,
  CTL_STOP,
  CTL_WORDS,
  MAIN_ENDING_DONE,
  MAIN_HANDLER_PREFIX,
  type StuckEvent,
  type WatchdogControlMessage,
  type WatchdogMessage,
  type WatchdogWorkerData,
} from './protocol.js';
import type { FailSafeContext, FailSafeFunction } from './watchdog.js';

const NS_PER_MS = 1e6;
type FailSafeMessage = Extract<WatchdogMessage, { type: 'failsafe' }>;
const data = workerData as WatchdogWorkerData;
const port = parentPort!;
const post = (message: WatchdogMessage): void => port.postMessage(message);

/** `node:inspector`'s Session class, loaded at start-up when `interruptMain` (null: unavailable). */
type SessionClass = typeof import('node:inspector').Session;
let InspectorSession: SessionClass | null = null;
let inspectorProblem = 'not loaded';

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

/** The heartbeat buffer, sent by `WatchdogHandle.watch` when the watchdog started without one. */
function heartbeatMessage(): Promise<SharedArrayBuffer> {
  return new Promise((resolve) => {
    const onMessage = (message: WatchdogControlMessage): void => {
      if (message.type !== 'heartbeat') return;
      port.off('message', onMessage);
      resolve(message.buffer);
    };
    port.on('message', onMessage);
  });
}

async function main(): Promise<void> {
  let failSafe: FailSafeFunction | null;
  let hb: Heartbeat;
  try {
    // The fail-safe loads while the heartbeat's writer may still be setting up.
    failSafe = await loadFailSafe();
    hb = Heartbeat.attach(data.heartbeat ?? (await heartbeatMessage()));
  } catch (error) {
    post({ type: 'load_failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  if (data.interruptMain && data.exitCode !== null) {
    // Loaded now, so a stuck event does not wait for a module load (Node may be built without it).
    try {
      InspectorSession = (await import('node:inspector')).Session;
    } catch (error) {
      inspectorProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const ctl = new Int32Array(data.control, 0, CTL_WORDS);
  const snap = emptySnapshot();
  const graceNs = data.graceNs;
  const pollNs = data.pollNs;
  /** HB_SEQ of the slot of the open stuck event (still running), else −1. */
  let openSeq = -1;
  let openDeadlineNs = 0;
  let ordinal = 0;
  /** The open stuck event and its fail-safe result (for an exit at `exitAtNs`). */
  let open: { event: StuckEvent; result: FailSafeMessage | null } | null = null;
  Atomics.store(ctl, CTL_READY, 1);
  post({ type: 'ready' });

  for (;;) {
    let sleepNs = pollNs;
    if (hb.readInto(snap)) {
      if (openSeq !== -1 && snap.seq !== openSeq) {
        // The stuck slot ended after all: the next stuck slot is a new event.
        const seenNs = hb.nowNs();
        post({ type: 'recovered', event: { ordinal, seenNs, overrunNs: seenNs - openDeadlineNs } });
        openSeq = -1;
        open = null;
      }
      if (open !== null && data.exitAtNs !== null && hb.nowNs() >= data.exitAtNs) {
        // Still stuck when the run should have ended.
        endProcess(open.event, open.result, ctl, hb.nowNs() - open.event.deadlineNs);
        return;
      }
      if (openSeq === -1 && snap.state === STATE_RUNNING) {
        const nowNs = hb.nowNs();
        const dueNs = snap.deadlineNs + graceNs;
        if (nowNs > dueNs) {
          openSeq = snap.seq;
          openDeadlineNs = snap.deadlineNs;
          ordinal++;
          const event: StuckEvent = {
            frame: snap.frame,
            slot: snap.slot,
            task: snap.task,
            taskName: hb.taskName(snap.task),
            startNs: snap.startNs,
            deadlineNs: snap.deadlineNs,
            detectedNs: nowNs,
            overrunNs: nowNs - snap.deadlineNs,
            ordinal,
          };
          open = { event, result: await raise(hb, event, failSafe, ctl) };
          continue;
        }
        // Wake just after the slot would become overdue (+1 µs so the check then passes).
        if (dueNs - nowNs + 1000 < sleepNs) sleepNs = dueNs - nowNs + 1000;
      }
    }
    Atomics.wait(ctl, CTL_STOP, 0, sleepNs / NS_PER_MS);
    if (Atomics.load(ctl, CTL_STOP) !== 0) return;
  }
}

async function raise(
  hb: Heartbeat,
  event: StuckEvent,
  failSafe: FailSafeFunction | null,
  ctl: Int32Array,
): Promise<FailSafeMessage | null> {
  hb.countStuck();
  post({ type: 'stuck', event });
  let result: FailSafeMessage | null = null;
  if (failSafe !== null) {
    const t0 = hb.nowNs();
    const context: FailSafeContext = {
      stuck: event,
      data: data.failSafeData,
      params: data.failSafeParams,
      heartbeat: hb,
    };
    try {
      await failSafe(context);
      result = {
        type: 'failsafe',
        ordinal: event.ordinal,
        ok: true,
        error: null,
        durationNs: hb.nowNs() - t0,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        type: 'failsafe',
        ordinal: event.ordinal,
        ok: false,
        error: message,
        durationNs: hb.nowNs() - t0,
      };
    }
    post(result);
  }
  if (data.exitCode === null || data.exitAtNs !== null) return result;
  endProcess(event, result, ctl, event.overrunNs);
  return result;
}

/** Ends the process with the exit code after `event` (see the module note). */
function endProcess(
  event: StuckEvent,
  result: FailSafeMessage | null,
  ctl: Int32Array,
  overrunNs: number,
): void {
  const code = data.exitCode!;
  // The main thread may be the stuck one and never print anything: say it here, on fd 2.
  writeSync(
    2,
    `hardtick watchdog: task "${event.taskName}" (frame ${event.frame}, slot ${event.slot}) still running ` +
      `${(overrunNs / NS_PER_MS).toFixed(1)} ms past its deadline; ending the process with code ${code}\n`,
  );
  post({ type: 'exit', code });
  if (data.interruptMain) interruptMain(event, result);
  const waitMs = data.killAfterNs / NS_PER_MS;
  Atomics.wait(ctl, CTL_STOP, 0, waitMs);
  if (Atomics.load(ctl, CTL_STOP) !== 0) return;
  // The handler started (it is writing the report): give it as long again.
  if (Atomics.load(ctl, CTL_MAIN_ENDING) !== 0) {
    Atomics.wait(ctl, CTL_STOP, 0, waitMs);
    if (Atomics.load(ctl, CTL_STOP) !== 0) return;
  }
  let note = '';
  const fallback = data.fallbackReport;
  if (fallback !== null && Atomics.load(ctl, CTL_MAIN_ENDING) !== MAIN_ENDING_DONE) {
    try {
      const report = {
        schema: 'hardtick.stuck/v1',
        ...fallback.fields,
        stopReason: 'stuck',
        endedBy: 'SIGKILL',
        endedAt: new Date().toISOString(),
        note:
          'The main thread (the stuck one) never ran the watchdog handler, so the full run report could not be built; ' +
          `the watchdog wrote this file and killed the process (status: signal SIGKILL, not exit code ${code}).`,
        stuck: [event],
      };
      writeFileSync(fallback.file, `${JSON.stringify(report, null, 2)}\n`);
      note = `; wrote a minimal report (hardtick.stuck/v1) to ${fallback.file}`;
    } catch (error) {
      note = `; could not write ${fallback.file}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  writeSync(
    2,
    `hardtick watchdog: the main thread did not end the process within ${Math.round(waitMs)} ms ` +
      `(blocked outside JavaScript, e.g. in a system call); sending SIGKILL: the process ends by ` +
      `signal, not with code ${code}${note}\n`,
  );
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Asks the main thread, through an in-process inspector session, to run its end-of-process
 * handler (installed by `startWatchdog`) where it is stuck. Never throws.
 */
function interruptMain(event: StuckEvent, result: FailSafeMessage | null): void {
  const name = MAIN_HANDLER_PREFIX + data.handlerId;
  try {
    if (InspectorSession === null) throw new Error(inspectorProblem);
    const session = new InspectorSession();
    session.connectToMainThread();
    // The stuck thread never read the `stuck`/`failsafe` messages: both travel with the call.
    const expression = `globalThis[${JSON.stringify(name)}]?.(${JSON.stringify(event)}, ${JSON.stringify(result)})`;
    session.post('Runtime.evaluate', { expression }, () => {});
  } catch (error) {
    writeSync(
      2,
      `hardtick watchdog: cannot interrupt the main thread (${error instanceof Error ? error.message : String(error)})\n`,
    );
  }
}

void main();
