/**
 * Worker side of test/memory-spsc-stress.test.ts: one producer or one consumer of an
 * SpscRing, attached from the SharedArrayBuffer alone (as a real second thread would).
 * Started through helpers/memory-ts-worker.ts so it imports the TypeScript sources.
 *
 * Records carry [seq, hash(seq), seq / 2 + 0.25, checksum]; a record with fields from two
 * different writes fails `recordValid`. Both sides vary their speed in phases (seeded), so
 * the ring goes through empty, full and lapped periods; the consumer also sleeps in
 * `waitForData` now and then to exercise the notify path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpscRing } from '../../src/memory/index.js';
import { mulberry32 } from './memory-prng.js';

/** Control words shared by the test and both workers. */
export const CTRL_READY = 0;
export const CTRL_DONE = 1;
export const CTRL_SENT = 2;
export const CTRL_WORDS = 4;

/** Fields per stress record. */
export const STRESS_RECORD = 4;

export interface StressWorkerData {
  role: 'producer' | 'consumer';
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
  records: number;
  seed: number;
}

export interface ProducerResult {
  role: 'producer';
  sent: number;
  refused: number;
  elapsedMs: number;
}

export interface ConsumerResult {
  role: 'consumer';
  received: number;
  lost: number;
  /** Sum over received records of (seq − previous seq − 1), plus the tail after the last. */
  gaps: number;
  duplicatesOrReordered: number;
  torn: number;
  firstProblem: string;
  sizeAfterDrain: number;
  sleeps: number;
  elapsedMs: number;
}

export function hashSeq(seq: number): number {
  return Math.imul(seq, 0x9e3779b1) >>> 0;
}
export function checksum(seq: number, h: number, half: number): number {
  return (seq * 3 + h * 5 + half * 7) % 1_000_000_007;
}
export function recordValid(d: Float64Array, o: number): boolean {
  const seq = d[o]!;
  return (
    Number.isInteger(seq) &&
    d[o + 1] === hashSeq(seq) &&
    d[o + 2] === seq / 2 + 0.25 &&
    d[o + 3] === checksum(seq, d[o + 1]!, d[o + 2]!)
  );
}

let sink = 0;
function spin(iterations: number): void {
  let x = sink;
  for (let i = 0; i < iterations; i++) x = (x * 1664525 + 1013904223) % 4294967296;
  sink = x;
}

function produce(ring: SpscRing, control: Int32Array, records: number, seed: number): ProducerResult {
  const rnd = mulberry32(seed);
  const stage = new Float64Array(STRESS_RECORD);
  const data = ring.data;
  let refused = 0;
  let pause = 0;
  const t0 = performance.now();
  for (let seq = 0; seq < records; seq++) {
    if ((seq & 0x3fff) === 0) pause = rnd.next() < 0.5 ? 0 : rnd.int(40); // new speed phase
    const h = hashSeq(seq);
    const half = seq / 2 + 0.25;
    const sum = checksum(seq, h, half);
    if (seq & 1) {
      // Zero-copy path: fields written straight into the slot.
      const o = ring.claim();
      if (o < 0) refused++;
      else {
        data[o] = seq;
        data[o + 1] = h;
        data[o + 2] = half;
        data[o + 3] = sum;
        ring.publish();
      }
    } else {
      stage[0] = seq;
      stage[1] = h;
      stage[2] = half;
      stage[3] = sum;
      if (!ring.tryPush(stage)) refused++;
    }
    if (pause > 0) spin(pause);
  }
  const elapsedMs = performance.now() - t0;
  Atomics.store(control, CTRL_SENT, records);
  Atomics.store(control, CTRL_DONE, 1);
  return { role: 'producer', sent: records, refused, elapsedMs };
}

function consume(ring: SpscRing, control: Int32Array, seed: number): ConsumerResult {
  const rnd = mulberry32(seed);
  const batch = new Float64Array(STRESS_RECORD * 32);
  const r: ConsumerResult = {
    role: 'consumer',
    received: 0,
    lost: 0,
    gaps: 0,
    duplicatesOrReordered: 0,
    torn: 0,
    firstProblem: '',
    sizeAfterDrain: 0,
    sleeps: 0,
    elapsedMs: 0,
  };
  let last = -1;
  let pause = 0;
  const check = (d: Float64Array, o: number): void => {
    if (!recordValid(d, o)) {
      r.torn++;
      if (r.firstProblem === '') r.firstProblem = `torn record ${Array.from(d.subarray(o, o + 4)).join(',')}`;
      return;
    }
    const seq = d[o]!;
    if (seq <= last) {
      r.duplicatesOrReordered++;
      if (r.firstProblem === '') r.firstProblem = `seq ${seq} after ${last}`;
      return;
    }
    r.gaps += seq - last - 1;
    last = seq;
    r.received++;
    if ((r.received & 0x3fff) === 0) pause = rnd.next() < 0.5 ? 0 : rnd.int(60);
    if (pause > 0) spin(pause);
  };
  const t0 = performance.now();
  let done = false;
  for (;;) {
    const k = rnd.next() < 0.5 ? ring.drain(batch, 1 + rnd.int(32)) : ring.tryPop(batch) ? 1 : 0;
    for (let i = 0; i < k; i++) check(batch, i * STRESS_RECORD);
    if (k > 0) continue;
    if (done) break; // the producer had finished before this empty pop: fully drained
    done = Atomics.load(control, CTRL_DONE) === 1;
    if (!done && rnd.next() < 0.01) {
      r.sleeps++;
      ring.waitForData(1);
    }
  }
  r.elapsedMs = performance.now() - t0;
  r.sizeAfterDrain = ring.size();
  r.lost = ring.lost();
  r.gaps += Atomics.load(control, CTRL_SENT) - 1 - last;
  return r;
}

if (parentPort !== null && workerData !== undefined) {
  const w = workerData as StressWorkerData;
  const ring = SpscRing.attach(w.ring);
  const control = new Int32Array(w.control);
  // Start barrier: both threads begin together, so neither runs its whole part alone.
  Atomics.add(control, CTRL_READY, 1);
  while (Atomics.load(control, CTRL_READY) < 2) {}
  const result =
    w.role === 'producer' ? produce(ring, control, w.records, w.seed) : consume(ring, control, w.seed);
  parentPort.postMessage(result);
}
