/**
 * What the metrics endpoint exposes: a plain {@link MetricsSource} object (numbers and
 * strings only, so it can be built on the main thread from an executive snapshot, or from
 * figures a worker posts), and its mapping to Prometheus metric families. Times in the
 * source are ns; metrics are in seconds, Prometheus' base unit.
 *
 * Cold path (allocates per scrape).
 */
import type { GcSummary } from '../gc/monitor.js';
import type { ExecutiveSnapshot, NotRunCounts } from '../runtime/snapshot.js';
import type { DistributionNs } from '../stats/distribution.js';
import { packageVersion } from '../version.js';
import type { MetricFamily, MetricSample } from './exposition.js';

/** One task's counters and execution-time distribution. */
export interface MetricsTask {
  readonly name: string;
  readonly mode: string;
  readonly budgetNs: number;
  readonly releases: number;
  readonly runs: number;
  readonly overruns: number;
  readonly deadlineMisses: number;
  readonly errors: number;
  readonly skipped: number;
  readonly policyTriggers: number;
  /** True while the task runs its degraded function. */
  readonly degraded: boolean;
  readonly execNs: DistributionNs;
  /** Jobs that ran and completed after their deadline. @default not exposed */
  readonly late?: number;
  /** Jobs not run, by cause. @default not exposed */
  readonly notRun?: NotRunCounts;
  /** Executions recorded as lower bounds (killed, stuck). @default not exposed */
  readonly censored?: number;
}

/** Everything one scrape shows. Build it with {@link metricsSourceFromSnapshot} or by hand. */
export interface MetricsSource {
  /** Labels of `hardtick_info`. */
  readonly info: {
    /** Config name. */
    readonly config: string;
    /** Current mode. */
    readonly mode: string;
    /** Clock backend, e.g. `native`, `performance.now`. */
    readonly clock: string;
    /** Waiter backend, e.g. `native-abs`, `hybrid`. */
    readonly waiter: string;
    /** Thread running the loop. */
    readonly thread: 'main' | 'worker';
    /** hardtick version. */
    readonly version: string;
  };
  /** False once the loop stopped. */
  readonly running: boolean;
  /** Time since the first release, ns. */
  readonly elapsedNs: number;
  /** Current frame size, ns. */
  readonly frameNs: number;
  readonly frames: {
    readonly count: number;
    readonly overruns: number;
    readonly skipped: number;
    /** Of the skipped, frames lost to pauses. @default not exposed */
    readonly lostToPause?: number;
    /** Frames cut off by the end of the run. @default not exposed */
    readonly cutOff?: number;
  };
  /** Release lateness (actual frame start − intended release). */
  readonly releaseLatenessNs: DistributionNs;
  readonly tasks: readonly MetricsTask[];
  /** GC during the run; null when not observed. */
  readonly gc: {
    readonly count: number;
    readonly maxPauseNs: number;
    readonly totalPauseNs: number;
    readonly byKind: Readonly<Record<string, number>>;
  } | null;
  /** Alarms raised, by kind name. */
  readonly alarms: Readonly<Record<string, number>>;
  /** Alarms lost because the alarm ring was full. */
  readonly alarmsDropped: number;
  /** Real-time setup step outcomes, when known. */
  readonly realtime?: ReadonlyArray<{ readonly step: string; readonly status: string }>;
}

/** Run facts a snapshot does not carry. */
export interface MetricsEnvironment {
  /** Config name. */
  readonly configName: string;
  /** Clock backend. */
  readonly clock: string;
  /** Waiter backend. */
  readonly waiter: string;
  /** @default 'main' */
  readonly thread?: 'main' | 'worker';
  /** hardtick version. @default this package's version (package.json) */
  readonly version?: string;
  /** Real-time step outcomes. @default none */
  readonly realtime?: ReadonlyArray<{ readonly step: string; readonly status: string }>;
}

/** Builds a {@link MetricsSource} from an executive snapshot, the GC summary (or null) and run facts. */
export function metricsSourceFromSnapshot(
  snapshot: ExecutiveSnapshot,
  gc: GcSummary | null,
  env: MetricsEnvironment,
): MetricsSource {
  return {
    info: {
      config: env.configName,
      mode: snapshot.mode,
      clock: env.clock,
      waiter: env.waiter,
      thread: env.thread ?? 'main',
      version: env.version ?? packageVersion(),
    },
    running: !snapshot.stopped,
    elapsedNs: snapshot.elapsedNs,
    frameNs: snapshot.frameNs,
    frames: {
      count: snapshot.frames.count,
      overruns: snapshot.frames.overruns,
      skipped: snapshot.frames.skipped,
      lostToPause: snapshot.frames.lostToPause,
      cutOff: snapshot.frames.cutOff,
    },
    releaseLatenessNs: snapshot.release.latenessNs,
    tasks: snapshot.tasks.map((t) => ({
      name: t.name,
      mode: t.mode,
      budgetNs: t.budgetNs,
      releases: t.releases,
      runs: t.runs,
      overruns: t.overruns,
      deadlineMisses: t.deadlineMisses,
      errors: t.errors,
      skipped: t.skipped,
      policyTriggers: t.policyTriggers,
      degraded: t.degraded,
      execNs: t.execNs,
      late: t.late,
      notRun: { ...t.notRun, cutOff: t.notRun.cutOff + (snapshot.stopped ? t.inFlight : 0) },
      censored: t.censored,
    })),
    gc:
      gc === null
        ? null
        : {
            count: gc.count,
            maxPauseNs: gc.maxPauseNs,
            totalPauseNs: gc.totalPauseNs,
            byKind: { ...gc.byKind },
          },
    alarms: { ...snapshot.alarms },
    alarmsDropped: snapshot.alarmsDropped,
    ...(env.realtime === undefined
      ? {}
      : { realtime: env.realtime.map((s) => ({ step: s.step, status: s.status })) }),
  };
}

/** Summary quantiles exposed for every distribution. */
export const METRICS_QUANTILES = ['0.5', '0.99', '0.999'] as const;

const NS_PER_S = 1e9;

/** The metric families of one scrape (see `docs` in each HELP line). */
export function metricFamilies(source: MetricsSource): MetricFamily[] {
  const taskLabels = (t: MetricsTask) => ({ task: t.name, mode: t.mode });
  const perTask = (
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    value: (t: MetricsTask) => number,
  ): MetricFamily => ({
    name,
    help,
    type,
    samples: source.tasks.map((t) => ({ labels: taskLabels(t), value: value(t) })),
  });
  const families: MetricFamily[] = [
    {
      name: 'hardtick_info',
      help: 'Run information: config name, current mode, clock and waiter backends, loop thread, version.',
      type: 'gauge',
      samples: [
        {
          labels: {
            config: source.info.config,
            mode: source.info.mode,
            clock: source.info.clock,
            waiter: source.info.waiter,
            thread: source.info.thread,
            version: source.info.version,
          },
          value: 1,
        },
      ],
    },
    gauge('hardtick_running', '1 while the loop runs, 0 once it stopped.', source.running ? 1 : 0),
    gauge(
      'hardtick_elapsed_seconds',
      'Time since the first release of the measured run.',
      source.elapsedNs / NS_PER_S,
    ),
    gauge('hardtick_frame_seconds', 'Minor frame size of the current mode.', source.frameNs / NS_PER_S),
    counter('hardtick_frames_total', 'Minor frames run.', source.frames.count),
    counter(
      'hardtick_frame_overruns_total',
      'Frames still busy when the next frame should have started.',
      source.frames.overruns,
    ),
    counter(
      'hardtick_frames_skipped_total',
      'Frames not run because the loop was late (catchUp policy).',
      source.frames.skipped,
    ),
    summary(
      'hardtick_release_lateness_seconds',
      'Release lateness: actual frame start minus intended release.',
      [{ labels: {}, d: source.releaseLatenessNs }],
    ),
    gauge(
      'hardtick_release_lateness_max_seconds',
      'Largest release lateness so far.',
      source.releaseLatenessNs.max / NS_PER_S,
    ),
    summary(
      'hardtick_task_exec_seconds',
      'Execution time per task slot.',
      source.tasks.map((t) => ({ labels: taskLabels(t), d: t.execNs })),
    ),
    perTask(
      'hardtick_task_exec_max_seconds',
      'Longest execution of the task so far (high-water mark).',
      'gauge',
      (t) => seconds(t.execNs.max),
    ),
    perTask(
      'hardtick_task_budget_seconds',
      'Execution-time budget (planned WCET) of the task.',
      'gauge',
      (t) => seconds(t.budgetNs),
    ),
    perTask('hardtick_task_releases_total', 'Jobs released (run or skipped).', 'counter', (t) => t.releases),
    perTask(
      'hardtick_task_runs_total',
      'Executions (slots) run, degraded ones included.',
      'counter',
      (t) => t.runs,
    ),
    perTask(
      'hardtick_task_overruns_total',
      'Executions longer than their budget.',
      'counter',
      (t) => t.overruns,
    ),
    perTask(
      'hardtick_task_deadline_misses_total',
      'Jobs not done by their absolute deadline: completed late, or never run.',
      'counter',
      (t) => t.deadlineMisses,
    ),
    perTask('hardtick_task_errors_total', 'Executions that threw.', 'counter', (t) => t.errors),
    perTask(
      'hardtick_task_skipped_total',
      'Jobs not run (skip-next policy, skipped frames).',
      'counter',
      (t) => t.skipped,
    ),
    perTask(
      'hardtick_task_policy_triggers_total',
      'Times the task overrun policy triggered.',
      'counter',
      (t) => t.policyTriggers,
    ),
    perTask('hardtick_task_degraded', '1 while the task runs its degraded function.', 'gauge', (t) =>
      t.degraded ? 1 : 0,
    ),
    ...accountingFamilies(source, taskLabels),
    {
      name: 'hardtick_alarms_total',
      help: 'Alarms raised, by kind (rate-limited ones included).',
      type: 'counter',
      samples: Object.entries(source.alarms).map(([kind, value]) => ({ labels: { kind }, value })),
    },
    counter(
      'hardtick_alarms_dropped_total',
      'Alarms lost because the alarm ring was full.',
      source.alarmsDropped,
    ),
  ];
  if (source.gc !== null) {
    families.push(
      {
        name: 'hardtick_gc_collections_total',
        help: 'Garbage collections during the measured run, by kind.',
        type: 'counter',
        samples: Object.entries(source.gc.byKind).map(([kind, value]) => ({ labels: { kind }, value })),
      },
      gauge(
        'hardtick_gc_pause_max_seconds',
        'Longest GC pause during the run.',
        source.gc.maxPauseNs / NS_PER_S,
      ),
      counter(
        'hardtick_gc_pause_seconds_total',
        'Sum of the GC pauses during the run.',
        source.gc.totalPauseNs / NS_PER_S,
      ),
    );
  }
  if (source.realtime !== undefined) {
    families.push({
      name: 'hardtick_realtime_step',
      help: 'Real-time setup steps and their outcome (applied, refused, not-requested, unavailable).',
      type: 'gauge',
      samples: source.realtime.map((s) => ({ labels: { step: s.step, status: s.status }, value: 1 })),
    });
  }
  return families;
}

/** Late jobs, jobs not run by cause, censored executions, frames lost to pauses and cut off (when the source has them). */
function accountingFamilies(
  source: MetricsSource,
  taskLabels: (t: MetricsTask) => Readonly<Record<string, string>>,
): MetricFamily[] {
  const out: MetricFamily[] = [];
  const withSplit = source.tasks.filter((t) => t.notRun !== undefined);
  if (withSplit.length > 0) {
    out.push(
      {
        name: 'hardtick_task_late_total',
        help: 'Jobs that ran and completed after their absolute deadline.',
        type: 'counter',
        samples: withSplit.map((t) => ({ labels: taskLabels(t), value: t.late ?? 0 })),
      },
      {
        name: 'hardtick_task_not_run_total',
        help: 'Jobs released that never ran, by cause (policy, catch-up, pause, unavailable, cut-off); each a deadline miss once its deadline passed.',
        type: 'counter',
        samples: withSplit.flatMap((t) =>
          (
            [
              ['policy', t.notRun!.policy],
              ['catch-up', t.notRun!.catchUp],
              ['pause', t.notRun!.pause],
              ['unavailable', t.notRun!.unavailable],
              ['cut-off', t.notRun!.cutOff],
            ] as const
          ).map(([cause, value]) => ({ labels: { ...taskLabels(t), cause }, value })),
        ),
      },
      {
        name: 'hardtick_task_censored_total',
        help: 'Executions recorded as a lower bound (an isolated task killed, a slot stuck): kept out of pWCET.',
        type: 'counter',
        samples: withSplit.map((t) => ({ labels: taskLabels(t), value: t.censored ?? 0 })),
      },
    );
  }
  if (source.frames.lostToPause !== undefined)
    out.push(
      counter(
        'hardtick_frames_lost_to_pause_total',
        'Frames skipped because their window passed while the loop was paused.',
        source.frames.lostToPause,
      ),
    );
  if (source.frames.cutOff !== undefined)
    out.push(
      counter(
        'hardtick_frames_cut_off_total',
        'Frames released before the run ended that never ran to their end.',
        source.frames.cutOff,
      ),
    );
  return out;
}

function seconds(ns: number): number {
  return ns / NS_PER_S;
}

function gauge(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'gauge', samples: [{ value }] };
}

function counter(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'counter', samples: [{ value }] };
}

/** A summary family: quantiles (NaN with no observations, as Prometheus clients do), `_sum`, `_count`. */
function summary(
  name: string,
  help: string,
  series: ReadonlyArray<{ labels: Readonly<Record<string, string>>; d: DistributionNs }>,
): MetricFamily {
  const samples: MetricSample[] = [];
  for (const { labels, d } of series) {
    const empty = d.count === 0;
    const q = [d.p50, d.p99, d.p999];
    METRICS_QUANTILES.forEach((quantile, i) => {
      samples.push({
        labels: { ...labels, quantile },
        value: empty ? Number.NaN : seconds(q[i] ?? Number.NaN),
      });
    });
    samples.push({ suffix: '_sum', labels, value: seconds(d.mean * d.count) });
    samples.push({ suffix: '_count', labels, value: d.count });
  }
  return { name, help, type: 'summary', samples };
}
