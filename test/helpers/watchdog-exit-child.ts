/**
 * Child process for the watchdog's exit-code test:
 *
 *   node --import tsx test/helpers/watchdog-exit-child.ts <worker|main>
 *
 * Starts a watchdog with `exitCode: 75` and the test fail-safe, then gets stuck: `worker`
 * runs the spinning RT loop in a worker (the main thread stays free, so the process exits
 * with 75); `main` spins on the main thread itself (the main thread never reads the exit
 * request, so the watchdog sends SIGKILL). Prints `spinning` before it spins; the fail-safe
 * writes into `outputs`, which this process prints nowhere (the watchdog's stderr line is
 * the evidence the parent reads).
 */
import { Heartbeat, sharedNowNs } from '../../src/watchdog/heartbeat.js';
import { startWatchdog, WATCHDOG_EXIT_CODE } from '../../src/watchdog/watchdog.js';
import { startTsWorker } from './memory-ts-worker.js';

const where = process.argv[2] ?? 'worker';
const hb = Heartbeat.create({ taskNames: ['sense', 'control', 'actuate'] });
const outputs = new SharedArrayBuffer(64);
const watchdog = startWatchdog({
  heartbeat: hb.buffer,
  graceNs: 20e6,
  exitCode: WATCHDOG_EXIT_CODE,
  killAfterNs: 300e6,
  failSafe: { file: new URL('./watchdog-failsafe.ts', import.meta.url).href },
  failSafeData: { outputs },
});
await watchdog.ready;
process.stdout.write('spinning\n');
if (where === 'worker') {
  startTsWorker(new URL('./watchdog-rt-worker.ts', import.meta.url), {
    workerData: { heartbeat: hb.buffer, mode: 'stuck', periodMs: 5, frames: 3 },
  });
} else {
  const startNs = sharedNowNs();
  hb.beginSlot(0, 0, 1, startNs, startNs + 2e6);
  for (;;) {}
}
