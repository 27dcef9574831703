/**
 * Example: budget enforcement by isolation (see isolation.json and docs/watchdog-and-pauses.md,
 * "Isolated tasks").
 *
 * `planner` runs in its own worker (`isolate: true`). Like a solver that sometimes never
 * converges, it loops forever on the 10th release its worker serves. The executive gives
 * the release up at budget + isolateGrace (alarm `killed`, policy `skip-next`), the
 * supervisor terminates the worker and starts a fresh one (whose count starts again), and
 * meanwhile `sense` and `control` keep their deadlines in the loop thread.
 */
let plannerCalls = 0;
const samples = new Float64Array(8);

/** A short periodic sample (stands in for reading a sensor). */
export function sense(ctx) {
  samples[ctx.jobIndex & 7] = ctx.releaseNs;
}

/** A little arithmetic standing in for a control law. */
export function control(ctx) {
  let x = ctx.jobIndex;
  for (let i = 0; i < 200; i++) x = (x * 31 + i) % 1009;
  if (x < 0) throw new Error('unreachable');
}

/** Some work, and on its worker's 10th release a loop that never ends. */
export function planner(ctx) {
  plannerCalls++;
  if (plannerCalls === 10) for (;;) {}
  const end = ctx.sliceStartNs + ctx.budgetNs / 10;
  while (ctx.clock.nowNs() < end) {}
}
