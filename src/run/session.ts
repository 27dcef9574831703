/**
 * The side of a run that is not the loop, the same in both thread modes: it turns what the
 * loop thread reports (setup, warm-up, alarms, statistics, its end) into events for the
 * caller, keeps what the report needs (pause and miss sightings, steal samples, the latest
 * evidence, watchdog events), and builds the report in ONE place, {@link RunSession.finish},
 * for every ending: done, stopped, stuck or crashed. Cold code.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { preflightDoctor } from '../doctor/doctor.js';
import { HardtickError } from '../errors.js';
import type { GcEvent, GcSummary } from '../gc/monitor.js';
import { MissSightings } from '../gc/overlaps.js';
import type { LeaseGuard } from '../lease/guard.js';
import { type MetricsServer, startMetricsServer } from '../metrics/server.js';
import { metricsSourceFromSnapshot } from '../metrics/source.js';
import type { ClockBackend } from '../native/select.js';
import { mergeRealtimeSteps, type RealtimeSetup, realtimeWarning } from '../realtime/apply.js';
import type { RealtimeStepResult } from '../realtime/types.js';
import type { DoctorReport } from '../report/doctor-report.js';
import { collectEnvironment, type RunEnvironment } from '../report/environment.js';
import { describeCrash, type RunReportCrash, type RunReportCrashSlot } from '../report/faults.js';
import { attributePauses, PAUSES_KEPT, type PauseSighting, type PauseSummary } from '../report/pauses.js';
import {
  buildRunReport,
  type RealtimeReportInput,
  type RunReport,
  type RunReportEvidence,
  type RunReportStuckEntry,
  type RunReportWarmup,
} from '../report/run-report.js';
import { StealSampler } from '../report/steal.js';
import { writeReportFile } from '../report/write.js';
import {
  accountEndingInto,
  EV_RUN,
  type ExecutiveSnapshot,
  emptyEvidence,
  type LoopEnding,
  RC_FRAME_INDEX,
  RC_IN_FRAME,
  RC_MODE,
  RC_POS,
  RC_SLOT,
  RC_START_NS,
  snapshotFromEvidence,
} from '../runtime/index.js';
import type { MarginSummary } from '../time/margin-learner.js';
import type { WatchdogHandle } from '../watchdog/watchdog.js';
import { ChannelHub } from '../worker/channel-hub.js';
import { CRASH_EXIT_CODE, ErrorSamples } from './faults.js';
import type { RunLease } from './lease.js';
import type {
  ResolvedRunOptions,
  RunAlarm,
  RunEvent,
  RunEventType,
  RunOptions,
  RunStatus,
  SetupChannels,
} from './options.js';
import type { RunPlan } from './prepare.js';
import type { AlarmFields } from './text.js';
import {
  describeAlarm,
  describePause,
  describeRunStart,
  describeStatus,
  describeWarmup,
  type StatusFigures,
} from './text.js';
import { type NumericTraceRecord, traceEntries, traceOverrunEntries } from './trace.js';
import { type WarmupOutcome, warmupLengthNs } from './warmup.js';

/** `environment` of a run report, plus which thread ran the loop. */
export type RunEnvironmentWithThread = RunEnvironment & { readonly thread: 'worker' | 'main' };

/** The loop thread's setup, as either thread mode reports it. */
export interface LoopReady {
  readonly clock: string;
  readonly waiter: string;
  readonly marginNs: number;
  readonly backend: ClockBackend;
  readonly slackApplied: boolean;
  readonly slackReason: string | null;
  /** The initial mode's frame, ns. */
  readonly frameNs: number;
  /** Real-time steps the loop thread applied to itself (worker mode; main: none here). */
  readonly threadSteps: readonly RealtimeStepResult[];
  /** The loop thread's environment, read at setup. */
  readonly environment: RunEnvironmentWithThread;
  /** The loop's lease guard (`lease` option), or null. */
  readonly leaseGuard: LeaseGuard | null;
}

/** How a run ended and what the loop thread left for its report. */
export interface RunEnding {
  /** The loop thread's final snapshot, or one from its last published evidence. */
  readonly snapshot: ExecutiveSnapshot;
  /** The loop isolate's GCs (with governance and overlaps), or an empty summary. */
  readonly gc: GcSummary;
  readonly pauses: PauseSummary;
  /** The report's stopReason. */
  readonly stopReason: string | null;
  /** Trace records (times relative to the first release), or null without tracing. */
  readonly trace: readonly NumericTraceRecord[] | null;
  /** Watchdog stuck entries, when any. */
  readonly stuck?: readonly RunReportStuckEntry[];
  /** The exit code, when the ending sets it (stuck, crashed). @default derived from fatal alarms */
  readonly exitCode?: number;
  /** What took the run down (else the session's {@link RunSession.crash}). @default none */
  readonly crash?: RunReportCrash;
  /** Where the snapshot came from. @default none */
  readonly evidence?: RunReportEvidence;
  /** What the waiter's margin learner knew at the end (null or absent: none). */
  readonly margin?: MarginSummary | null;
}

/** Inputs of {@link attributeRunPauses}. */
export interface RunPauseInput {
  /** Pause alarms raised in the measured run (the snapshot's exact count). */
  readonly count: number;
  /** Pause alarms delivered (no rate-limit summaries), ns since the run's first release. */
  readonly sightings: readonly PauseSighting[];
  /** The loop isolate's GCs as its monitor saw them (`atNs` on its performance timeline). */
  readonly gcEvents: readonly GcEvent[];
  /** Performance timeline → run time: `clock.nowNs() − performance.now() × 1e6 − runStartNs`, read in the loop's isolate. */
  readonly gcToRunNs: number;
  /** /proc/stat steal when measuring started and ended, ns (null: unreadable). */
  readonly stealAtStartNs: number | null;
  readonly stealAtEndNs: number | null;
  /** Steal sampled during the run, `atNs` already in run time. @default [] */
  readonly stealSamples?: ReadonlyArray<{ readonly atNs: number; readonly stealNs: number }>;
}

/** The report's `pauses`: the sightings attributed to the loop isolate's GCs (in run time) and steal. */
export function attributeRunPauses(input: RunPauseInput): PauseSummary {
  return attributePauses({
    count: input.count,
    sightings: input.sightings,
    gcEvents: input.gcEvents.map((g) => ({ ...g, atNs: g.atNs + input.gcToRunNs })),
    stealNs:
      input.stealAtStartNs === null || input.stealAtEndNs === null
        ? null
        : Math.max(0, input.stealAtEndNs - input.stealAtStartNs),
    stealSamples: input.stealSamples ?? [],
  });
}

/** Inputs of {@link RunSession.attributePauses}. */
export interface PauseInput {
  /** Pause alarms raised in the measured run (the snapshot's exact count). */
  readonly count: number;
  /** The loop isolate's GCs as its monitor saw them (`atNs` on its performance timeline). */
  readonly gcEvents: readonly GcEvent[];
  /** Performance timeline → run time (see loop.ts `gcToRunNs`). */
  readonly gcToRunNs: number;
  /** Steal samples, `atNs` already in run time. */
  readonly stealSamples: ReadonlyArray<{ readonly atNs: number; readonly stealNs: number }>;
  /** /proc/stat steal at the end, ns (null: unreadable). */
  readonly stealAtEndNs: number | null;
}

/** Lines printed by the channel handlers and the summary at the end. */
const CHANNEL_PRINT: RunEventType = 'channel';

/** The non-loop side of one run (see the module note). */
export class RunSession {
  /** The main side of the task channels. */
  readonly hub = new ChannelHub();
  /** The loop thread's setup, once known. */
  ready: LoopReady | null = null;
  /** The process-wide real-time setup (main thread: all of it; worker mode: its process part). */
  realtime: RealtimeSetup | null = null;
  /** The warm-up's outcome, once known. */
  warmup: WarmupOutcome | null = null;
  /** Set when the run stopped during the warm-up: the stop note, `… (during warm-up)`. */
  warmupStopNote: string | null = null;
  /** Wall-clock start of the measurement, once it began. */
  measuringAt: Date | null = null;
  /** Why the caller stopped the run (`stop(reason)`), or null. */
  stopNote: string | null = null;
  /** Pause alarms delivered (rate limit applied), ns since the first release. */
  readonly pauseSightings: PauseSighting[] = [];
  /** Overrun, deadline-miss and frame-overrun alarms delivered, for `gc.overlaps`. */
  readonly missSightings = new MissSightings();
  /**
   * Steal sampled while measuring (the timeline is the thread mode's business): of the loop
   * thread's CPUs once it is known to be pinned (`loopReady`), else of every CPU.
   */
  steal = new StealSampler();
  /** /proc/stat steal when measuring started, ns (null: unreadable). */
  stealAtStartNs: number | null = null;
  /** The watchdog on the loop's heartbeat, or null. */
  watchdog: WatchdogHandle | null = null;
  /** Why the report could not be written, or null. */
  reportError: HardtickError | null = null;
  /** The first fault that took the run down (the run ends as crashed), or null. */
  crash: RunReportCrash | null = null;
  /** The first distinct errors of each task. */
  readonly errorSamples: ErrorSamples;
  /** Watchdog stuck events seen before the measurement started (the warm-up's). */
  warmupStuck = 0;
  /** The doctor's checks at the start of the run (`environment.doctor`), once the loop is ready. */
  private preflight: DoctorReport | null = null;
  /** The last evidence record published while measuring (or at the end), or null. */
  private latest: { readonly block: Float64Array; readonly at: number } | null = null;
  /** The loop isolate's GC figures so far, when this thread can read them (main-thread mode). */
  liveGc: (() => GcSummary) | null = null;
  /** How the thread mode stops its loop (set by it), or null before it can. */
  stopLoop: (() => void) | null = null;
  /** How the thread mode asks its loop for a mode (set by it), or null before it can. */
  requestLoopMode: ((index: number) => void) | null = null;
  /** The config's `lease` (election and keeper, lease.ts), or null. */
  lease: RunLease | null = null;
  private metrics: MetricsServer | null = null;
  private lastCpu = process.cpuUsage();
  private lastCpuAtMs = performance.now();

  constructor(
    readonly plan: RunPlan,
    readonly options: ResolvedRunOptions,
    private readonly callbacks: Pick<RunOptions, 'onAlarm' | 'onStatus' | 'onEvent' | 'onReport'>,
  ) {
    this.errorSamples = new ErrorSamples(plan.taskCount);
  }

  /** Records the fault that ends the run as crashed (the first one; later ones are dropped) and tells it. */
  noteCrash(crash: RunReportCrash): void {
    if (this.crash !== null) return;
    this.crash = crash;
    this.event('crash', 'warn', `hardtick run: ${describeCrash(crash)}`);
  }

  /** Keeps a task error (mode and task index within it) among the task's first distinct ones. */
  noteTaskError(mode: number, task: number, message: string, at: string | null, frame: number): void {
    let index = task;
    for (let m = 0; m < mode; m++) index += this.plan.config.modes[m]?.tasks.length ?? 0;
    this.errorSamples.add(index, { message, at, frame });
  }

  /**
   * Stops the run after the current frame (the first reason given is the report's
   * stopReason, e.g. `signal:SIGINT`); the report is still built.
   */
  stop(reason: string): void {
    this.stopNote ??= reason;
    this.stopLoop?.();
  }

  /**
   * Asks for mode `index` at the next hyperperiod boundary of the measured run (before the
   * measurement starts: once it starts).
   */
  requestMode(index: number, afterNs = 0): void {
    if (this.measuringAt === null || this.requestLoopMode === null) {
      this.pendingModes.push({ index, afterNs });
      return;
    }
    if (afterNs <= 0) {
      this.requestLoopMode(index);
      return;
    }
    // Fires in the loop's yields (main thread) or on the host's event loop (worker).
    this.modeTimers.push(setTimeout(() => this.requestLoopMode?.(index), afterNs / 1e6));
  }

  /** Modes asked for before the measurement started (applied as it starts). */
  private readonly pendingModes: { readonly index: number; readonly afterNs: number }[] = [];
  private readonly modeTimers: NodeJS.Timeout[] = [];

  /** Tells the caller one line. */
  event(type: RunEventType, level: RunEvent['level'], text: string): void {
    this.callbacks.onEvent?.({ type, level, text });
  }

  /** The warm-up length in force (the option, or the default rule at the initial frame). */
  warmupNs(): number {
    return warmupLengthNs(this.options.warmupNs, this.plan.tables[this.plan.initialMode]!.frameNs);
  }

  /**
   * Loads the `channels` option's handlers into the hub (before the loop announces its
   * channels: `on` may precede `add`). @throws HardtickError `usage` for a module that
   * cannot be loaded or lacks `setupChannels`.
   */
  async setUpChannels(): Promise<void> {
    const option = this.options.channels;
    if (option === null) return;
    const print = (line: string): void => this.event(CHANNEL_PRINT, 'info', line);
    const run = {
      config: this.plan.config.name,
      lease: this.lease === null ? null : { key: this.lease.config.key, candidate: this.lease.candidate },
    };
    if (typeof option === 'function') {
      this.keepChannelsClose(option(this.hub, print, run));
      return;
    }
    const path = resolve(option);
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new HardtickError(
        'usage',
        `--channels ${option}: cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`,
        { file: path, cause: error },
      );
    }
    const setup = module.setupChannels;
    if (typeof setup !== 'function') {
      throw new HardtickError(
        'usage',
        `--channels ${option}: expected the module to export a function setupChannels(hub, print), ` +
          `found ${setup === undefined ? 'no such export' : typeof setup} (exports: ${Object.keys(module).join(', ') || 'none'})`,
        { file: path },
      );
    }
    this.keepChannelsClose((setup as SetupChannels)(this.hub, print, run));
  }

  /** What `setupChannels` returned, when a function: called once the run has ended. */
  private channelsClose: (() => unknown) | null = null;

  private keepChannelsClose(returned: unknown): void {
    if (typeof returned === 'function') this.channelsClose = returned as () => unknown;
  }

  /**
   * Runs the teardown `setupChannels` returned (close its sockets, flush), awaited; a
   * failing one is reported, not fatal. Idempotent.
   */
  async closeChannels(): Promise<void> {
    const close = this.channelsClose;
    this.channelsClose = null;
    if (close === null) return;
    try {
      await close();
    } catch (error) {
      this.event(
        'channel',
        'warn',
        `channels teardown failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Delivers queued channel records; a throwing handler is reported, not fatal. */
  pollChannels(): void {
    try {
      this.hub.pollOnce();
    } catch (error) {
      this.event(
        'channel',
        'warn',
        `channel handler failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Lines for the end of a run: records and losses per channel that has a handler. */
  channelSummaryLines(): string[] {
    const hub = this.hub;
    const lines: string[] = [];
    const handled = new Set(hub.names().filter((name) => !hub.unattachedHandlers().includes(name)));
    for (const c of hub.summary()) {
      if (c.direction === 'to-main' && !handled.has(c.name)) continue;
      lines.push(`channel '${c.name}' (${c.direction}): ${c.records} record(s), ${c.lost} lost`);
    }
    return lines;
  }

  /** Starts `metrics` (when asked) and says where. @throws HardtickError `usage` when it cannot bind. */
  async startMetrics(): Promise<void> {
    const address = this.options.metrics;
    if (address === null) return;
    this.metrics = await startMetricsServer({
      host: address.host,
      port: address.port,
      collect: () => {
        const ready = this.ready;
        return metricsSourceFromSnapshot(
          this.liveSnapshot() ?? this.emptySnapshot(),
          this.liveGc?.() ?? null,
          {
            configName: this.plan.config.name,
            clock: ready?.clock ?? 'unknown',
            waiter: ready?.waiter ?? 'unknown',
            thread: this.options.thread,
            realtime: this.realtimeSteps(),
          },
        );
      },
    });
    this.event('metrics', 'info', `metrics: ${this.metrics.url}metrics`);
    if (!this.metrics.loopback) {
      this.event(
        'warning',
        'warn',
        `hardtick run: --metrics listens on ${this.metrics.host}, reachable from other machines; the endpoint has no authentication`,
      );
    }
  }

  /** Closes the metrics endpoint (idempotent). */
  async stopMetrics(): Promise<void> {
    const m = this.metrics;
    this.metrics = null;
    await m?.close();
  }

  /** The loop thread is set up: its warnings, then the run's first line. */
  loopReady(ready: LoopReady): void {
    this.ready = ready;
    // A loop pinned to its CPUs can only lose time to their steal: read those lines.
    const pinned = this.realtimeSteps().some((s) => s.step === 'affinity' && s.status === 'applied');
    const cpus = this.plan.config.realtime.cpus;
    if (pinned && cpus !== null && cpus.length > 0) this.steal = new StealSampler({ cpus });
    // What stands between this machine and a hard loop, judged from the steps the run took.
    this.preflight = preflightDoctor({
      realtime: this.plan.config.realtime,
      steps: this.realtimeSteps(),
      throttling: this.realtime?.throttling ?? null,
      config: this.plan.config.file,
    });
    for (const step of ready.threadSteps) {
      const line = realtimeWarning(step);
      if (line !== null) this.event('warning', 'warn', line);
    }
    this.event(
      'start',
      'info',
      describeRunStart({
        configName: this.plan.config.name,
        modes: this.plan.config.modes.length,
        frameNs: ready.frameNs,
        durationNs: this.options.durationNs,
        warmupNs: this.warmupNs(),
        clock: ready.clock,
        waiter: ready.waiter,
        marginNs: ready.marginNs,
        marginAuto: ready.backend.marginMode === 'auto',
        slackApplied: ready.slackApplied,
        slackReason: ready.slackReason,
        thread: this.options.thread,
        nativeReason: ready.backend.backend === 'native' ? null : ready.backend.native.reason,
      }),
    );
  }

  /**
   * The warm-up ended; `stoppedBy` is why it stopped early (policy, stop), or null. Its
   * pauses are told as pause alarms of the warm-up (a pause there is a pause: tasks drive
   * real outputs), counted in the report's `warmup`, not in the measured figures.
   */
  warmupDone(outcome: WarmupOutcome, stoppedBy: string | null): void {
    this.warmup = outcome;
    const why = this.stopNote ?? stoppedBy;
    if (why !== null) this.warmupStopNote = `${why} (during warm-up)`;
    const mode = this.plan.config.modes[this.plan.initialMode]?.name ?? 'main';
    for (const p of outcome.pauses ?? []) {
      this.alarm(
        {
          kind: 'pause',
          mode,
          task: null,
          frame: p.frame,
          sinceStartNs: p.atNs,
          value: p.lengthNs,
          suppressed: 0,
          firstFrame: p.frame,
          phase: 'warmup',
        },
        null,
      );
    }
    this.event('warmup', 'info', describeWarmup(outcome, this.warmupStopNote));
  }

  /** Measurement starts now. */
  measuring(stealAtStartNs: number | null): void {
    this.measuringAt = new Date();
    this.stealAtStartNs = stealAtStartNs;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAtMs = performance.now();
    this.event('measuring', 'info', 'measuring');
    // The lease is campaigned for from now: a candidate still warming up cannot use it.
    this.lease?.start(this.ready?.leaseGuard ?? null);
    for (const m of this.pendingModes.splice(0)) this.requestMode(m.index, m.afterNs);
  }

  /**
   * One alarm from the loop: kept for the report (pause and miss sightings), handed to the
   * caller. `frameNs`: the initial mode's frame (for the overlap windows).
   */
  alarm(a: AlarmFields, error: string | null): RunAlarm {
    const alarm: RunAlarm = {
      ...a,
      phase: a.phase ?? 'measure',
      value: Math.round(a.value),
      sinceStartNs: Math.round(a.sinceStartNs),
      error,
      text: `${describeAlarm(a)}${error === null ? '' : `: ${error}`}`,
    };
    if (a.suppressed === 0 && alarm.phase === 'measure') {
      if (a.kind === 'pause' && this.pauseSightings.length < PAUSES_KEPT)
        this.pauseSightings.push({ atNs: alarm.sinceStartNs, lengthNs: alarm.value });
      this.missSightings.add({
        kind: a.kind,
        task: a.task,
        mode: a.mode,
        frame: a.frame,
        atNs: alarm.sinceStartNs,
        valueNs: alarm.value,
        frameNs: this.ready?.frameNs ?? this.plan.tables[this.plan.initialMode]!.frameNs,
      });
    }
    this.callbacks.onAlarm?.(alarm);
    return alarm;
  }

  /** The status line's figures (CPU measured here), to the caller. */
  status(figures: Omit<StatusFigures, 'cpuPercent'>): void {
    const cpu = process.cpuUsage(this.lastCpu);
    const nowMs = performance.now();
    const wallUs = (nowMs - this.lastCpuAtMs) * 1000;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAtMs = nowMs;
    const all: StatusFigures = {
      ...figures,
      cpuPercent: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
      lease: this.lease?.status() ?? null,
    };
    const status: RunStatus = {
      ...all,
      marginNs: all.marginNs ?? null,
      lease: all.lease ?? null,
      text: describeStatus(all),
    };
    this.callbacks.onStatus?.(status);
  }

  /** Keeps `block[at…]` (an evidence block) as the latest; the session reads it, never writes. */
  keepEvidence(block: Float64Array, at: number): void {
    this.latest = { block, at };
  }

  /** The latest published snapshot (no histograms), or null before the first. */
  liveSnapshot(): ExecutiveSnapshot | null {
    const l = this.latest;
    return l === null ? null : snapshotFromEvidence(l.block, l.at, this.plan.config);
  }

  /**
   * The snapshot of a loop that could not end by itself (stuck in a task, or its thread
   * gone) from a copy of its live evidence block: the hung slot (`ending.hungStartNs`) or
   * the slot in progress, and every release up to `ending.endNs`, accounted for
   * (`accountEndingInto`); and where the loop was. An empty snapshot when the measured run
   * never started (the block holds nothing).
   */
  snapshotFromLive(
    live: Float64Array,
    ending: LoopEnding,
    stopReason: string,
  ): { readonly snapshot: ExecutiveSnapshot; readonly at: RunReportCrashSlot | null } {
    const block = live.slice();
    if (!Number.isFinite(block[EV_RUN + RC_START_NS]!))
      return { snapshot: this.emptySnapshot(stopReason), at: null };
    const config = this.plan.config;
    const mode = config.modes[block[EV_RUN + RC_MODE]!];
    const table = this.plan.tables[block[EV_RUN + RC_MODE]!];
    const frame = block[EV_RUN + RC_FRAME_INDEX]!;
    let at: RunReportCrashSlot | null = { task: null, mode: mode?.name ?? null, frame, slot: null };
    if (block[EV_RUN + RC_IN_FRAME] === 1 && block[EV_RUN + RC_SLOT]! >= 0 && table !== undefined) {
      const slot = block[EV_RUN + RC_SLOT]!;
      const task = table.slotTask[table.frameSlotStart[block[EV_RUN + RC_POS]!]! + slot];
      at = {
        task: task === undefined ? null : (mode?.tasks[task]?.name ?? null),
        mode: mode?.name ?? null,
        frame,
        slot,
      };
    }
    accountEndingInto(block, 0, config, this.plan.tables, ending);
    return { snapshot: { ...snapshotFromEvidence(block, 0, config), stopped: true, stopReason }, at };
  }

  /** A snapshot with nothing in it (nothing was published), frame of the initial mode. */
  emptySnapshot(stopReason: string | null = null): ExecutiveSnapshot {
    const frameNs = this.ready?.frameNs ?? this.plan.tables[this.plan.initialMode]!.frameNs;
    const s = snapshotFromEvidence(emptyEvidence(this.plan.taskCount, frameNs), 0, this.plan.config);
    return stopReason === null ? s : { ...s, stopped: true, stopReason };
  }

  /** Every real-time step: the process part and the loop thread's, merged. */
  realtimeSteps(): readonly RealtimeStepResult[] {
    const process = this.realtime?.steps ?? [];
    if (this.options.thread === 'main') return process;
    return mergeRealtimeSteps(this.plan.config.realtime, process, this.ready?.threadSteps ?? []);
  }

  /** The report's `realtime` input. */
  private realtimeReport(): RealtimeReportInput {
    const threadSteps = this.options.thread === 'main' ? [] : (this.ready?.threadSteps ?? []);
    return {
      thread: this.options.thread,
      steps: this.realtimeSteps(),
      throttling: this.realtime?.throttling ?? null,
      warnings: [
        ...(this.realtime?.warnings ?? []),
        ...threadSteps.map(realtimeWarning).filter((line): line is string => line !== null),
      ],
    };
  }

  /** The report's `pauses`: the delivered pause sightings against the loop's GCs and steal (and whose steal). */
  attributePauses(input: PauseInput): PauseSummary {
    return {
      ...attributeRunPauses({
        ...input,
        sightings: this.pauseSightings,
        stealAtStartNs: this.stealAtStartNs,
      }),
      stealCpus: this.steal.cpus,
    };
  }

  /**
   * Builds the report for any ending (the one place a run's report is assembled), tells
   * its pauses, hands it to `onReport`, writes it (`report` option, synchronously: this
   * also runs from a watchdog's interrupt with no event-loop turn to come) and says where.
   */
  finish(ending: RunEnding, endedAt: Date = new Date()): RunReport {
    for (const t of this.modeTimers) clearTimeout(t);
    const config = this.plan.config;
    const ready = this.ready;
    const crash = ending.crash ?? this.crash ?? undefined;
    const report = buildRunReport({
      config,
      snapshot: ending.snapshot,
      environment: {
        ...(ready?.environment ?? this.fallbackEnvironment()),
        ...(this.preflight === null ? {} : { doctor: this.preflight }),
      },
      gc: ending.gc,
      pauses: ending.pauses,
      startedAt: this.measuringAt ?? endedAt,
      endedAt,
      requestedDurationNs: this.options.durationNs === 0 ? null : this.options.durationNs,
      warmup: this.warmupSection(),
      stopReason: crash === undefined ? ending.stopReason : 'crashed',
      realtime: this.realtimeReport(),
      trace: ending.trace === null ? null : traceEntries(ending.trace, config, this.options.traceCapacity),
      traceOverruns:
        ending.trace === null ? null : traceOverrunEntries(ending.trace, config, this.options.traceCapacity),
      ...(ending.stuck === undefined ? {} : { stuck: ending.stuck }),
      ...(ending.exitCode === undefined
        ? crash === undefined
          ? {}
          : { exitCode: CRASH_EXIT_CODE }
        : { exitCode: ending.exitCode }),
      lease: this.lease?.finish(ending.snapshot.standbyFrames ?? 0) ?? null,
      ...(crash === undefined ? {} : { crash }),
      errorSamples: this.errorSamples.list(),
      ...(ending.evidence === undefined ? {} : { evidence: ending.evidence }),
      ...(ending.margin == null ? {} : { waiterMargin: ending.margin }),
    });
    for (const p of report.pauses.events) this.event('pause', 'warn', describePause(p));
    this.callbacks.onReport?.(report);
    const file = this.options.reportFile;
    if (file !== null) {
      const path = resolve(file);
      try {
        // A temporary file renamed over the target: never half written, never the config.
        writeReportFile(path, `${JSON.stringify(report, null, 2)}\n`, {
          refuse: config.file === null ? [] : [{ path: config.file, role: 'the config' }],
        });
        this.event('report', 'info', `report: ${path}`);
      } catch (error) {
        this.reportError =
          error instanceof HardtickError
            ? error
            : new HardtickError('output_unwritable', `cannot write ${path}: ${(error as Error).message}`, {
                file: path,
                cause: error,
              });
        this.event('report', 'warn', `hardtick run: ${this.reportError.message}`);
      }
    }
    return report;
  }

  /**
   * The report's `warmup`: frames and time on the real frames, the whole start-up, and what
   * happened there (alarms by kind, pauses, stuck events); a warm-up cut short by a stop
   * keeps its frames at 0 (they are no warm-up of the measured loop) but not its events.
   */
  private warmupSection(): RunReportWarmup {
    const w = this.warmup;
    const events = {
      ...(w?.alarmsByKind === undefined ? {} : { alarms: w.alarmsByKind }),
      ...(w?.pauses === undefined
        ? {}
        : { pauses: w.pauses.map((p) => ({ atNs: p.atNs, lengthNs: p.lengthNs })) }),
      ...(this.warmupStuck > 0 ? { stuck: this.warmupStuck } : {}),
    };
    if (w === null) return { frames: 0, durationNs: 0, ...events };
    if (this.warmupStopNote !== null) return { frames: 0, durationNs: 0, totalNs: w.totalNs, ...events };
    return { frames: w.frames, durationNs: w.durationNs, totalNs: w.totalNs, ...events };
  }

  /** The environment of a run whose loop never reported its own (it failed before `ready`). */
  private fallbackEnvironment(): RunEnvironmentWithThread {
    return {
      ...collectEnvironment({
        clock: 'unknown',
        waiter: 'unknown',
        timerSlackApplied: false,
        loopThreadId: null,
      }),
      thread: this.options.thread,
    };
  }
}
