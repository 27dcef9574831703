/**
 * Child side shared by the worker-mode loop probes (worker-alloc-probe.ts,
 * gc-alloc-probe.ts): `runRtWorker` (src/run/loop.ts: warm-up, measured drive,
 * alarm/command polling, statistics records) on this process's main thread, so vitest adds
 * no GC noise. Two allocation-free tasks at a 200 µs frame (`a` every frame, `b` every
 * other), written with the config to a temporary directory; the rings the CLI would create;
 * a 2 s warm-up; and the result the loop reports (frames, GCs, young growth, backends).
 * With `leaseFlipMs` the config has a `lease` (the loop is lease-gated) and a thread of
 * this process plays the keeper, turning the guard between leader and passive that often.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { G_SEQ, G_STATE, LEASE_LEADER, LEASE_PASSIVE } from '../../src/lease/guard.js';
import { SpscRing } from '../../src/memory/spsc-ring.js';
import { runRtWorker } from '../../src/run/loop.js';
import { prepareRun } from '../../src/run/prepare.js';
import {
  AL_SIZE,
  ALARM_RING_CAPACITY,
  CMD_SIZE,
  COMMAND_RING_CAPACITY,
  type RtWorkerMessage,
  STATS_RING_CAPACITY,
  statsRecordSize,
  TR_SIZE,
  traceRingCapacity,
} from '../../src/run/protocol.js';

/** The probes' frame: 200 µs. */
export const PROBE_FRAME_NS = 200_000;

/** What to run. */
export interface RtWorkerProbeSpec {
  /** Measured frames (the duration is frames × 200 µs). */
  readonly frames: number;
  /** Source lines of tasks.mjs; it must export `a` and `b`. */
  readonly tasks: readonly string[];
  /** Extra top-level config keys (e.g. `gc`). @default none */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Statistics record interval (the CLI's is 1 s: smaller stresses the record path). @default 10 ms */
  readonly statsIntervalMs?: number;
  /** `--trace N`: records forwarded through the trace ring. @default 0 (no trace) */
  readonly traceCapacity?: number;
  /** Lease-gated (config `lease`), leading and standby in turn, this many ms each. @default off */
  readonly leaseFlipMs?: number;
}

/**
 * The keeper's side of the guard, in a thread of its own: leader and passive in turn, one
 * seqlocked write each (the layout of src/lease/guard.ts, offsets passed in).
 */
const FLIPPER = `
const { workerData: d } = require('node:worker_threads');
const i32 = new Int32Array(d.buffer);
let seq = Atomics.load(i32, d.seqAt) & ~1;
let leading = false;
setInterval(() => {
  leading = !leading;
  Atomics.store(i32, d.seqAt, seq + 1);
  Atomics.store(i32, d.stateAt, leading ? d.leader : d.passive);
  seq += 2;
  Atomics.store(i32, d.seqAt, seq);
}, d.everyMs);
`;

/** What the loop reported. */
export interface RtWorkerProbeResult {
  readonly frames: number;
  readonly gcEvents: number;
  readonly gcEventsList: unknown;
  /** Young-generation growth over the measured window, bytes. */
  readonly heapDeltaBytes: number;
  /** Whole-heap growth over the window, bytes (code space included). */
  readonly totalHeapDeltaBytes: number;
  readonly clock: string;
  readonly waiter: string;
  readonly lateP99Ns: number;
  readonly alarms: Readonly<Record<string, number>>;
  /** Records waiting in the trace ring at the end (0 without a trace). */
  readonly traceRecords: number;
  /** The GC governance record, null when the config has no `gc`. */
  readonly governance: unknown;
  /** Standby frames (lease-gated runs; else 0). */
  readonly standbyFrames: number;
}

/** Runs the worker-mode loop for `spec.frames` frames after warm-up and reports. */
export async function runRtWorkerProbe(spec: RtWorkerProbeSpec): Promise<RtWorkerProbeResult> {
  const traceCapacity = spec.traceCapacity ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'hardtick-rt-probe-'));
  writeFileSync(join(dir, 'tasks.mjs'), `${spec.tasks.join('\n')}\n`);
  const configFile = join(dir, 'alloc.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      name: 'alloc',
      tasks: [
        { name: 'a', period: '200us', budget: '40us', run: './tasks.mjs#a' },
        { name: 'b', period: '400us', budget: '40us', run: './tasks.mjs#b' },
      ],
      // Timing alarms are expected on a shared machine: they travel through the alarm ring too.
      alarms: { fatal: [] },
      ...(spec.leaseFlipMs === undefined
        ? {}
        : { lease: { etcd: { endpoints: '127.0.0.1:1' }, key: '/probe', ttl: '1s' } }),
      ...spec.config,
    }),
  );
  const trace =
    traceCapacity > 0
      ? SpscRing.create({
          capacity: traceRingCapacity(traceCapacity),
          recordSize: TR_SIZE,
          overflow: 'overwrite',
        })
      : null;
  const messages: RtWorkerMessage[] = [];
  let flipper: Worker | null = null;
  const post = (m: RtWorkerMessage): void => {
    messages.push(m);
    if (m.type === 'ready' && spec.leaseFlipMs !== undefined && m.info.leaseGuard !== null) {
      flipper = new Worker(FLIPPER, {
        eval: true,
        workerData: {
          buffer: m.info.leaseGuard,
          seqAt: G_SEQ,
          stateAt: G_STATE,
          leader: LEASE_LEADER,
          passive: LEASE_PASSIVE,
          everyMs: spec.leaseFlipMs,
        },
      });
    }
  };
  try {
    // Loaded and planned once, as the host does.
    const plan = await prepareRun(configFile);
    await runRtWorker(
      {
        config: plan.config,
        tables: plan.tables,
        // +0.5 frame: the last release lands inside the window.
        durationNs: spec.frames * PROBE_FRAME_NS + PROBE_FRAME_NS / 2,
        warmupNs: 2_000_000_000,
        marginNs: -1,
        statsIntervalNs: (spec.statsIntervalMs ?? 10) * 1e6,
        stopFlag: new SharedArrayBuffer(4),
        alarmRing: SpscRing.create({ capacity: ALARM_RING_CAPACITY, recordSize: AL_SIZE }).buffer,
        statsRing: SpscRing.create({
          capacity: STATS_RING_CAPACITY,
          recordSize: statsRecordSize(2),
          overflow: 'overwrite',
        }).buffer,
        commandRing: SpscRing.create({ capacity: COMMAND_RING_CAPACITY, recordSize: CMD_SIZE }).buffer,
        traceCapacity,
        traceRing: trace?.buffer ?? null,
      },
      { postMessage: post },
    );
  } finally {
    await (flipper as Worker | null)?.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
  const done = messages.find((m) => m.type === 'done');
  const ready = messages.find((m) => m.type === 'ready');
  if (done?.type !== 'done' || ready?.type !== 'ready') {
    throw new Error(`no done/ready message: ${JSON.stringify(messages.map((m) => m.type))}`);
  }
  return {
    frames: done.snapshot.frames.count,
    gcEvents: done.gc.count,
    gcEventsList: done.gc.events,
    // Young-generation growth (no GC in the window ⇒ what the loop allocated); the whole
    // heap also counts code a late recompile adds, which is not the loop's allocation.
    heapDeltaBytes: done.heap.youngAfterBytes - done.heap.youngBeforeBytes,
    totalHeapDeltaBytes: done.heap.afterBytes - done.heap.beforeBytes,
    clock: ready.info.clock,
    waiter: ready.info.waiter,
    lateP99Ns: done.snapshot.release.latenessNs.p99,
    alarms: done.snapshot.alarms,
    traceRecords:
      trace === null ? 0 : trace.drain(new Float64Array(trace.capacity * TR_SIZE), trace.capacity),
    governance: done.gc.governance ?? null,
    standbyFrames: done.snapshot.standbyFrames ?? 0,
  };
}
