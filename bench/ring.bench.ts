/**
 * Ring benchmark (issue 4, item 6c): SpscRing across two threads vs `postMessage`.
 *
 *   npx tsx bench/ring.bench.ts [--trials 5] [--json]
 *
 * Part 1, throughput (records/s), 4-field records, producer in a worker, consumer on the
 * main thread; median of `--trials` trials, variants interleaved (the machine is noisy):
 * - `SpscRing tryPush → drain`: capacity 4096, drop-newest; the producer spins on
 *   `freeSlots()` while the ring is full (backpressure), so every record arrives; the consumer
 *   spins on `drain(batch, 256)` and checks the order.
 * - `SpscRing claim/publish → tryPop`: the zero-copy producer path, one pop per record.
 * - `postMessage(Float64Array(4))`: one structured-clone message per record (the worker
 *   reuses one array; each message copies it), counted by a 'message' listener.
 * - `postMessage({ seq, a, b, c })`: the same with a small object per record.
 * Time runs from the main thread's go signal (a shared word the worker spins on) to the last
 * record's arrival.
 *
 * Part 2, latency (µs), median over trials of each trial's p50 / p99:
 * - `SpscRing one-way`: the worker sleeps ~0.1 ms (`Atomics.wait`), then writes
 *   `process.hrtime.bigint()` (CLOCK_MONOTONIC, the same clock in both threads) into a record;
 *   the main thread spins on `tryPop` and subtracts. Includes one clock read (~50–100 ns).
 * - `SpscRing round trip / 2`: ping over one ring, pong over another, both sides spinning.
 * - `postMessage round trip / 2`: main posts, the worker echoes, main awaits the reply.
 * - `postMessage one-way`: the worker posts a timestamp after each ~0.1 ms sleep; main
 *   subtracts on arrival (its event loop idle in between).
 *
 * Part 3, one thread (tinybench, p50 of 1000-record iterations, ns per record, bytes per
 * record after warm-up): Ring and SpscRing push+pop vs an Array queue of fresh 4-element
 * arrays (push/shift).
 *
 * Both parts 1–2 keep two threads spinning: on a 2-core machine shared with other jobs,
 * expect noise in p99.
 */

import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Ring, SpscRing } from '../src/memory/index.js';

const FIELDS = 4;
const RING_RECORDS = 5_000_000;
const POST_RECORDS = 200_000;
const LATENCY_SAMPLES = 10_000;
const LATENCY_WARMUP = 1_000;
const RTT_SAMPLES_RING = 20_000;
const RTT_SAMPLES_POST = 5_000;
/** Sleep between one-way latency samples (ms). */
const GAP_MS = 0.1;

/** Control words shared with a worker. */
const CTRL_GO = 0;
const CTRL_STOP = 1;
const CTRL_IDLE = 2;

type Job =
  | { kind: 'ring-throughput'; ring: SharedArrayBuffer; control: SharedArrayBuffer; zeroCopy: boolean }
  | { kind: 'post-throughput'; control: SharedArrayBuffer; payload: 'f64' | 'object' }
  | { kind: 'ring-one-way'; ring: SharedArrayBuffer; control: SharedArrayBuffer }
  | { kind: 'ring-echo'; ping: SharedArrayBuffer; pong: SharedArrayBuffer; control: SharedArrayBuffer }
  | { kind: 'post-echo' }
  | { kind: 'post-one-way'; control: SharedArrayBuffer };

const nowNs = (): number => Number(process.hrtime.bigint());

// ── Worker side ──────────────────────────────────────────────────────────────────────────

/**
 * Pause between latency samples: the producer sleeps (`Atomics.wait` on a word nobody
 * changes), so only the consumer spins and the pair needs one core, not two.
 */
function gap(control: Int32Array): void {
  Atomics.wait(control, CTRL_IDLE, 0, GAP_MS);
}

function waitGo(control: Int32Array): void {
  while (Atomics.load(control, CTRL_GO) === 0) {}
}

function workerMain(job: Job): void {
  const port = parentPort!;
  switch (job.kind) {
    case 'ring-throughput': {
      const ring = SpscRing.attach(job.ring);
      const control = new Int32Array(job.control);
      const stage = new Float64Array(FIELDS);
      const data = ring.data;
      port.postMessage('ready');
      waitGo(control);
      for (let i = 0; i < RING_RECORDS; i++) {
        while (ring.freeSlots() === 0) {} // backpressure: wait for room, drop nothing
        if (job.zeroCopy) {
          const o = ring.claim();
          data[o] = i;
          data[o + 1] = i * 0.5;
          data[o + 2] = i * 0.25;
          data[o + 3] = i + 1;
          ring.publish();
        } else {
          stage[0] = i;
          stage[1] = i * 0.5;
          stage[2] = i * 0.25;
          stage[3] = i + 1;
          ring.tryPush(stage);
        }
      }
      return;
    }
    case 'post-throughput': {
      const control = new Int32Array(job.control);
      const stage = new Float64Array(FIELDS);
      port.postMessage('ready');
      waitGo(control);
      for (let i = 0; i < POST_RECORDS; i++) {
        if (job.payload === 'f64') {
          stage[0] = i;
          stage[1] = i * 0.5;
          stage[2] = i * 0.25;
          stage[3] = i + 1;
          port.postMessage(stage);
        } else port.postMessage({ seq: i, a: i * 0.5, b: i * 0.25, c: i + 1 });
      }
      return;
    }
    case 'ring-one-way': {
      const ring = SpscRing.attach(job.ring);
      const control = new Int32Array(job.control);
      const stage = new Float64Array(FIELDS);
      port.postMessage('ready');
      waitGo(control);
      for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
        gap(control);
        stage[0] = i;
        stage[1] = nowNs();
        ring.tryPush(stage);
      }
      return;
    }
    case 'ring-echo': {
      const ping = SpscRing.attach(job.ping);
      const pong = SpscRing.attach(job.pong);
      const control = new Int32Array(job.control);
      const rec = new Float64Array(FIELDS);
      port.postMessage('ready');
      while (Atomics.load(control, CTRL_STOP) === 0) if (ping.tryPop(rec)) pong.tryPush(rec);
      return;
    }
    case 'post-echo':
      port.on('message', (m: unknown) => {
        if (m === 'stop') port.close();
        else port.postMessage(m);
      });
      port.postMessage('ready');
      return;
    case 'post-one-way': {
      const control = new Int32Array(job.control);
      port.postMessage('ready');
      waitGo(control);
      for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
        gap(control);
        port.postMessage(nowNs());
      }
      return;
    }
  }
}

// ── Main side ────────────────────────────────────────────────────────────────────────────

const TSX_API = import.meta.resolve('tsx/esm/api');

interface Started {
  worker: Worker;
  /** Resolves when the worker exits (listened to from the start, so no exit is missed). */
  exited: Promise<void>;
}

/** A worker running this file (tsx registered first: Node 20 ignores `--import tsx` there). */
function startWorker(job: Job): Promise<Started> {
  const code =
    `import(${JSON.stringify(TSX_API)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(code, { eval: true, workerData: job });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m) =>
      m === 'ready' ? resolve({ worker, exited }) : reject(new Error(String(m))),
    );
  });
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function ringThroughput(zeroCopy: boolean): Promise<number> {
  const ring = SpscRing.create({ capacity: 4096, recordSize: FIELDS });
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { exited } = await startWorker({
    kind: 'ring-throughput',
    ring: ring.buffer,
    control: control.buffer as SharedArrayBuffer,
    zeroCopy,
  });
  const batch = new Float64Array(256 * FIELDS);
  let received = 0;
  let disorder = 0;
  const t0 = performance.now();
  Atomics.store(control, CTRL_GO, 1);
  if (zeroCopy) {
    while (received < RING_RECORDS)
      if (ring.tryPop(batch)) {
        if (batch[0] !== received) disorder++;
        received++;
      }
  } else {
    while (received < RING_RECORDS) {
      const k = ring.drain(batch, 256);
      for (let i = 0; i < k; i++) if (batch[i * FIELDS] !== received + i) disorder++;
      received += k;
    }
  }
  const t1 = performance.now();
  await exited;
  if (disorder > 0 || ring.lost() !== 0)
    throw new Error(`ring throughput: ${disorder} records out of order, ${ring.lost()} lost`);
  return RING_RECORDS / ((t1 - t0) / 1000);
}

async function postThroughput(payload: 'f64' | 'object'): Promise<number> {
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { worker, exited } = await startWorker({
    kind: 'post-throughput',
    control: control.buffer as SharedArrayBuffer,
    payload,
  });
  let received = 0;
  let disorder = 0;
  const t0 = performance.now();
  const done = new Promise<number>((resolve) => {
    worker.on('message', (m: Float64Array | { seq: number }) => {
      const seq = m instanceof Float64Array ? m[0] : m.seq;
      if (seq !== received) disorder++;
      if (++received === POST_RECORDS) resolve(performance.now());
    });
  });
  Atomics.store(control, CTRL_GO, 1);
  const t1 = await done;
  await exited;
  if (disorder > 0) throw new Error(`postMessage throughput: ${disorder} records out of order`);
  return POST_RECORDS / ((t1 - t0) / 1000);
}

interface Latency {
  p50Us: number;
  p99Us: number;
}

function summarise(samplesNs: Float64Array): Latency {
  samplesNs.sort();
  return { p50Us: percentile(samplesNs, 0.5) / 1000, p99Us: percentile(samplesNs, 0.99) / 1000 };
}

async function ringOneWay(): Promise<Latency> {
  const ring = SpscRing.create({ capacity: 1024, recordSize: FIELDS });
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { exited } = await startWorker({
    kind: 'ring-one-way',
    ring: ring.buffer,
    control: control.buffer as SharedArrayBuffer,
  });
  const rec = new Float64Array(FIELDS);
  const samples = new Float64Array(LATENCY_SAMPLES);
  Atomics.store(control, CTRL_GO, 1);
  for (let got = 0; got < LATENCY_WARMUP + LATENCY_SAMPLES; ) {
    if (!ring.tryPop(rec)) continue;
    const lat = nowNs() - rec[1]!;
    if (got >= LATENCY_WARMUP) samples[got - LATENCY_WARMUP] = lat;
    got++;
  }
  await exited;
  return summarise(samples);
}

async function ringRoundTrip(): Promise<Latency> {
  const ping = SpscRing.create({ capacity: 16, recordSize: FIELDS });
  const pong = SpscRing.create({ capacity: 16, recordSize: FIELDS });
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { exited } = await startWorker({
    kind: 'ring-echo',
    ping: ping.buffer,
    pong: pong.buffer,
    control: control.buffer as SharedArrayBuffer,
  });
  const rec = new Float64Array(FIELDS);
  const samples = new Float64Array(RTT_SAMPLES_RING);
  for (let i = 0; i < LATENCY_WARMUP + RTT_SAMPLES_RING; i++) {
    rec[0] = i;
    const t0 = nowNs();
    ping.tryPush(rec);
    while (!pong.tryPop(rec)) {}
    const rtt = nowNs() - t0;
    if (i >= LATENCY_WARMUP) samples[i - LATENCY_WARMUP] = rtt / 2;
  }
  Atomics.store(control, CTRL_STOP, 1);
  await exited;
  return summarise(samples);
}

async function postRoundTrip(): Promise<Latency> {
  const { worker, exited } = await startWorker({ kind: 'post-echo' });
  const samples = new Float64Array(RTT_SAMPLES_POST);
  let pending: (() => void) | null = null;
  worker.on('message', () => pending?.());
  for (let i = 0; i < LATENCY_WARMUP + RTT_SAMPLES_POST; i++) {
    const reply = new Promise<void>((resolve) => {
      pending = resolve;
    });
    const t0 = nowNs();
    worker.postMessage(i);
    await reply;
    const rtt = nowNs() - t0;
    if (i >= LATENCY_WARMUP) samples[i - LATENCY_WARMUP] = rtt / 2;
  }
  worker.postMessage('stop');
  await exited;
  return summarise(samples);
}

async function postOneWay(): Promise<Latency> {
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { worker, exited } = await startWorker({
    kind: 'post-one-way',
    control: control.buffer as SharedArrayBuffer,
  });
  const samples = new Float64Array(LATENCY_SAMPLES);
  let got = 0;
  const done = new Promise<void>((resolve) => {
    worker.on('message', (sentNs: number) => {
      const lat = nowNs() - sentNs;
      if (got >= LATENCY_WARMUP) samples[got - LATENCY_WARMUP] = lat;
      if (++got === LATENCY_WARMUP + LATENCY_SAMPLES) resolve();
    });
  });
  Atomics.store(control, CTRL_GO, 1);
  await done;
  await exited;
  return summarise(samples);
}

/** Part 3: one thread, tinybench. */
async function singleThread(): Promise<{ name: string; nsPerRecord: number; bytesPerRecord: number }[]> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const N = 1000;
  const sink = new Float64Array(1);
  const ring = new Ring({ capacity: 1024, recordSize: FIELDS });
  const spsc = SpscRing.create({ capacity: 1024, recordSize: FIELDS });
  const stage = new Float64Array(FIELDS);
  const out = new Float64Array(FIELDS);
  const variants: [string, () => void][] = [
    [
      'Ring tryPush + tryPop',
      () => {
        for (let i = 0; i < N; i++) {
          stage[0] = i;
          ring.tryPush(stage);
        }
        while (ring.tryPop(out)) sink[0] = sink[0]! + out[0]!;
      },
    ],
    [
      'SpscRing tryPush + tryPop (one thread)',
      () => {
        for (let i = 0; i < N; i++) {
          stage[0] = i;
          spsc.tryPush(stage);
        }
        while (spsc.tryPop(out)) sink[0] = sink[0]! + out[0]!;
      },
    ],
    [
      'Array queue push + shift (new array per record)',
      (() => {
        const q: number[][] = [];
        return () => {
          for (let i = 0; i < N; i++) q.push([i, i * 0.5, i * 0.25, i + 1]);
          for (let r = q.shift(); r !== undefined; r = q.shift()) sink[0] = sink[0]! + r[0]!;
        };
      })(),
    ],
  ];
  const bytes: Record<string, number> = {};
  for (const [name, fn] of variants) {
    for (let i = 0; i < 2000; i++) fn();
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 5; k++) {
      gc();
      const h0 = process.memoryUsage().heapUsed;
      for (let i = 0; i < 20; i++) fn();
      best = Math.min(best, process.memoryUsage().heapUsed - h0);
    }
    bytes[name] = Math.max(0, best / (20 * N));
  }
  const bench = new Bench({ time: 1000, warmupTime: 300 });
  for (const [name, fn] of variants) bench.add(name, fn);
  await bench.run();
  return variants.map(([name]) => {
    const r = bench.tasks.find((t) => t.name === name)!.result;
    return {
      name,
      nsPerRecord: 'latency' in r ? (r.latency.p50 * 1e6) / N : Number.NaN,
      bytesPerRecord: bytes[name]!,
    };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { trials: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
  });
  const trials = Number(values.trials);
  const throughput: Record<string, () => Promise<number>> = {
    'SpscRing tryPush → drain': () => ringThroughput(false),
    'SpscRing claim/publish → tryPop': () => ringThroughput(true),
    'postMessage(Float64Array(4))': () => postThroughput('f64'),
    'postMessage({ seq, a, b, c })': () => postThroughput('object'),
  };
  const latency: Record<string, () => Promise<Latency>> = {
    'SpscRing one-way (spinning consumer)': ringOneWay,
    'SpscRing round trip / 2': ringRoundTrip,
    'postMessage round trip / 2': postRoundTrip,
    'postMessage one-way': postOneWay,
  };
  const tp: Record<string, number[]> = {};
  const lat: Record<string, Latency[]> = {};
  for (let t = 0; t < trials; t++) {
    // Interleaved, order rotated each trial.
    const tNames = Object.keys(throughput);
    for (let k = 0; k < tNames.length; k++) {
      const name = tNames[(k + t) % tNames.length]!;
      (tp[name] ??= []).push(await throughput[name]!());
    }
    const lNames = Object.keys(latency);
    for (let k = 0; k < lNames.length; k++) {
      const name = lNames[(k + t) % lNames.length]!;
      (lat[name] ??= []).push(await latency[name]!());
    }
    process.stderr.write(`ring.bench: trial ${t + 1}/${trials} done\n`);
  }
  const one = await singleThread();

  const tpMedian = Object.fromEntries(Object.entries(tp).map(([k, v]) => [k, median(v)]));
  const latMedian = Object.fromEntries(
    Object.entries(lat).map(([k, v]) => [
      k,
      { p50Us: median(v.map((x) => x.p50Us)), p99Us: median(v.map((x) => x.p99Us)) },
    ]),
  );
  if (values.json) {
    console.log(
      JSON.stringify({ node: process.version, trials, tp, lat, tpMedian, latMedian, one }, null, 2),
    );
    return;
  }
  const ringTp = tpMedian['SpscRing tryPush → drain']!;
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; ${FIELDS}-field records; median of ${trials} trials\n`,
  );
  console.log('Throughput (records/s), ratio = SpscRing tryPush → drain / this');
  console.table(
    Object.entries(tpMedian).map(([name, rps]) => ({
      variant: name,
      'records/s': Math.round(rps),
      'M records/s': Number((rps / 1e6).toFixed(2)),
      ratio: Number((ringTp / rps).toFixed(1)),
    })),
  );
  // Ratios against the matching SpscRing figure: one-way rows against SpscRing one-way,
  // round-trip rows against SpscRing round trip / 2.
  const ringOneWayLat = latMedian['SpscRing one-way (spinning consumer)']!;
  const ringRttLat = latMedian['SpscRing round trip / 2']!;
  console.log(
    'Latency (µs), ratio = this / the SpscRing figure of the same kind (one-way or round trip / 2)',
  );
  console.table(
    Object.entries(latMedian).map(([name, l]) => {
      const ref = name.includes('round trip') ? ringRttLat : ringOneWayLat;
      return {
        variant: name,
        'p50 µs': Number(l.p50Us.toFixed(2)),
        'p99 µs': Number(l.p99Us.toFixed(2)),
        'p50 ratio': Number((l.p50Us / ref.p50Us).toFixed(1)),
        'p99 ratio': Number((l.p99Us / ref.p99Us).toFixed(1)),
      };
    }),
  );
  console.log('One thread (tinybench p50), ratio = this / Ring');
  const ringNs = one[0]!.nsPerRecord;
  console.table(
    one.map((o) => ({
      variant: o.name,
      'ns/record': Number(o.nsPerRecord.toFixed(1)),
      'B/record': Number(o.bytesPerRecord.toFixed(1)),
      ratio: Number((o.nsPerRecord / ringNs).toFixed(2)),
    })),
  );
}

if (isMainThread) await main();
else workerMain(workerData as Job);
