/**
 * `hardtick doctor` as a library: {@link runDoctor} reads the machine, tries each real-time
 * step (on a short-lived thread, or undone at once) and judges the result against a
 * config; {@link preflightDoctor} is its fast variant for the start of a run, which takes
 * the steps as the run applied them instead of trying them again. Cold path.
 */
import type { ResolvedConfig } from '../config/types.js';
import { loadNative } from '../native/binding.js';
import { DEFAULT_NATIVE_MARGIN_NS } from '../native/native-clock.js';
import { planSchedule } from '../plan/plan.js';
import type { RealtimeLoopTiming } from '../realtime/apply.js';
import { checkRtThrottling, type RtThrottlingCheck } from '../realtime/throttling.js';
import type { RealtimeRequest, RealtimeStepResult } from '../realtime/types.js';
import { DOCTOR_SCHEMA, type DoctorCheck, type DoctorReport } from '../report/doctor-report.js';
import { HybridWaiter } from '../time/hybrid-waiter.js';
import { collectMachineFacts } from './facts.js';
import { DEFAULT_TRIAL_PRIORITY, judgeChecks } from './judge.js';
import {
  attemptFromStep,
  startStealWindow,
  tryCpuDmaLatency,
  tryMemoryLock,
  tryThreadSteps,
} from './trials.js';

/** Default {@link DoctorOptions.stealWindowMs}. */
export const DEFAULT_STEAL_WINDOW_MS = 500;

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /**
   * The config to judge against: a step its `realtime` section asks for and the machine
   * refuses fails. Null: the machine alone (refusals warn). @default null
   */
  readonly config?: ResolvedConfig | null;
  /** How long steal is sampled, ms; 0 uses the share since boot only. @default 500 */
  readonly stealWindowMs?: number;
  /**
   * The loop's timing for the RT-throttling check. @default from the config's plan and the
   * default waiter margin (when the config asks for a priority)
   */
  readonly loop?: RealtimeLoopTiming | null;
}

/**
 * Runs every check (see docs/doctor.md). Tries SCHED_FIFO, CPU affinity and timer slack
 * on a worker thread that then exits, `mlockall` then `munlockall` (skipped when memory
 * is already locked), and opens `/dev/cpu_dma_latency`; samples steal meanwhile. The
 * calling thread and the process are left as they were, but `mlockall` faults in every
 * mapped page of the process while it lasts: run it in a process of its own (as the CLI
 * does), not inside a running loop. Never throws.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const startMs = performance.now();
  const config = options.config ?? null;
  const request = config?.realtime ?? null;
  const facts = collectMachineFacts();
  const windowMs = options.stealWindowMs ?? DEFAULT_STEAL_WINDOW_MS;
  const window = windowMs > 0 ? startStealWindow(facts.cpuCount) : null;
  const binding = facts.native.available ? loadNative() : null;
  const unavailable = `native addon unavailable: ${facts.native.reason}`;
  const priority = request?.priority ?? DEFAULT_TRIAL_PRIORITY;
  const thread = await tryThreadSteps({
    priority,
    cpus: request?.cpus ?? null,
    timerSlackNs: request?.timerSlackNs ?? 1,
    nativePath: binding === null ? null : facts.native.path,
    unavailableReason: unavailable,
  });
  const lockMemory = tryMemoryLock(binding, unavailable, facts.memoryLockedKb);
  const cpuDmaLatency = tryCpuDmaLatency();
  if (window !== null) {
    const leftMs = windowMs - (performance.now() - startMs);
    if (leftMs > 0) await new Promise((resolve) => setTimeout(resolve, leftMs));
  }
  const loop =
    options.loop ??
    (config === null || request?.priority === null ? null : loopTiming(config, binding !== null));
  const checks = judgeChecks({
    facts,
    request,
    mode: 'full',
    priority,
    attempts: { ...thread, lockMemory, cpuDmaLatency },
    stealWindow: window?.end() ?? null,
    throttling: loop === null ? null : checkRtThrottling(loop),
  });
  return doctorReport('full', config?.file ?? null, checks, startMs);
}

/** Options of {@link preflightDoctor}. */
export interface PreflightOptions {
  /** The run's `realtime` request (the resolved config's `realtime`). */
  readonly realtime: RealtimeRequest;
  /** The steps as the run applied them (`mergeRealtimeSteps(...)`: every step, both threads). */
  readonly steps: readonly RealtimeStepResult[];
  /** The run's RT-throttling check (`RealtimeSetup.throttling`). @default null */
  readonly throttling?: RtThrottlingCheck | null;
  /** The config file, for the report. @default null */
  readonly config?: string | null;
}

/**
 * The doctor's checks at the start of a run, for `environment.doctor` of its report:
 * the same checks, judged against the run's config, but nothing is tried (the run's own
 * steps say what the machine granted) and steal is the share since boot (the run records
 * its own steal around each pause). Synchronous procfs/sysfs reads only. Never throws.
 */
export function preflightDoctor(options: PreflightOptions): DoctorReport {
  const startMs = performance.now();
  const step = (name: RealtimeStepResult['step']) =>
    attemptFromStep(options.steps.find((s) => s.step === name));
  const checks = judgeChecks({
    facts: collectMachineFacts(),
    request: options.realtime,
    mode: 'preflight',
    priority: options.realtime.priority ?? DEFAULT_TRIAL_PRIORITY,
    attempts: {
      priority: step('priority'),
      affinity: step('affinity'),
      lockMemory: step('lockMemory'),
      cpuDmaLatency: step('cpuDmaLatency'),
      timerSlack: step('timerSlack'),
    },
    stealWindow: null,
    throttling: options.throttling ?? null,
  });
  return doctorReport('preflight', options.config ?? null, checks, startMs);
}

/**
 * The loop's timing for the RT-throttling check: of every feasible mode, the one with the
 * largest busy share (default waiter spin + fullest frame's planned load, over its frame).
 */
function loopTiming(config: ResolvedConfig, native: boolean): RealtimeLoopTiming | null {
  const spinNsPerFrame = native ? DEFAULT_NATIVE_MARGIN_NS : new HybridWaiter().marginNs;
  let best: RealtimeLoopTiming | null = null;
  let bestShare = -1;
  for (const mode of config.modes) {
    const plan = planSchedule(mode, config.limits);
    if (!plan.feasible || plan.frameNs <= 0) continue;
    const loadNsPerFrame = Math.max(0, ...plan.frames.map((f) => f.loadNs));
    const share = (Math.min(spinNsPerFrame, plan.frameNs) + loadNsPerFrame) / plan.frameNs;
    if (share > bestShare) {
      bestShare = share;
      best = { frameNs: plan.frameNs, spinNsPerFrame, loadNsPerFrame };
    }
  }
  return best;
}

function doctorReport(
  mode: DoctorReport['mode'],
  config: string | null,
  checks: readonly DoctorCheck[],
  startMs: number,
): DoctorReport {
  const count = (status: DoctorCheck['status']) => checks.filter((c) => c.status === status).length;
  return {
    schema: DOCTOR_SCHEMA,
    mode,
    config,
    counts: { pass: count('pass'), warn: count('warn'), fail: count('fail') },
    checks,
    tookMs: Math.round((performance.now() - startMs) * 10) / 10,
  };
}
