/**
 * hardtick channels example: a minimal real-time worker built on the public API (what
 * `hardtick run` does, without its reporting). Loads the config and its task modules in
 * this thread — which opens their channels — posts the channel list, then runs the
 * executive until `durationMs` has passed or the main thread sets the stop flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  buildScheduleTable,
  Executive,
  HybridWaiter,
  loadConfig,
  loadTaskFunctions,
  planSchedule,
  SystemClock,
} from 'hardtick';
import { listChannels } from 'hardtick/worker';

const { configFile, durationMs, stopFlag } = workerData;
const config = await loadConfig(configFile);
const modes = [];
for (const mode of config.modes) {
  const plan = planSchedule(mode, config.limits);
  if (!plan.feasible) throw new Error(`mode ${mode.name} is infeasible`);
  const fns = await loadTaskFunctions(mode);
  modes.push({ name: mode.name, table: buildScheduleTable(plan), tasks: mode.tasks, ...fns });
}
// The task modules are loaded: every channel they opened at top level is registered.
parentPort.postMessage({ type: 'channels', channels: listChannels() });

const clock = new SystemClock();
const executive = new Executive({
  clock,
  waiter: new HybridWaiter({ clock }),
  modes,
  stopFlag: new Int32Array(stopFlag),
});
executive.start();
const endNs = executive.nextReleaseNs() + durationMs * 1e6;
while (!executive.stopped && executive.nextReleaseNs() < endNs) executive.step();
parentPort.postMessage({ type: 'done', frames: executive.framesRun });
