/**
 * Child process for the watchdog's exit-code tests:
 *
 *   node --import tsx test/helpers/watchdog-exit-child.ts <worker|main|interrupt|syscall> [report-file]
 *
 * Starts a watchdog with `exitCode: 75` and the test fail-safe, then gets stuck:
 * - `worker`: the spinning RT loop runs in a worker (the main thread stays free, so the
 *   process exits with 75);
 * - `main`: the main thread spins itself, no `interruptMain` (it never reads the exit
 *   request, so the watchdog sends SIGKILL);
 * - `interrupt`: the main thread spins, `interruptMain` + `beforeExit`: the watchdog
 *   interrupts it, `beforeExit` writes `report-file` (`{ task, ordinal, code, mainThread, detectedNs, atNs }`)
 *   and the process exits with 75;
 * - `syscall`: as `interrupt`, but the main thread is blocked in a synchronous child
 *   process (`sleep 20`: no interrupt check), so the watchdog writes its fallback report to
 *   `report-file` and sends SIGKILL.
 * Prints `spinning` before it gets stuck.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { Heartbeat, sharedNowNs } from '../../src/watchdog/heartbeat.js';
import { startWatchdog, WATCHDOG_EXIT_CODE } from '../../src/watchdog/watchdog.js';
import { startTsWorker } from './memory-ts-worker.js';

const where = process.argv[2] ?? 'worker';
const reportFile = process.argv[3];
const hb = Heartbeat.create({ taskNames: ['sense', 'control', 'actuate'] });
const outputs = new SharedArrayBuffer(64);
const interrupting = where === 'interrupt' || where === 'syscall';
const watchdog = startWatchdog({
  heartbeat: hb.buffer,
  graceNs: 20e6,
  exitCode: WATCHDOG_EXIT_CODE,
  killAfterNs: 300e6,
  failSafe: { file: new URL('./watchdog-failsafe.ts', import.meta.url).href },
  failSafeData: { outputs },
  ...(interrupting
    ? {
        interruptMain: true,
        beforeExit: (event, code) =>
          writeFileSync(
            reportFile!,
            JSON.stringify({
              task: event.taskName,
              ordinal: event.ordinal,
              code,
              mainThread: isMainThread,
              detectedNs: event.detectedNs,
              atNs: sharedNowNs(),
            }),
          ),
        fallbackReport: { file: reportFile!, fields: { config: { name: 'exit-child' } } },
      }
    : {}),
});
await watchdog.ready;
// CLOCK_MONOTONIC ns (shared with the parent process) when it gets stuck.
process.stdout.write(`spinning ${sharedNowNs()}\n`);
if (where === 'worker') {
  startTsWorker(new URL('./watchdog-rt-worker.ts', import.meta.url), {
    workerData: { heartbeat: hb.buffer, mode: 'stuck', periodMs: 5, frames: 3 },
  });
} else {
  const startNs = sharedNowNs();
  hb.beginSlot(0, 0, 1, startNs, startNs + 2e6);
  if (where === 'syscall') execFileSync('sleep', ['20']);
  for (;;) {}
}
