/**
 * Tasks of the planned-restart example, written for hand-over between RT workers:
 *
 * - Their state lives in one plain object, `live`; `saveState()` returns a structured-clone-
 *   able copy of it (called by the old worker after its last frame) and `loadState(state)`
 *   puts it back (called by the new worker before its first frame).
 * - `setDryRun(true)` points the tasks at a scratch copy, so the new worker can warm up
 *   (run the real task code, so that V8 optimises it) while the old worker still drives the
 *   outputs, without touching the state or the outputs.
 *
 * `count` counts its jobs; `control` integrates a setpoint error: both must continue across
 * a restart exactly where the old worker left them.
 */

/** The state handed over. */
let live = { jobs: 0, controlJobs: 0, integral: 0 };
/** What the tasks touch during a dry run (warm-up). */
let scratch = { jobs: 0, controlJobs: 0, integral: 0 };
let dryRun = false;

const state = () => (dryRun ? scratch : live);

/** Every 10 ms. */
export function count() {
  state().jobs++;
}

/** Every 20 ms: integrates the error of a constant setpoint (a stand-in for a controller). */
export function control() {
  const s = state();
  s.controlJobs++;
  s.integral += (1 - s.integral / 100) * 0.02;
}

/** The state to hand to the next worker (structured-clone-able). */
export function saveState() {
  return { ...live };
}

/** Takes over the previous worker's state (before the first frame). */
export function loadState(saved) {
  live = { ...saved };
}

/** true: the tasks run on a scratch copy (warm-up); false: on the live state. */
export function setDryRun(on) {
  dryRun = on;
  if (on) scratch = { jobs: 0, controlJobs: 0, integral: 0 };
}
