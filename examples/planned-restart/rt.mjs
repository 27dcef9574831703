/**
 * One generation of the planned-restart example's real-time worker (started by
 * supervisor.mjs). The one example that builds an Executive by hand: its subject is
 * embedding the executive in a loop of your own (a start at a given release time, a stop
 * at a hyperperiod boundary, the state handed over between workers), which the runner
 * (`run`, `startRun`, `hardtick run`) does not do. Every other example uses the runner.
 *
 * 1. Loads the config and the tasks, warms up for `warmupMs` in dry-run mode (the tasks'
 *    `setDryRun(true)`: real code, scratch state) — while the previous generation, if any,
 *    still runs the live loop.
 * 2. Posts `warm` and waits (Atomics.wait on `control[GO]`) for the hand-over message on
 *    `port`: the previous generation's state and the epoch time of its next hyperperiod
 *    boundary (null for the first generation).
 * 3. `loadState(state)`, dry run off, and starts its executive AT that boundary, on the same
 *    release grid (whole hyperperiods later if the hand-over came too late: counted).
 * 4. Runs until `control[STOP]` is set, then stops at the next hyperperiod boundary, calls
 *    `saveState()` and posts it (`handover`) with the epoch time of that boundary at once —
 *    the successor has only the rest of the last frame's slack to take over on time — and
 *    its statistics (`stopped`) after that.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  buildScheduleTable,
  Executive,
  HybridWaiter,
  loadConfig,
  loadTaskFunctions,
  planSchedule,
  SystemClock,
} from 'hardtick';
import { loadState, saveState, setDryRun } from './tasks.mjs';

/** `control` words (Int32). */
export const GO = 0;
export const STOP = 1;

const { configFile, warmupMs, control: controlBuffer, port, generation } = workerData;
const control = new Int32Array(controlBuffer);
const config = await loadConfig(configFile);
const mode = config.modes[0];
const plan = planSchedule(mode, config.limits);
if (!plan.feasible) throw new Error(`mode ${mode.name} is infeasible`);
const table = buildScheduleTable(plan);
const modes = [{ name: mode.name, table, tasks: mode.tasks, ...(await loadTaskFunctions(mode)) }];
const framesPerHyperperiod = table.hyperperiodNs / table.frameNs;
const clock = new SystemClock();
const waiter = new HybridWaiter({ clock });
/** This thread's clock (performance.now() ns) ↔ epoch ms: each isolate has its own origin. */
const toEpochMs = (ns) => performance.timeOrigin + ns / 1e6;
const fromEpochMs = (ms) => (ms - performance.timeOrigin) * 1e6;

// 1. Warm-up in dry-run mode: the old generation still owns the state and the outputs.
setDryRun(true);
const warm = new Executive({ clock, waiter, modes });
warm.start();
warm.runUntil(warm.nextReleaseNs() + warmupMs * 1e6);
setDryRun(false);
port.postMessage({ type: 'warm', generation, warmupFrames: warm.framesRun });

// 2. Wait for the hand-over (the supervisor sets GO after posting it on `port`).
while (Atomics.load(control, GO) === 0) Atomics.wait(control, GO, 0, 100);
const handover = receiveMessageOnPort(port)?.message ?? { state: null, boundaryEpochMs: null };
const receivedEpochMs = performance.timeOrigin + performance.now();

// 3. Take over: the state, then the release grid.
if (handover.state !== null) loadState(handover.state);
const executive = new Executive({ clock, waiter, modes });
let t0 = handover.boundaryEpochMs === null ? undefined : fromEpochMs(handover.boundaryEpochMs);
let skippedHyperperiods = 0;
if (t0 !== undefined) {
  // Too late for that boundary: the next one still free (the grid stays the same).
  const earliest = clock.nowNs() + 200_000;
  if (t0 < earliest) {
    skippedHyperperiods = Math.ceil((earliest - t0) / table.hyperperiodNs);
    t0 += skippedHyperperiods * table.hyperperiodNs;
  }
}
executive.start(t0);
const firstReleaseEpochMs = toEpochMs(executive.nextReleaseNs());
port.postMessage({ type: 'started', generation, firstReleaseEpochMs, skippedHyperperiods, receivedEpochMs });

// 4. Run; on a stop request, stop before the first frame of the next hyperperiod.
for (;;) {
  if (Atomics.load(control, STOP) === 1 && executive.frameIndex % framesPerHyperperiod === 0) break;
  if (!executive.step()) break;
}
const boundaryEpochMs = toEpochMs(executive.nextReleaseNs());
// The state first: the successor's first release is `boundaryEpochMs`, under a frame away.
port.postMessage({
  type: 'handover',
  state: saveState(),
  boundaryEpochMs,
  postedEpochMs: toEpochMs(clock.nowNs()),
});
const snap = executive.snapshot();
port.postMessage({
  type: 'stopped',
  generation,
  boundaryEpochMs,
  frames: snap.frames.count,
  frameIndex: executive.frameIndex,
  framesPerHyperperiod,
  hyperperiodNs: table.hyperperiodNs,
  releases: Object.fromEntries(snap.tasks.map((t) => [t.name, t.releases])),
  runs: Object.fromEntries(snap.tasks.map((t) => [t.name, t.runs])),
  latenessP99Ns: snap.release.latenessNs.p99,
  overruns: snap.frames.overruns,
});
