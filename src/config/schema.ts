/**
 * The zod schema of the config FILE (the input side): what a user writes in
 * `hardtick.json` or passes to `defineConfig`. Every object is strict (unknown keys are
 * errors, with a did-you-mean). Durations are converted to integer nanoseconds here;
 * `load.ts` then fills the remaining defaults and builds the frozen `ResolvedConfig`.
 * The JSON Schema shipped in `schema/config.schema.json` is generated from this file.
 */
import { z } from 'zod';
import {
  DEFAULT_MARGIN_QUANTILE,
  DEFAULT_MAX_MARGIN_NS,
  DEFAULT_MAX_SPIN_SHARE,
  DEFAULT_MIN_MARGIN_NS,
  MAX_MARGIN_LIMIT_NS,
} from '../time/margin-learner.js';
import { ALARM_KINDS } from './alarm-kinds.js';
import {
  MAX_CONFIG_DEPTH,
  MAX_CONFIG_FILE_BYTES,
  MAX_CONFIG_STRING_LENGTH,
  MAX_CONFIG_VALUES,
  MAX_NAME_LENGTH,
  MAX_PLAN_JOBS,
} from './bounds.js';
import { checkDurationNs, DURATION_STRING_PATTERN, describeValue, formatNs } from './duration.js';
import { didYouMean, unknownKeysMessage } from './issues.js';
import { jsonValueProblem } from './json-value.js';
import { reservedNameProblem } from './names.js';
import type { OverrunAction, ResolvedWaiter } from './types.js';

/** Names a task or mode may take: a letter or `_`, then letters, digits, `_`, `.`, `-`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A valid JavaScript identifier (the export half of a `run` reference). */
const IDENTIFIER_PATTERN = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/** JSON Schema pattern of a `path#export` reference (ASCII approximation of the parser). */
export const RUN_REF_PATTERN = '^.+#[A-Za-z_$][A-Za-z0-9_$]*$';

/** The mode formed by the top-level `tasks`; reserved as a name under `modes`. */
export const MAIN_MODE = 'main';

/** Every overrun action, in the order the docs list them. */
export const OVERRUN_ACTIONS = [
  'warn',
  'skip-next',
  'degrade',
  'safe-state',
  'stop',
] as const satisfies readonly OverrunAction[];

/** Every alarm kind name a config may mark fatal (in kind-id order). */
export const ALARM_KIND_NAMES = ALARM_KINDS;

/** Alarm kinds that make `hardtick run` exit 1 unless the config says otherwise. */
export const DEFAULT_FATAL_ALARMS = ['deadline-miss', 'frame-overrun', 'task-error'] as const;

/** A `path#export` reference as parsed from the config (the path not yet resolved). */
export interface ParsedRef {
  /** The text as written. */
  readonly spec: string;
  /** The module path as written (relative to the config file, or absolute, or a `file:` URL). */
  readonly path: string;
  /** The export name. */
  readonly exportName: string;
}

/** A strict object whose unknown keys are reported with a did-you-mean against its own keys. */
function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined,
  });
}

/**
 * A duration field: a number (milliseconds) or a string with a unit, converted to integer ns.
 * With `auto`, the literal `"auto"` is accepted too and passed through.
 */
function durationField(description: string, options: { allowZero?: boolean; required?: string } = {}) {
  const allowZero = options.allowZero === true;
  const required = options.required;
  return z
    .union(
      [
        z.number().meta(allowZero ? { minimum: 0 } : { exclusiveMinimum: 0 }),
        z.string().meta({ pattern: DURATION_STRING_PATTERN }),
      ],
      {
        error: (issue) =>
          issue.input === undefined && required !== undefined
            ? `required: ${required}`
            : durationMessage(issue.input, allowZero),
      },
    )
    .transform((value, ctx): number => {
      const result = checkDurationNs(value, { allowZero });
      if (result.ok) return result.ns;
      ctx.addIssue({ code: 'custom', message: result.message, input: value });
      return z.NEVER;
    })
    .describe(description);
}

function durationMessage(value: unknown, allowZero: boolean): string {
  if (value === undefined)
    return `required: expected a ${allowZero ? 'non-negative' : 'positive'} duration like "5ms"`;
  const result = checkDurationNs(value, { allowZero });
  return result.ok ? `expected a duration, got ${describeValue(value)}` : result.message;
}

/**
 * `"auto"` or a duration converted to integer ns (positive, or ≥ 0 with `allowZero`); every
 * problem reported with `message(value)`.
 */
function autoOrDurationField(
  description: string,
  message: (value: unknown) => string,
  options: { allowZero?: boolean } = {},
) {
  const allowZero = options.allowZero === true;
  return z
    .union(
      [
        z.literal('auto'),
        z.number().meta(allowZero ? { minimum: 0 } : { exclusiveMinimum: 0 }),
        z.string().meta({ pattern: DURATION_STRING_PATTERN }),
      ],
      { error: (issue) => message(issue.input) },
    )
    .transform((value, ctx): 'auto' | number => {
      if (value === 'auto') return 'auto';
      const result = checkDurationNs(value, { allowZero });
      if (result.ok) return result.ns;
      ctx.addIssue({ code: 'custom', message: message(value), input: value });
      return z.NEVER;
    })
    .describe(description);
}

/** `frame`: `"auto"` or a positive duration (a fixed frame size). */
function frameField(description: string) {
  return autoOrDurationField(description, frameMessage);
}

function frameMessage(value: unknown): string {
  if (value === undefined) return 'required: expected "auto" or a positive duration like "5ms"';
  const result = checkDurationNs(value);
  const detail = result.ok ? `expected a duration, got ${describeValue(value)}` : result.message;
  return `${detail.replace(/^expected a/, 'expected "auto" or a')}${didYouMean(value, ['auto'])}`;
}

/** A `path#export` reference to a function. */
function refField(description: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required: expected a "path#export" reference like "./tasks.mjs#sense"'
          : `expected a "path#export" reference like "./tasks.mjs#sense", got ${describeValue(issue.input)}`,
    })
    .meta({ pattern: RUN_REF_PATTERN })
    .transform((spec, ctx): ParsedRef => {
      const problem = refProblem(spec);
      if (problem === undefined) {
        const hash = spec.lastIndexOf('#');
        return { spec, path: spec.slice(0, hash), exportName: spec.slice(hash + 1) };
      }
      ctx.addIssue({
        code: 'custom',
        message: `expected "path#export" like "./tasks.mjs#sense", got ${JSON.stringify(spec)} (${problem})`,
        input: spec,
      });
      return z.NEVER;
    })
    .describe(description);
}

function refProblem(spec: string): string | undefined {
  const hash = spec.lastIndexOf('#');
  if (hash < 0) return 'missing "#" and the export name';
  const path = spec.slice(0, hash);
  const exportName = spec.slice(hash + 1);
  if (path.trim() === '') return 'missing the module path before "#"';
  if (exportName === '') return 'missing the export name after "#"';
  if (!IDENTIFIER_PATTERN.test(exportName)) {
    return `${JSON.stringify(exportName)} is not a valid JavaScript identifier`;
  }
  return undefined;
}

function nameField(what: 'task' | 'config', description: string) {
  const base = z.string().min(1);
  return (
    what === 'task'
      ? base
          .max(MAX_NAME_LENGTH)
          .regex(NAME_PATTERN, {
            error: (issue) =>
              `expected a task name of letters, digits, "_", "." or "-" starting with a letter or "_", got ${describeValue(issue.input)}`,
          })
          .refine((name) => reservedNameProblem(name) === undefined, {
            error: (issue) => reservedNameProblem(String(issue.input)),
          })
      : base
  ).describe(description);
}

const positiveInt = (description: string) =>
  z
    .int()
    .min(1, { error: (issue) => `expected an integer of at least 1, got ${describeValue(issue.input)}` })
    .describe(description);

const overrunSchema = strict({
  action: z
    .enum(OVERRUN_ACTIONS)
    .describe(
      'What to do when the task overruns its budget: "warn" (alarm only), "skip-next" (skip its next job), "degrade" (run `degraded` instead until it recovers), "safe-state" (call `safeState` once, then stop), "stop" (stop the loop).',
    ),
  after: positiveInt(
    'Consecutive overruns needed before `action` triggers (an on-time run resets the count). Not allowed together with `bucket`.',
  )
    .optional()
    .meta({ default: 1 }),
  bucket: strict({
    max: positiveInt('Level at which the action triggers.'),
    leak: z
      .number()
      .positive()
      .prefault(1)
      .describe('Removed from the level by each on-time run (never below 0).'),
  })
    .optional()
    .describe(
      'Leaky-bucket hysteresis instead of `after`: each overrun adds 1, each on-time run removes `leak`; the action triggers when the level reaches `max`.',
    ),
  recoverAfter: positiveInt(
    'For "degrade": consecutive on-time runs of the degraded function before the normal one is restored.',
  ).prefault(10),
  degraded: refField(
    'Required for "degrade" (and only then): `path#export` of the function run while degraded.',
  ).optional(),
  safeState: refField(
    'Required for "safe-state" (and only then): `path#export` of the function called once before the loop stops.',
  ).optional(),
})
  .superRefine((overrun, ctx) => {
    const { action } = overrun;
    if (typeof action !== 'string') return;
    const needs = [
      ['degraded', 'degrade'],
      ['safeState', 'safe-state'],
    ] as const;
    for (const [key, forAction] of needs) {
      const present = overrun[key] !== undefined;
      if (action === forAction && !present) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `required when action is "${forAction}": a "path#export" reference like "./tasks.mjs#${key === 'degraded' ? 'controlDegraded' : 'safeState'}"`,
        });
      } else if (action !== forAction && present) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only used when action is "${forAction}" (action is "${action}"); remove it or change the action`,
        });
      }
    }
    if (overrun.after !== undefined && overrun.bucket !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['after'],
        message: 'set either "after" (consecutive overruns) or "bucket" (leaky bucket), not both',
      });
    }
  })
  .describe('Overrun policy of the task. @default { "action": "warn" }');

const taskSchema = strict({
  name: nameField('task', 'Task name, unique within its mode (letters, digits, "_", "." and "-").'),
  period: durationField('Release period: a number of milliseconds, or a string like "250us", "5ms", "2s".'),
  budget: durationField('Execution time allowed per job (the planned WCET), enforced at run time.'),
  deadline: durationField('Relative deadline of each job. Defaults to the period.').optional(),
  phase: durationField('Release offset of the first job; less than the period.', {
    allowZero: true,
  }).prefault(0),
  run: refField('The function to run: "path#export", the path relative to the config file.'),
  overrun: overrunSchema.optional(),
  isolate: z
    .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
    .optional()
    .meta({ default: false })
    .describe(
      'Run the task in its own worker thread: a release that has not finished when its budget + `isolateGrace` is spent is given up, the worker terminated (alarm "killed", the overrun policy applies) and respawned off the loop thread. Costs a cross-thread round trip per release (see docs/watchdog-and-pauses.md, "Isolated tasks").',
    ),
  isolateGrace: durationField(
    'For "isolate": time the task may run past its budget before its worker is terminated. Defaults to half the budget, at least 100us.',
    { allowZero: true },
  ).optional(),
});

/** Smallest default `isolateGrace`, ns (a blocked wait wakes ~30–100 µs late here). */
export const MIN_DEFAULT_ISOLATE_GRACE_NS = 100_000;

/** The default `isolateGrace` of an isolated task: half its budget, at least 100 µs (ns). */
export function defaultIsolateGraceNs(budgetNs: number): number {
  return Math.max(MIN_DEFAULT_ISOLATE_GRACE_NS, Math.ceil(budgetNs / 2));
}

const slicingSchema = z
  .enum(['off', 'auto'])
  .describe(
    '"auto" lets the planner split jobs into slices at frame boundaries; "off" keeps every job whole.',
  );

const tasksSchema = z
  .array(taskSchema)
  .min(1, { error: 'expected at least one task' })
  .describe('The periodic tasks.');

const modeSchema = strict({
  frame: frameField('Frame size of this mode. Defaults to the top-level `frame`.').optional(),
  slicing: slicingSchema.optional(),
  tasks: tasksSchema,
}).describe('A task set with its own schedule table.');

const catchUpSchema = z
  .union([
    z.enum(['skip', 'run']),
    strict({
      policy: z
        .enum(['skip', 'run'])
        .describe('"skip": resume at the next aligned frame; "run": run late frames.'),
      maxFrames: positiveInt('Most late frames run back to back before the rest are skipped.').prefault(4),
    }),
  ])
  .prefault('skip')
  .describe(
    'Late frames: "skip" to the next aligned frame, or "run" them back to back (at most `maxFrames`, default 4).',
  );

const alarmsSchema = strict({
  fatal: z
    .array(z.enum(ALARM_KIND_NAMES))
    .prefault([...DEFAULT_FATAL_ALARMS])
    .describe('Alarm kinds that make `hardtick run` exit 1.'),
  releaseLate: durationField('Release lateness above which a "release-late" alarm is raised.').prefault(
    '0.5ms',
  ),
  pauseThreshold: durationField(
    'Lost time above which a "pause" alarm is raised: wake-to-wake gap minus the frame spacing.',
  ).prefault('5ms'),
  ratePerSecond: z
    .int()
    .min(0, { error: (issue) => `expected an integer of at least 0, got ${describeValue(issue.input)}` })
    .prefault(10)
    .describe('Alarms of one kind delivered to listeners per second; the rest are only counted.'),
})
  .prefault({})
  .describe('Alarm settings.');

const limitsSchema = strict({
  maxHyperperiod: durationField('Largest hyperperiod the planner accepts (at most 24 h).').prefault('3600s'),
  maxJobs: z
    .int({ error: (issue) => maxJobsMessage(issue.input) })
    .min(1, { error: (issue) => maxJobsMessage(issue.input) })
    .max(MAX_PLAN_JOBS, { error: (issue) => maxJobsMessage(issue.input) })
    .prefault(1_000_000)
    .describe(
      `Most jobs in one hyperperiod the planner accepts, at most ${MAX_PLAN_JOBS} (the planner holds every job in memory).`,
    ),
  timeoutMs: positiveInt('Wall-clock time the planner may search, in milliseconds.').prefault(5000),
})
  .prefault({})
  .describe('Planner limits: a pathological task set gets a diagnostic, never a hang.');

function maxJobsMessage(input: unknown): string {
  return `expected an integer from 1 to ${MAX_PLAN_JOBS} (the planner holds every job in memory), got ${describeValue(input)}`;
}

/** Highest CPU number accepted in `realtime.cpu` (glibc's CPU_SETSIZE is 1024). */
export const MAX_CPU_INDEX = 1023;

/** `realtime.cpuDmaLatency` upper bound: the kernel's PM QoS default (2e9 µs, "no constraint"). */
export const MAX_CPU_DMA_LATENCY_US = 2_000_000_000;

/** `realtime.timerSlackNs` upper bound (1 s; the kernel default is 50 µs). */
export const MAX_TIMER_SLACK_NS = 1_000_000_000;

/** Default `realtime.timerSlackNs`: 1 ns, i.e. "lowered" (wake-ups from `Atomics.wait` come much closer to the deadline). */
export const DEFAULT_TIMER_SLACK_NS = 1;

/** An integer field within `[min, max]`, with messages that name the range. */
function intInRange(min: number, max: number, description: string) {
  const range = `an integer from ${min} to ${max}`;
  return z
    .number({ error: (issue) => `expected ${range}, got ${describeValue(issue.input)}` })
    .int({ error: (issue) => `expected ${range}, got ${describeValue(issue.input)}` })
    .min(min, { error: (issue) => `expected ${range}, got ${describeValue(issue.input)}` })
    .max(max, { error: (issue) => `expected ${range}, got ${describeValue(issue.input)}` })
    .describe(description);
}

const CPU_EXPECTED = `expected a CPU number (an integer from 0 to ${MAX_CPU_INDEX}) or a non-empty list of them like [1, 3]`;

const cpuField = z
  .union(
    [
      intInRange(0, MAX_CPU_INDEX, 'A CPU number.'),
      z
        .array(intInRange(0, MAX_CPU_INDEX, 'A CPU number.'))
        .min(1, { error: 'expected at least one CPU number, e.g. [1]' }),
    ],
    { error: (issue) => `${CPU_EXPECTED}, got ${describeValue(issue.input)}` },
  )
  .describe(
    'CPU affinity of the real-time thread: one CPU number or a list (the thread alone, not the process). With the native addon, else through taskset (util-linux) on that thread.',
  );

const realtimeSchema = strict({
  priority: intInRange(
    1,
    99,
    'SCHED_FIFO priority (1..99) of the thread that runs the loop (cyclictest uses 80). Needs the native addon. Not requested when absent.',
  ).optional(),
  cpu: cpuField.optional(),
  lockMemory: z
    .boolean()
    .optional()
    .describe('Lock the process memory (mlockall) so the loop never page-faults. Needs the native addon.'),
  cpuDmaLatency: intInRange(
    0,
    MAX_CPU_DMA_LATENCY_US,
    'Hold /dev/cpu_dma_latency at this many microseconds for the whole run (0: idle CPUs poll instead of sleeping, as cyclictest does). Needs root. Not requested when absent.',
  ).optional(),
  timerSlackNs: z
    .union([intInRange(1, MAX_TIMER_SLACK_NS, 'Timer slack in ns.'), z.literal(false)], {
      error: (issue) =>
        `expected an integer from 1 to ${MAX_TIMER_SLACK_NS} (ns), or false to leave the kernel default, got ${describeValue(issue.input)}`,
    })
    .optional()
    .meta({ default: DEFAULT_TIMER_SLACK_NS })
    .describe(
      'Timer slack of the loop thread in ns (Linux batches timer wake-ups within it; 50000 by default for normal threads). false leaves it alone.',
    ),
  nice: intInRange(
    -20,
    19,
    'Nice value of the loop thread (-20 highest .. 19 lowest); negative values need root or CAP_SYS_NICE. Not requested when absent.',
  ).optional(),
}).describe(
  'Real-time setup of the loop thread and process; every step is reported as applied, refused (with the reason) or not requested. @default only the timer slack is lowered (to 1 ns)',
);

/** Default `watchdog.grace` of a configured watchdog. */
export const DEFAULT_WATCHDOG_GRACE = '50ms';
/** Grace of the watchdog a config without a `watchdog` key gets: at least this long, ns… */
export const DEFAULT_WATCHDOG_MIN_GRACE_NS = 1_000_000_000;
/** …and at least this many frames (of the largest frame). */
export const DEFAULT_WATCHDOG_GRACE_FRAMES = 10;

const watchdogSchema = strict({
  grace: durationField(
    'How long a slot may run past its job\'s deadline before the watchdog raises "stuck".',
  ).prefault(DEFAULT_WATCHDOG_GRACE),
  failSafe: refField(
    'Fail-safe run in the watchdog thread on "stuck" (once per stuck event): "path#export", the path relative to the config file. Called with { stuck, params, data, heartbeat }.',
  ).optional(),
  failSafeParams: z
    .unknown()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : jsonValueProblem(value);
      if (problem !== null)
        ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    })
    .optional()
    .describe(
      'Any JSON value, handed to the fail-safe function as `params` (e.g. which outputs to drive to which safe values). Absent: null.',
    ),
  onStuck: z
    .enum(['end-run', 'keep-running'], {
      error: (issue) => `expected "end-run" or "keep-running", got ${describeValue(issue.input)}`,
    })
    .prefault('end-run')
    .describe(
      '"end-run": `hardtick run` ends at the first stuck event (report with stopReason "stuck"). "keep-running": the run goes on; every stuck event (a later one after the task returned) is raised, runs the fail-safe and is listed in the report; the run ends as "stuck" only if still stuck when it should end (worker mode).',
    ),
  exitCode: z
    .union([intInRange(1, 255, 'Exit code.'), z.literal(false)], {
      error: (issue) =>
        `expected an integer from 1 to 255 (75 is conventional), or false, got ${describeValue(issue.input)}`,
    })
    .optional()
    .meta({ default: false })
    .describe(
      'Exit code of `hardtick run` after a stuck event (75 is conventional); false: 1. With --thread main and onStuck "end-run" the watchdog interrupts the stuck main thread, which writes the report and exits with it (SIGKILL, and a minimal report, if the thread is blocked outside JavaScript).',
    ),
}).describe(
  'Watchdog: an independent thread watches the loop\'s heartbeat and raises "stuck" when a slot runs past its job\'s deadline + grace, runs the fail-safe and optionally ends the process.',
);

/** `gc.planned.youngFill` default: collect once the young generation is half full. */
export const DEFAULT_PLANNED_YOUNG_FILL = 0.5;
/** `gc.warn.youngFill` default. */
export const DEFAULT_WARN_YOUNG_FILL = 0.85;
/** `gc.warn.oldGrowthMb` default. */
export const DEFAULT_WARN_OLD_GROWTH_MB = 8;

/** A fraction in (0, 1] (`youngFill`), with a message that names the range. */
function fractionField(description: string) {
  const expected = 'a number greater than 0 and at most 1 (a fraction of the young generation, e.g. 0.5)';
  return z
    .number({ error: (issue) => `expected ${expected}, got ${describeValue(issue.input)}` })
    .gt(0, { error: (issue) => `expected ${expected}, got ${describeValue(issue.input)}` })
    .max(1, { error: (issue) => `expected ${expected}, got ${describeValue(issue.input)}` })
    .describe(description);
}

const plannedGcObject = strict({
  every: z
    .union(
      [
        z
          .int({
            error: (issue) =>
              `expected "auto" or a number of frames (an integer of at least 1), got ${describeValue(issue.input)}`,
          })
          .min(1, {
            error: (issue) =>
              `expected "auto" or a number of frames (an integer of at least 1), got ${describeValue(issue.input)}`,
          })
          .describe('Frames between planned collections.'),
        z.literal('auto'),
      ],
      {
        error: (issue) =>
          `expected "auto" or a number of frames (an integer of at least 1), got ${describeValue(issue.input)}`,
      },
    )
    .prefault('auto')
    .describe(
      'When to collect: every N frames, or "auto": whenever the young generation is `youngFill` full (checked after every frame).',
    ),
  minSlack: z
    .union([z.literal('auto'), durationField('Slack a planned collection needs at least.')], {
      error: (issue) => `expected "auto" or a duration like "300us", got ${describeValue(issue.input)}`,
    })
    .prefault('auto')
    .describe(
      'Slack (next release − now) a planned collection needs: "auto" = its measured cost + 25 % (at least + 50us); a duration = that much, never less than the measured cost.',
    ),
  youngFill: fractionField('"auto": collect once the young generation is this full.').prefault(
    DEFAULT_PLANNED_YOUNG_FILL,
  ),
});

const gcWarnObject = strict({
  youngFill: fractionField(
    'Warn when the young generation is this full (an unplanned scavenge is imminent).',
  ).prefault(DEFAULT_WARN_YOUNG_FILL),
  oldGrowthMb: z
    .number({ error: (issue) => `expected a positive number of MB, got ${describeValue(issue.input)}` })
    .gt(0, { error: (issue) => `expected a positive number of MB, got ${describeValue(issue.input)}` })
    .prefault(DEFAULT_WARN_OLD_GROWTH_MB)
    .describe('Warn each time the old generation has grown by this many MB (a mark-compact is coming).'),
});

const gcSchema = strict({
  planned: z
    .union([z.boolean(), plannedGcObject], {
      error: (issue) =>
        `expected true, false or an object { every, minSlack, youngFill }, got ${describeValue(issue.input)}`,
    })
    .optional()
    .describe(
      'Planned minor GCs in frame slack (true: every "auto", minSlack "auto"), so the young generation never fills during a task. Off when absent.',
    ),
  warn: z
    .union([z.boolean(), gcWarnObject], {
      error: (issue) =>
        `expected true, false or an object { youngFill, oldGrowthMb }, got ${describeValue(issue.input)}`,
    })
    .optional()
    .describe(
      'Early warnings from heap statistics (young generation nearly full, old generation growing). Off when absent.',
    ),
}).describe(
  "GC governance of the loop's isolate: planned minor collections in measured slack and heap early warnings (src/gc). Off when absent.",
);

/** Longest `lease.candidate`, characters. */
export const MAX_CANDIDATE_LENGTH = 128;
/** Default `lease.etcd.callTimeout`. */
export const DEFAULT_LEASE_CALL_TIMEOUT = '500ms';
/** Default `lease.campaignInterval`. */
export const DEFAULT_LEASE_CAMPAIGN_INTERVAL = '100ms';
/** Default `lease.driftRate`: the rate two clocks may differ by, as a fraction. */
export const DEFAULT_LEASE_DRIFT_RATE = 0.01;
/** Smallest default `lease.margin`, ns (it is otherwise a tenth of the TTL). */
export const MIN_DEFAULT_LEASE_MARGIN_NS = 50_000_000;

/** The default `lease.margin` for a TTL: a tenth of it, at least 50 ms (ns). */
export function defaultLeaseMarginNs(ttlNs: number): number {
  return Math.max(MIN_DEFAULT_LEASE_MARGIN_NS, Math.round(ttlNs / 10));
}

/** The default `lease.renewInterval` for a TTL: a third of it (ns). */
export function defaultLeaseRenewIntervalNs(ttlNs: number): number {
  return Math.round(ttlNs / 3);
}

const ENDPOINT_EXPECTED = 'expected an etcd client endpoint like "127.0.0.1:2379" or "http://10.0.0.1:2379"';
/** `host:port` or `http(s)://host:port`, no spaces (etcd3's `hosts`). */
const ENDPOINT_PATTERN = /^(https?:\/\/)?[^\s/:,]+(:\d{1,5})$/;

const endpointField = z
  .string({ error: (issue) => `${ENDPOINT_EXPECTED}, got ${describeValue(issue.input)}` })
  .regex(ENDPOINT_PATTERN, {
    error: (issue) => `${ENDPOINT_EXPECTED}, got ${describeValue(issue.input)}`,
  })
  .describe('An etcd client endpoint: "host:port" or "http(s)://host:port".');

const leaseEtcdSchema = strict({
  endpoints: z
    .union([endpointField, z.array(endpointField).min(1, { error: 'expected at least one endpoint' })], {
      error: (issue) =>
        `${ENDPOINT_EXPECTED}, or a non-empty list of them, got ${describeValue(issue.input)}`,
    })
    .describe('The etcd cluster\'s client endpoints: one "host:port" or a list.'),
  callTimeout: durationField(
    'Deadline of each etcd call (campaign, renewal, resignation); less than the TTL.',
  ).prefault(DEFAULT_LEASE_CALL_TIMEOUT),
}).describe(
  'The etcd v3 cluster that holds the election (needs the optional npm package "etcd3"; a run without it fails at start with "lease_backend_missing").',
);

const leaseSchema = strict({
  etcd: leaseEtcdSchema,
  key: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required: expected the election key, e.g. "/hardtick/motor-1/leader"'
          : `expected the election key (a non-empty string), got ${describeValue(issue.input)}`,
    })
    .min(1, { error: 'expected the election key (a non-empty string), got an empty string' })
    .describe(
      'The election key: the same for every candidate of one loop (e.g. "/hardtick/motor-1/leader"); its create revision is the fencing token.',
    ),
  ttl: durationField(
    'Lease TTL, whole seconds (etcd counts seconds). A stopped leader loses the lease a TTL after its last renewal: a takeover takes about a TTL and half a second.',
    {
      required:
        'expected the lease TTL, a whole number of seconds like "1s" (a takeover takes about TTL + 0.5 s)',
    },
  ),
  candidate: z
    .string({ error: (issue) => `expected a candidate name (a string), got ${describeValue(issue.input)}` })
    .max(MAX_CANDIDATE_LENGTH, {
      error: (issue) =>
        `expected a candidate name of at most ${MAX_CANDIDATE_LENGTH} characters, got ${describeValue(issue.input)}`,
    })
    .regex(/^[\x21-\x7e]+$/, {
      error: (issue) =>
        issue.input === ''
          ? 'expected a candidate name, got an empty string'
          : `expected a candidate name of printable ASCII without spaces, got ${describeValue(issue.input)}`,
    })
    .optional()
    .describe(
      "This process's name in the election, the run report and a fencing sink's audit log. Defaults to the host name and process id, e.g. \"pi-01:4242\"; the run's `--candidate` overrides it (two processes on one config need different names).",
    ),
  margin: durationField(
    'Safety margin taken off every validity: a renewal sent at t keeps the lease valid until t + TTL × (1 − driftRate) − margin. Defaults to a tenth of the TTL, at least 50ms.',
    { allowZero: true },
  ).optional(),
  renewInterval: durationField(
    'Time between renewals while leading; shorter than TTL × (1 − driftRate) − margin. Defaults to a third of the TTL.',
  ).optional(),
  driftRate: z
    .number({ error: (issue) => `expected a number from 0 to below 1, got ${describeValue(issue.input)}` })
    .min(0, { error: (issue) => `expected a number from 0 to below 1, got ${describeValue(issue.input)}` })
    .lt(1, { error: (issue) => `expected a number from 0 to below 1, got ${describeValue(issue.input)}` })
    .prefault(DEFAULT_LEASE_DRIFT_RATE)
    .describe(
      "Bound on the rate difference between this machine's clock and etcd's (0.01 = 1 %): the validity is shortened by it.",
    ),
  campaignInterval: durationField(
    'Time between campaign attempts while another candidate leads: part of the takeover time.',
  ).prefault(DEFAULT_LEASE_CAMPAIGN_INTERVAL),
  rejoin: z
    .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
    .prefault(true)
    .describe(
      'After losing the lease, campaign again (as the standby) after `rejoinDelay`; false: stay passive.',
    ),
  rejoinDelay: durationField(
    'How long a candidate that lost the lease waits before it campaigns again. Defaults to the TTL.',
    { allowZero: true },
  ).optional(),
})
  .superRefine((lease, ctx) => checkLease(lease, ctx))
  .describe(
    'Hot standby: `hardtick run` joins an election in etcd and runs the tasks only while it holds the lease (a standby keeps its frames and runs no task); tasks get `ctx.lease` (valid(), the fencing token). Off when absent.',
  );

/** The lease checks that need several fields (paths relative to `lease`). */
function checkLease(lease: Record<string, unknown>, ctx: z.core.$RefinementCtx<unknown>): void {
  const ttlNs = nsOrUndefined(lease.ttl);
  if (ttlNs === undefined) return;
  if (ttlNs % 1_000_000_000 !== 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['ttl'],
      message: `expected a whole number of seconds like "1s" or "2s" (etcd leases count seconds), got ${formatNs(ttlNs)}`,
    });
    return;
  }
  const drift = typeof lease.driftRate === 'number' ? lease.driftRate : DEFAULT_LEASE_DRIFT_RATE;
  const marginNs = nsOrUndefined(lease.margin) ?? defaultLeaseMarginNs(ttlNs);
  const validityNs = ttlNs * (1 - drift) - marginNs;
  if (!(validityNs > 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['margin'],
      message: `margin ${formatNs(marginNs)} leaves no validity: TTL ${formatNs(ttlNs)} × (1 − ${drift}) − margin must be positive; lower the margin or raise the TTL`,
    });
    return;
  }
  const renewNs = nsOrUndefined(lease.renewInterval) ?? defaultLeaseRenewIntervalNs(ttlNs);
  if (renewNs >= validityNs) {
    ctx.addIssue({
      code: 'custom',
      path: ['renewInterval'],
      message: `renewInterval ${formatNs(renewNs)} must be shorter than the validity TTL × (1 − driftRate) − margin = ${formatNs(validityNs, { maxFractionDigits: 3 })}, or the lease lapses between renewals`,
    });
  }
  const etcd = lease.etcd;
  const callNs = isRecord(etcd) ? nsOrUndefined(etcd.callTimeout) : undefined;
  if (callNs !== undefined && callNs >= ttlNs) {
    ctx.addIssue({
      code: 'custom',
      path: ['etcd', 'callTimeout'],
      message: `callTimeout ${formatNs(callNs)} must be shorter than the TTL ${formatNs(ttlNs)}: a call that outlasts the lease cannot keep it`,
    });
  }
}

function marginMessage(value: unknown): string {
  return `expected "auto" or a duration like "100us" (0 for no spin), got ${describeValue(value)}${didYouMean(value, ['auto'])}`;
}

/** A number in (0, 1) (`open`) or (0, 1] (`closed`), with a message that names the range. */
function shareField(description: string, closed: boolean) {
  const expected = closed ? 'a number greater than 0 and at most 1' : 'a number between 0 and 1 (exclusive)';
  const message = (issue: { input?: unknown }) => `expected ${expected}, got ${describeValue(issue.input)}`;
  const base = z.number({ error: message }).gt(0, { error: message });
  return (closed ? base.max(1, { error: message }) : base.lt(1, { error: message })).describe(description);
}

const waiterSchema = strict({
  margin: autoOrDurationField(
    'How long before each release the loop stops sleeping and spins: "auto" learns it from how late this machine wakes from a sleep of each length; a duration fixes it (`--margin` overrides both).',
    marginMessage,
    { allowZero: true },
  ).prefault('auto'),
  quantile: shareField(
    '"auto": the share of wake-ups the margin covers (0.99: all but the latest 1 % land before the release).',
    false,
  ).prefault(DEFAULT_MARGIN_QUANTILE),
  minMargin: durationField('"auto": smallest margin.', { allowZero: true }).prefault(
    formatNs(DEFAULT_MIN_MARGIN_NS),
  ),
  maxMargin: durationField('"auto": largest margin (at most 1s).').prefault(formatNs(DEFAULT_MAX_MARGIN_NS)),
  maxSpinShare: shareField(
    '"auto": the CPU budget of the spin, a share of each wait: the margin is at most what spins this share on average (0.005: 5us per 1ms frame), even when that leaves the quantile uncovered.',
    true,
  ).prefault(DEFAULT_MAX_SPIN_SHARE),
})
  .superRefine((value, ctx) => {
    if (value.maxMargin > MAX_MARGIN_LIMIT_NS)
      ctx.addIssue({
        code: 'custom',
        path: ['maxMargin'],
        message: `maxMargin ${formatNs(value.maxMargin)} is above the 1s limit`,
      });
    if (value.minMargin > value.maxMargin)
      ctx.addIssue({
        code: 'custom',
        path: ['minMargin'],
        message: `minMargin ${formatNs(value.minMargin)} exceeds maxMargin ${formatNs(value.maxMargin)}`,
      });
  })
  .prefault({})
  .describe(
    "The loop's waiter: it sleeps until a margin before each release, then spins. Default: the margin is learned (p99 of the wake-up lateness per sleep length, 10us-1ms, spinning 0.5 % of a wait on average at most).",
  );

/** `waiter`, resolved from the parsed file (every default filled in). */
export function resolveWaiterConfig(parsed: z.output<typeof waiterSchema>): ResolvedWaiter {
  return {
    marginNs: parsed.margin,
    quantile: parsed.quantile,
    minMarginNs: parsed.minMargin,
    maxMarginNs: parsed.maxMargin,
    maxSpinShare: parsed.maxSpinShare,
  };
}

/** The config file schema (input side: what users write). */
export const configFileSchema = strict({
  $schema: z.string().optional().describe('Path or URL of this JSON Schema (for editors).'),
  name: nameField('config', 'Name of this configuration (shown in reports).'),
  frame: frameField(
    'Minor frame size: "auto" (the planner picks the largest feasible) or a fixed duration.',
  ).prefault('auto'),
  slicing: slicingSchema.prefault('off'),
  tasks: tasksSchema,
  modes: z
    .record(z.string(), modeSchema)
    .meta({ propertyNames: { type: 'string', pattern: NAME_PATTERN.source, not: { const: MAIN_MODE } } })
    .optional()
    .describe('Further modes by name, each with its own tasks (the top-level tasks are the mode "main").'),
  initialMode: z.string().optional().describe('Mode the loop starts in. Defaults to "main".'),
  catchUp: catchUpSchema,
  alarms: alarmsSchema,
  limits: limitsSchema,
  realtime: realtimeSchema.optional(),
  watchdog: z
    .union([watchdogSchema, z.literal(false)])
    .optional()
    .describe(
      'Watchdog: an independent thread watches the loop\'s heartbeat, raises "stuck" when a slot runs past its job\'s deadline + grace, runs the fail-safe and may end the process. Absent: a default one (grace max(1s, 10 frames), onStuck "end-run", exit code 1) names a task that never returns. false: none.',
    ),
  gc: gcSchema.optional(),
  lease: leaseSchema.optional(),
  allowOutsideProject: z
    .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
    .optional()
    .meta({ default: false })
    .describe(
      "Let `run`, `degraded`, `safeState` and `failSafe` name modules outside the project (the nearest folder with a package.json, else the config's folder). A config is code: leave this off unless you trust where those modules come from.",
    ),
  waiter: waiterSchema,
})
  .superRefine(crossCheck, { when: () => true })
  .describe(
    `hardtick configuration: a cyclic executive task set. Limits: a JSON file of at most ${MAX_CONFIG_FILE_BYTES} bytes (4 MiB); strings and keys of at most ${MAX_CONFIG_STRING_LENGTH} characters (task and mode names ${MAX_NAME_LENGTH}); nesting at most ${MAX_CONFIG_DEPTH} deep; at most ${MAX_CONFIG_VALUES} values.`,
  );

/** What a config file may contain (durations as numbers of ms or unit strings). */
export type ConfigFileInput = z.input<typeof configFileSchema>;

/** The schema's output: durations in integer ns, constant defaults filled. */
export type ParsedConfigFile = z.output<typeof configFileSchema>;

/**
 * Checks that need several fields. Runs even when other fields failed (`when`), so it
 * reads defensively: a field that failed is not a number/string of the expected kind and
 * is simply skipped.
 */
function crossCheck(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isRecord(value)) return;
  const topFrame = value.frame;
  const topSlicing = value.slicing;
  const modeNames = [MAIN_MODE];
  checkTasks(value.tasks, ['tasks'], topFrame, topSlicing, ctx);
  if (isRecord(value.modes)) {
    for (const [name, mode] of Object.entries(value.modes)) {
      if (name === MAIN_MODE) {
        ctx.addIssue({
          code: 'custom',
          path: ['modes', name],
          message: `"${MAIN_MODE}" is reserved for the top-level tasks; give this mode another name`,
        });
        continue;
      }
      // Reported before the schema runs (`reservedModeNameProblems`): a `__proto__` key never reaches here.
      if (reservedNameProblem(name) !== undefined) continue;
      if (!NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['modes', name],
          message: `invalid mode name ${describeValue(name)}: use up to ${MAX_NAME_LENGTH} letters, digits, "_", "." or "-", starting with a letter or "_"`,
        });
      }
      modeNames.push(name);
      if (!isRecord(mode)) continue;
      checkTasks(
        mode.tasks,
        ['modes', name, 'tasks'],
        mode.frame === undefined ? topFrame : mode.frame,
        mode.slicing === undefined ? topSlicing : mode.slicing,
        ctx,
      );
    }
  }
  const initial = value.initialMode;
  if (typeof initial === 'string' && !modeNames.includes(initial)) {
    ctx.addIssue({
      code: 'custom',
      path: ['initialMode'],
      message: `unknown mode ${JSON.stringify(initial)}${didYouMean(initial, modeNames)}; modes: ${modeNames.join(', ')}`,
    });
  }
}

function checkTasks(
  tasks: unknown,
  path: readonly PropertyKey[],
  frame: unknown,
  slicing: unknown,
  ctx: z.core.$RefinementCtx<unknown>,
): void {
  if (!Array.isArray(tasks)) return;
  const firstIndexByName = new Map<string, number>();
  tasks.forEach((task: unknown, index) => {
    if (!isRecord(task)) return;
    const at = (key: string): PropertyKey[] => [...path, index, key];
    if (typeof task.name === 'string') {
      const first = firstIndexByName.get(task.name);
      if (first === undefined) firstIndexByName.set(task.name, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: at('name'),
          message: `duplicate task name ${JSON.stringify(task.name)} (also at index ${first}); task names must be unique within a mode`,
        });
      }
    }
    if (task.isolateGrace !== undefined && task.isolate !== true) {
      ctx.addIssue({
        code: 'custom',
        path: at('isolateGrace'),
        message: 'only used when "isolate" is true; set "isolate": true or remove it',
      });
    }
    const periodNs = nsOrUndefined(task.period);
    const budgetNs = nsOrUndefined(task.budget);
    const phaseNs = nsOrUndefined(task.phase);
    const deadlineNs = task.deadline === undefined ? periodNs : nsOrUndefined(task.deadline);
    if (budgetNs !== undefined && deadlineNs !== undefined && budgetNs > deadlineNs) {
      const implicit = task.deadline === undefined ? ' (the deadline defaults to the period)' : '';
      ctx.addIssue({
        code: 'custom',
        path: at('budget'),
        message: `budget ${formatNs(budgetNs)} exceeds the deadline ${formatNs(deadlineNs)}${implicit}; no job could finish in time: lower the budget or raise the deadline`,
      });
    }
    if (phaseNs !== undefined && periodNs !== undefined && phaseNs >= periodNs) {
      ctx.addIssue({
        code: 'custom',
        path: at('phase'),
        message: `phase ${formatNs(phaseNs)} must be less than the period ${formatNs(periodNs)}`,
      });
    }
    const frameNs = nsOrUndefined(frame);
    if (slicing === 'off' && frameNs !== undefined && budgetNs !== undefined && budgetNs > frameNs) {
      ctx.addIssue({
        code: 'custom',
        path: at('budget'),
        message: `budget ${formatNs(budgetNs)} exceeds the frame ${formatNs(frameNs)}; with slicing "off" every job must fit in one frame: set "slicing": "auto" or a frame of at least ${formatNs(budgetNs)}`,
      });
    }
  });
}

/** A successfully converted duration, or undefined (absent or failed elsewhere). */
function nsOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
