/**
 * hardtick channels example, real-time side: a 1 kHz task reads a simulated sensor
 * (2.0 + a 5 Hz sine of amplitude 1 + seeded noise), low-pass filters it and writes
 * [sample index, raw, filtered] to the 'samples' channel. The main side may change the
 * filter coefficient through the 'filter' channel ([alpha], 0 < alpha ≤ 1).
 *
 * Channels are opened here, at module top level (setup: that allocates the rings). The task
 * function itself allocates nothing: module-level typed arrays, `tryPush`/`tryPop` only.
 * A full 'samples' ring drops the newest records and counts them (the main side sees the
 * count in `hub.lost('samples')`). During the runner's warm-up (`ctx.phase === 'warmup'`)
 * the task runs its code but publishes nothing: the main side sees measured samples only.
 */
import { openChannel } from 'hardtick/worker';

/** Sampling period, s. Must equal the task's period in hardtick.json. */
export const DT_S = 0.001;
/** Fields of a 'samples' record, in order. */
export const SAMPLE_FIELDS = ['index', 'raw', 'filtered'];

const samples = openChannel('samples', { recordSize: 3, capacity: 1024, direction: 'to-main' });
const filter = openChannel('filter', { recordSize: 1, capacity: 4, direction: 'from-main' });

const OFFSET = 2;
const AMPLITUDE = 1;
const FREQUENCY_HZ = 5;
const NOISE = 0.2;

// Mutable state, preallocated: [sample index, filtered value, alpha].
const state = Float64Array.of(0, OFFSET, 0.1);
const S_INDEX = 0;
const S_FILTERED = 1;
const S_ALPHA = 2;
/** xorshift32 state: one Uint32 cell, so the update never allocates. */
const rng = Uint32Array.of(0x2545f491);
const out = new Float64Array(3);
const cmd = new Float64Array(1);

function uniform() {
  let x = rng[0];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng[0] = x;
  return rng[0] / 4294967296;
}

/** 1 kHz: sample, filter, publish (while measuring). */
export function sample(ctx) {
  if (filter.tryPop(cmd, 0) && cmd[0] > 0 && cmd[0] <= 1) state[S_ALPHA] = cmd[0];
  const i = state[S_INDEX];
  const raw =
    OFFSET + AMPLITUDE * Math.sin(2 * Math.PI * FREQUENCY_HZ * i * DT_S) + NOISE * (uniform() - 0.5);
  const filtered = state[S_FILTERED] + state[S_ALPHA] * (raw - state[S_FILTERED]);
  state[S_FILTERED] = filtered;
  if (ctx.phase !== 'measure') return;
  state[S_INDEX] = i + 1;
  out[0] = i;
  out[1] = raw;
  out[2] = filtered;
  samples.tryPush(out, 0);
}
