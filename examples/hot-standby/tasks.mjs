/**
 * hardtick hot-standby example, real-time side: a 100 Hz task computes an actuator command
 * and emits it with the lease's fencing token. Under the config's `lease` the runner calls
 * it only while this controller leads (a standby's frames run no task); the task still
 * checks `ctx.lease.valid()` right before emitting (the lease must cover this slot, and a
 * pause the loop detected voids it until a fresh renewal), and the token travels with the
 * output so the actuator gateway (a FencedSink) refuses a writer whose term is over even if
 * it got past its own check (a pause between check and write, a command still in flight).
 *
 * Records on the 'actuator' channel (to the main thread, actuator-link.mjs forwards them to
 * the sink): [token, seq, value]. Allocation-free: module-level typed arrays, `tryPush`.
 *
 * HARDTICK_HOT_STANDBY_UNGUARDED=1 makes the task skip the `ctx.lease.valid()` check (a
 * controller that never checks): the runner's gate and the sink's fencing still stop it.
 * During the warm-up (`ctx.phase === 'warmup'`) nothing is emitted: those calls warm the
 * code up (on a standby too, so it takes over with optimised code); `ctx.lease.valid()` is
 * false there anyway, since no process campaigns before it measures.
 */
import { openChannel } from 'hardtick/worker';

const actuator = openChannel('actuator', { recordSize: 3, capacity: 256, direction: 'to-main' });
const UNGUARDED = process.env.HARDTICK_HOT_STANDBY_UNGUARDED === '1';

const out = new Float64Array(3);
const state = new Float64Array(1); // [seq]

/** 100 Hz: compute the command, emit it under the lease. */
export function actuate(ctx) {
  const seq = state[0];
  state[0] = seq + 1;
  if (ctx.phase !== 'measure') return;
  if (!UNGUARDED && !ctx.lease.valid()) return;
  ctx.lease.tokenInto(out, 0);
  out[1] = seq;
  out[2] = Math.sin(seq * 0.01);
  actuator.tryPush(out, 0);
}
