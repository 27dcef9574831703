/**
 * hardtick hot-standby example, the real-time worker: plans the config, creates the lease
 * guard on this thread (the loop's clock is `performance.now()` here, whose origin is per
 * thread: the guard records it, so the keeper on the main thread can convert), posts the
 * guard and the channel list, and runs the executive until the stop flag is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  buildScheduleTable,
  Executive,
  HybridWaiter,
  LeaseGuard,
  loadConfig,
  loadTaskFunctions,
  planSchedule,
  SystemClock,
} from 'hardtick';
import { listChannels } from 'hardtick/worker';

const { configFile, stopFlag } = workerData;
const config = await loadConfig(configFile);
const modes = [];
for (const mode of config.modes) {
  const plan = planSchedule(mode, config.limits);
  if (!plan.feasible) throw new Error(`mode ${mode.name} is infeasible`);
  const fns = await loadTaskFunctions(mode);
  modes.push({ name: mode.name, table: buildScheduleTable(plan), tasks: mode.tasks, ...fns });
}
const clock = new SystemClock();
const guard = LeaseGuard.create({ clock: 'performance' });
parentPort.postMessage({ type: 'ready', channels: listChannels(), guard: guard.buffer });

const executive = new Executive({
  clock,
  waiter: new HybridWaiter({ clock }),
  modes,
  lease: guard,
  pauseThresholdNs: config.alarms.pauseThresholdNs,
  stopFlag: new Int32Array(stopFlag),
});
executive.start();
while (executive.step()) {
  // The loop never yields: the main thread talks to it through shared memory only.
}
const pauses = executive.snapshot().alarms.pause;
parentPort.postMessage({ type: 'done', frames: executive.framesRun, pauses, denied: guard.deniedCount() });
