/**
 * hardtick hot-standby example, real-time side: a 100 Hz task computes an actuator command
 * and emits it — only while this controller holds the lease. Each output carries the
 * lease's fencing token, so the actuator gateway (a FencedSink) can refuse a writer whose
 * term is over even if it got past its own check (a pause between check and write).
 *
 * Records on the 'actuator' channel (to the main thread, which forwards them to the sink):
 * [token, seq, value]. Allocation-free: module-level typed arrays, `tryPush` only.
 *
 * HARDTICK_HOT_STANDBY_UNGUARDED=1 makes the task ignore `ctx.lease.valid()` (a buggy
 * controller that never checks): the demonstration that fencing alone still stops it.
 * During the runner's warm-up (`ctx.phase === 'warmup'`) nothing is emitted: those calls
 * warm the code up, they do not drive the actuator.
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
