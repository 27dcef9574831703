import { mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNative } from '../src/native/binding.js';
import {
  applyRealtime,
  applyRealtimeInThread,
  mergeRealtimeSteps,
  type RealtimeRequest,
  type RealtimeSetup,
  type RealtimeStepResult,
  readCpuDmaLatencyUs,
  realtimeWarning,
} from '../src/realtime/index.js';
import { requires } from './helpers/requirements.js';

const NOTHING: RealtimeRequest = {
  priority: null,
  cpus: null,
  lockMemory: false,
  cpuDmaLatencyUs: null,
  timerSlackNs: null,
  nice: null,
};
const request = (overrides: Partial<RealtimeRequest>): RealtimeRequest => ({ ...NOTHING, ...overrides });
const stepOf = (steps: readonly RealtimeStepResult[], name: RealtimeStepResult['step']) =>
  steps.find((s) => s.step === name)!;

const linux = process.platform === 'linux';
const native = loadNative();

/** This thread's timer slack, read where the kernel keeps it (`/proc/<tid>/timerslack_ns`). */
function ownTimerSlackNs(): number {
  const link = readlinkSync('/proc/thread-self');
  return Number(readFileSync(`/proc/${link.slice(link.lastIndexOf('/') + 1)}/timerslack_ns`, 'utf8'));
}

let setups: RealtimeSetup[] = [];
/** Applies and remembers the setup so afterEach releases it even when an assertion fails. */
function apply(req: RealtimeRequest, options: Parameters<typeof applyRealtime>[1]): RealtimeSetup {
  const setup = applyRealtime(req, options);
  setups.push(setup);
  return setup;
}
afterEach(() => {
  for (const setup of setups) setup.release();
  setups = [];
});

describe('applyRealtime: every step reported, nothing thrown', () => {
  it('reports all six steps in order, not-requested ones as such', () => {
    const setup = apply(NOTHING, { thread: 'main', native: null });
    expect(setup.steps.map((s) => s.step)).toEqual([
      'priority',
      'affinity',
      'lockMemory',
      'cpuDmaLatency',
      'timerSlack',
      'nice',
    ]);
    for (const step of setup.steps) {
      expect(step).toEqual({
        step: step.step,
        requested: null,
        status: 'not-requested',
        reason: null,
        via: null,
        scope: null,
      });
    }
    expect(setup.warnings).toEqual([]);
    expect(setup.throttling).toBeNull();
  });

  it.runIf(linux)('lowers the calling thread timer slack', () => {
    const setup = apply(request({ timerSlackNs: 1 }), { thread: 'main', native: null });
    expect(stepOf(setup.steps, 'timerSlack')).toMatchObject({
      status: 'applied',
      requested: 1,
      reason: null,
      via: 'procfs',
    });
    expect(ownTimerSlackNs()).toBeLessThanOrEqual(1);
  });

  it('a failing timer slack is refused with its reason and a warning line', () => {
    const lines: string[] = [];
    const setup = apply(request({ timerSlackNs: 5 }), {
      thread: 'main',
      native: null,
      warn: (line) => lines.push(line),
      setTimerSlack: () => ({
        applied: false,
        previousNs: null,
        reason: 'cannot write /proc/1/timerslack_ns: EACCES',
        path: '/proc/1/timerslack_ns',
      }),
    });
    expect(stepOf(setup.steps, 'timerSlack')).toMatchObject({
      status: 'refused',
      reason: 'cannot write /proc/1/timerslack_ns: EACCES',
    });
    expect(lines).toEqual([
      'hardtick: realtime.timerSlackNs = 5 refused: cannot write /proc/1/timerslack_ns: EACCES',
    ]);
    expect(setup.warnings).toEqual(lines);
  });

  it.runIf(linux)(
    'holds /dev/cpu_dma_latency at 0 until release, then withdraws it',
    requires('root'),
    () => {
      const before = readCpuDmaLatencyUs();
      expect(before).not.toBeNull();
      const setup = apply(request({ cpuDmaLatencyUs: 0 }), { thread: 'worker', native: null });
      try {
        expect(stepOf(setup.steps, 'cpuDmaLatency')).toMatchObject({
          status: 'applied',
          requested: 0,
          via: '/dev/cpu_dma_latency',
          scope: 'process',
        });
        expect(setup.cpuDmaLatency?.held).toBe(true);
        // Reading the device gives the effective limit: the minimum of all open requests.
        expect(readCpuDmaLatencyUs()).toBe(0);
      } finally {
        setup.release();
      }
      expect(setup.cpuDmaLatency?.held).toBe(false);
      expect(readCpuDmaLatencyUs()).toBe(before);
      setup.release(); // idempotent
    },
  );

  it('never throws on bad device paths: missing is unavailable, unwritable is refused', () => {
    const missing = apply(request({ cpuDmaLatencyUs: 0 }), {
      thread: 'worker',
      native: null,
      cpuDmaLatencyPath: '/nonexistent/cpu_dma_latency',
    });
    expect(stepOf(missing.steps, 'cpuDmaLatency')).toMatchObject({ status: 'unavailable' });
    expect(stepOf(missing.steps, 'cpuDmaLatency').reason).toMatch(
      linux ? /^cannot open \/nonexistent\/cpu_dma_latency: ENOENT/ : /Linux-only/,
    );
    expect(missing.warnings[0]).toMatch(/^hardtick: realtime\.cpuDmaLatency = 0 unavailable: /);
    if (linux) {
      // A directory cannot be opened for writing: the OS refuses.
      const refused = apply(request({ cpuDmaLatencyUs: 0 }), {
        thread: 'worker',
        native: null,
        cpuDmaLatencyPath: '/proc',
      });
      expect(stepOf(refused.steps, 'cpuDmaLatency')).toMatchObject({ status: 'refused' });
      expect(stepOf(refused.steps, 'cpuDmaLatency').reason).toMatch(/^cannot open \/proc: EISDIR/);
      expect(refused.cpuDmaLatency).toBeNull();
    }
  });

  it.runIf(linux)(
    'sets the nice value of the calling thread and restores it on release',
    requires('root'),
    () => {
      const before = os.getPriority(0);
      const setup = apply(request({ nice: -5 }), { thread: 'main', native: null });
      try {
        expect(stepOf(setup.steps, 'nice')).toMatchObject({
          status: 'applied',
          requested: -5,
          via: 'os.setPriority',
          scope: 'main',
        });
        expect(os.getPriority(0)).toBe(-5);
      } finally {
        setup.release();
      }
      expect(os.getPriority(0)).toBe(before);
    },
  );

  it('a nice value the OS refuses is reported with its reason', () => {
    const setPriority = () => {
      throw Object.assign(new Error('EACCES: permission denied, uv_os_setpriority'), { code: 'EACCES' });
    };
    const setup = apply(request({ nice: -20 }), { thread: 'main', native: null, setPriority });
    const step = stepOf(setup.steps, 'nice');
    expect(step.status).toBe('refused');
    expect(step.reason).toBe(
      'os.setPriority(0, -20): EACCES (permission denied) (lowering nice needs root or CAP_SYS_NICE)',
    );
    expect(setup.warnings).toEqual([`hardtick: realtime.nice = -20 refused: ${step.reason}`]);
  });

  it('priority and lockMemory are unavailable without the native addon, with the reason', () => {
    const setup = apply(request({ priority: 80, lockMemory: true }), {
      thread: 'main',
      native: null,
      nativeUnavailableReason: 'disabled by HARDTICK_NATIVE=0',
    });
    expect(stepOf(setup.steps, 'priority')).toEqual({
      step: 'priority',
      requested: 80,
      status: 'unavailable',
      reason: 'native addon unavailable: disabled by HARDTICK_NATIVE=0',
      via: null,
      scope: 'main',
    });
    expect(stepOf(setup.steps, 'lockMemory')).toMatchObject({
      status: 'unavailable',
      requested: true,
      scope: 'process',
    });
    expect(setup.warnings).toEqual([
      'hardtick: realtime.priority = 80 unavailable: native addon unavailable: disabled by HARDTICK_NATIVE=0',
      'hardtick: realtime.lockMemory = true unavailable: native addon unavailable: disabled by HARDTICK_NATIVE=0',
    ]);
  });

  it('affinity without the addon and without taskset is unavailable', () => {
    const setup = apply(request({ cpus: [0] }), { thread: 'main', native: null, useTaskset: false });
    expect(stepOf(setup.steps, 'affinity')).toMatchObject({
      status: 'unavailable',
      requested: [0],
      reason: 'native addon unavailable: disabled by the caller',
    });
  });

  it.runIf(linux)(
    'affinity without the addon falls back to taskset on this thread, and restores it',
    requires('taskset'),
    () => {
      const allowed = () =>
        /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/thread-self/status', 'utf8'))?.[1];
      const before = allowed();
      const setup = apply(request({ cpus: [0] }), { thread: 'main', native: null });
      try {
        const step = stepOf(setup.steps, 'affinity');
        expect(step).toMatchObject({ status: 'applied', via: 'taskset', requested: [0] });
        expect(step.reason).toMatch(/^via taskset on thread \d+ \(native addon unavailable/);
        expect(allowed()).toBe('0');
      } finally {
        setup.release();
      }
      expect(allowed()).toBe(before);
    },
  );

  it(
    'with the addon: SCHED_FIFO and affinity on this thread, reset on release (no spinning meanwhile)',
    requires('native', 'root'),
    () => {
      const binding = native!;
      const affinityBefore = binding.getThreadAffinity();
      const setup = apply(request({ priority: 10, cpus: [0] }), { thread: 'main', native: binding });
      try {
        expect(stepOf(setup.steps, 'priority')).toMatchObject({
          status: 'applied',
          via: 'native',
          scope: 'main',
        });
        expect(stepOf(setup.steps, 'affinity')).toMatchObject({ status: 'applied', via: 'native' });
        expect(binding.getThreadScheduler()).toEqual({ policy: 'fifo', priority: 10 });
        expect(binding.getThreadAffinity()).toEqual([0]);
      } finally {
        setup.release();
      }
      expect(binding.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
      expect(binding.getThreadAffinity()).toEqual(affinityBefore);
    },
  );

  it('a priority the OS rejects is refused with the errno text', requires('native'), () => {
    // A fake binding answering EPERM, as the kernel does for a user without CAP_SYS_NICE.
    const fake = { ...native!, setThreadScheduler: () => 1 };
    const setup = apply(request({ priority: 80 }), { thread: 'main', native: fake });
    expect(stepOf(setup.steps, 'priority')).toMatchObject({ status: 'refused', via: null });
    expect(stepOf(setup.steps, 'priority').reason).toMatch(/^EPERM/);
  });

  it("'worker' applies only the process-wide steps; the thread steps come from the worker", () => {
    const req = request({ priority: 80, cpus: [0], nice: 1, timerSlackNs: 1, cpuDmaLatencyUs: null });
    const setup = apply(req, { thread: 'worker', native: null });
    expect(setup.steps.map((s) => s.step)).toEqual(['lockMemory', 'cpuDmaLatency']);
    const merged = mergeRealtimeSteps(req, setup.steps);
    expect(merged.map((s) => [s.step, s.status])).toEqual([
      ['priority', 'unavailable'],
      ['affinity', 'unavailable'],
      ['lockMemory', 'not-requested'],
      ['cpuDmaLatency', 'not-requested'],
      ['timerSlack', 'unavailable'],
      ['nice', 'unavailable'],
    ]);
    expect(stepOf(merged, 'priority').reason).toBe('not applied: the loop thread did not report it');
  });
});

describe('applyRealtime: RT-throttling check', () => {
  it('runs when priority is requested and the loop timing is given, and warns on a hazard', () => {
    const setup = apply(request({ priority: 80 }), {
      thread: 'worker',
      native: null,
      loop: { frameNs: 1_000_000, spinNsPerFrame: 500_000, loadNsPerFrame: 400_000 },
      throttlingPaths: { runtime: fixture('950000'), period: fixture('1000000') },
    });
    expect(setup.throttling).toMatchObject({ hazard: true, busyShare: 0.9, limitShare: 0.85 });
    expect(setup.warnings[0]).toMatch(/^hardtick: realtime\.priority: RT throttling hazard: /);
  });

  it('is skipped without a priority', () => {
    const setup = apply(request({ nice: null }), {
      thread: 'worker',
      native: null,
      loop: { frameNs: 1_000_000, spinNsPerFrame: 1_000_000 },
    });
    expect(setup.throttling).toBeNull();
  });
});

describe('applyRealtimeInThread: the RT worker applies its own thread steps', () => {
  it.runIf(linux)(
    'nice and timer slack land on the worker thread, not on the main thread',
    requires('root'),
    async () => {
      const niceBefore = os.getPriority(0);
      const tsx = import.meta.resolve('tsx/esm/api');
      const applyUrl = new URL('../src/realtime/apply.ts', import.meta.url).href;
      const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const os = require('node:os');
      const fs = require('node:fs');
      import(${JSON.stringify(tsx)})
        .then(({ register }) => { register(); return import(${JSON.stringify(applyUrl)}); })
        .then((m) => {
          const steps = m.applyRealtimeInThread(workerData.request, { native: null });
          const link = fs.readlinkSync('/proc/thread-self');
          const tid = link.slice(link.lastIndexOf('/') + 1);
          parentPort.postMessage({
            steps,
            nice: os.getPriority(0),
            slack: Number(fs.readFileSync('/proc/' + tid + '/timerslack_ns', 'utf8')),
          });
        });`;
      const req = request({ nice: 3, timerSlackNs: 7 });
      const worker = new Worker(code, { eval: true, workerData: { request: req } });
      const reply = await new Promise<{ steps: RealtimeStepResult[]; nice: number; slack: number }>(
        (resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        },
      );
      await worker.terminate();
      expect(stepOf(reply.steps, 'nice')).toMatchObject({ status: 'applied', scope: 'worker' });
      expect(stepOf(reply.steps, 'timerSlack')).toMatchObject({ status: 'applied', scope: 'worker' });
      expect(reply.nice).toBe(3);
      expect(reply.slack).toBe(7);
      expect(os.getPriority(0)).toBe(niceBefore);
      const merged = mergeRealtimeSteps(req, [], reply.steps);
      expect(merged.map((s) => s.status)).toEqual([
        'not-requested',
        'not-requested',
        'not-requested',
        'not-requested',
        'applied',
        'applied',
      ]);
    },
  );

  it('returns plain, cloneable results and warns through the callback', () => {
    const lines: string[] = [];
    const steps = applyRealtimeInThread(request({ priority: 50 }), {
      native: null,
      warn: (line) => lines.push(line),
    });
    expect(structuredClone(steps)).toEqual(steps);
    expect(steps.map((s) => s.step)).toEqual(['priority', 'affinity', 'timerSlack', 'nice']);
    expect(lines).toEqual([realtimeWarning(stepOf(steps, 'priority'))]);
  });
});

let fixtureDir: string | null = null;
/** A temporary file holding `text` (stands in for a procfs file). */
function fixture(text: string): string {
  fixtureDir ??= mkdtempSync(join(tmpdir(), 'hardtick-rt-'));
  const path = join(fixtureDir, `f${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `${text}\n`);
  return path;
}

describe('applyRealtime: memory lock', () => {
  it('mlockall through the addon, munlockall on release', requires('native', 'root'), () => {
    const lockedKb = () => Number(/^VmLck:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const setup = apply(request({ lockMemory: true }), { thread: 'worker', native: native! });
    try {
      expect(stepOf(setup.steps, 'lockMemory')).toMatchObject({
        status: 'applied',
        via: 'native',
        scope: 'process',
      });
      expect(lockedKb()).toBeGreaterThan(0);
    } finally {
      setup.release();
    }
    expect(lockedKb()).toBe(0);
  });
});
