import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { applyRealtime, mergeRealtimeSteps } from '../src/realtime/index.js';
import { collectEnvironment, readRealtimeEnvironment } from '../src/report/environment.js';
import { buildRunReport } from '../src/report/run-report.js';
import type { ExecutiveSnapshot } from '../src/runtime/snapshot.js';
import { requires } from './helpers/requirements.js';

const config = (realtime?: unknown) =>
  resolveConfig(
    {
      name: 'rt',
      tasks: [{ name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' }],
      ...(realtime === undefined ? {} : { realtime }),
    },
    { baseDir: '/tmp' },
  );

const snapshot = (): ExecutiveSnapshot => ({
  mode: 'main',
  frameNs: 1e6,
  frames: { count: 0, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 0, standby: 0 },
  release: { latenessNs: { count: 0, min: 0, mean: 0, p50: 0, p99: 0, p999: 0, max: 0 } },
  tasks: [],
  alarms: {
    overrun: 0,
    'deadline-miss': 0,
    'frame-overrun': 0,
    'release-late': 0,
    'task-error': 0,
    'skipped-frames': 0,
    'mode-change': 0,
    stopped: 0,
    pause: 0,
    killed: 0,
    'gc-warn': 0,
  },
  alarmsDropped: 0,
  stopped: true,
  stopReason: null,
  elapsedNs: 0,
  startNs: null,
  nextFrameIndex: 0,
});

const gc = {
  count: 0,
  maxPauseNs: 0,
  totalPauseNs: 0,
  unplanned: 0,
  byKind: { minor: 0, major: 0, incremental: 0, weakcb: 0, other: 0 },
  events: [],
};

function report(cfg: ReturnType<typeof config>, realtime?: Parameters<typeof buildRunReport>[0]['realtime']) {
  return buildRunReport({
    config: cfg,
    snapshot: snapshot(),
    environment: collectEnvironment({ clock: 'manual', waiter: 'manual', timerSlackApplied: true }),
    gc,
    startedAt: new Date(0),
    endedAt: new Date(1000),
    ...(realtime === undefined ? {} : { realtime }),
  });
}

describe('run report: realtime section', () => {
  it('lists the six steps with what the runner reported', () => {
    const cfg = config({ priority: 80, cpuDmaLatency: 0, nice: 2 });
    const setup = applyRealtime(cfg.realtime, {
      thread: 'worker',
      native: null,
      cpuDmaLatencyPath: '/nonexistent/cpu_dma_latency',
      loop: { frameNs: 1e6, spinNsPerFrame: 1e5 },
    });
    try {
      const worker = [
        { step: 'priority', requested: 80, status: 'refused', reason: 'EPERM', via: null, scope: 'worker' },
        { step: 'timerSlack', requested: 1, status: 'applied', reason: null, via: 'procfs', scope: 'worker' },
        {
          step: 'nice',
          requested: 2,
          status: 'applied',
          reason: null,
          via: 'os.setPriority',
          scope: 'worker',
        },
      ] as const;
      const steps = mergeRealtimeSteps(cfg.realtime, setup.steps, worker);
      const r = report(cfg, {
        thread: 'worker',
        steps,
        throttling: setup.throttling,
        warnings: setup.warnings,
      });
      expect(r.realtime.thread).toBe('worker');
      expect(r.realtime.steps.map((s) => [s.step, s.status])).toEqual([
        ['priority', 'refused'],
        ['affinity', 'not-requested'],
        ['lockMemory', 'not-requested'],
        ['cpuDmaLatency', 'unavailable'],
        ['timerSlack', 'applied'],
        ['nice', 'applied'],
      ]);
      expect(r.realtime.throttling?.hazard).toBe(false);
      expect(r.realtime.warnings).toEqual(setup.warnings);
      expect(JSON.parse(JSON.stringify(r.realtime))).toEqual(r.realtime);
    } finally {
      setup.release();
    }
  });

  it('without runner input, derives the section from the config (timer slack from the environment)', () => {
    const r = report(config({ priority: 80 }));
    expect(r.realtime).toEqual({
      thread: null,
      steps: [
        {
          step: 'priority',
          requested: 80,
          status: 'unavailable',
          reason: 'not applied by this runner',
          via: null,
          scope: null,
        },
        { step: 'affinity', requested: null, status: 'not-requested', reason: null, via: null, scope: null },
        {
          step: 'lockMemory',
          requested: null,
          status: 'not-requested',
          reason: null,
          via: null,
          scope: null,
        },
        {
          step: 'cpuDmaLatency',
          requested: null,
          status: 'not-requested',
          reason: null,
          via: null,
          scope: null,
        },
        { step: 'timerSlack', requested: 1, status: 'applied', reason: null, via: 'procfs', scope: null },
        { step: 'nice', requested: null, status: 'not-requested', reason: null, via: null, scope: null },
      ],
      throttling: null,
      warnings: [],
    });
  });

  it('keeps the existing report fields', () => {
    const r = report(config());
    expect(r.schema).toBe('hardtick.run/v1');
    expect(r.frames).toMatchObject({ count: 0, overruns: 0, skipped: 0 });
    expect(r.environment.timerSlack.applied).toBe(true);
  });
});

describe('environment: real-time facts', () => {
  it('reads the RT bandwidth, CPU list and locked memory where procfs has them', () => {
    const env = readRealtimeEnvironment();
    if (process.platform !== 'linux') {
      expect(env.rtRuntimeUs).toBeNull();
      return;
    }
    expect(env.threadId).toBeGreaterThan(0);
    expect(env.cpusAllowed).toMatch(/^[\d,-]+$/);
    expect(env.rtPeriodUs).toBeGreaterThan(0);
    expect(env.memoryLockedKb).toBeGreaterThanOrEqual(0);
    expect(['PREEMPT_RT', 'PREEMPT_DYNAMIC', 'PREEMPT', 'none']).toContain(env.preemption);
  });

  it.runIf(process.platform === 'linux')(
    'reads /dev/cpu_dma_latency as root: the 4-byte value the device holds',
    requires('root'),
    () => {
      const raw = readFileSync('/dev/cpu_dma_latency');
      expect(readRealtimeEnvironment().cpuDmaLatencyUs).toBe(raw.readInt32LE(0));
    },
  );

  it.runIf(process.platform === 'linux' && process.getuid?.() !== 0)(
    '/dev/cpu_dma_latency unreadable without root: null, not a throw',
    () => {
      expect(readRealtimeEnvironment().cpuDmaLatencyUs).toBeNull();
    },
  );

  it('reads another thread by id (the loop thread) when asked', () => {
    const env = collectEnvironment({
      clock: 'c',
      waiter: 'w',
      timerSlackApplied: false,
      loopThreadId: process.pid,
    });
    if (process.platform === 'linux') {
      expect(env.realtime.threadId).toBe(process.pid);
      expect(env.schedulingPolicy).toMatch(/^SCHED_/);
      expect(env.timerSlack.ns).not.toBeNull();
    }
  });
});
