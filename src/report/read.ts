/**
 * Reads a `hardtick.run/v1` run report back from a file, for `hardtick check` and
 * `hardtick report`: one loader that says what is wrong, where, and what was expected
 * (not JSON → `file:line:column`; another schema id; missing or mistyped fields → their
 * paths). Cold path.
 *
 * The schema below checks the contract fields (docs/run-report.md), and the shape of the
 * extras the renderers draw when they are present (histograms, trace, pWCET). Unknown
 * fields pass through untouched, so newer reports stay readable.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { configErrorMap, problemsFromIssues } from '../config/issues.js';
import { parseJsonText } from '../config/json-text.js';
import { HardtickError } from '../errors.js';
import {
  MAX_REPORT_FILE_BYTES,
  type ReportProblem,
  reportConsistencyProblems,
  reportSizeProblems,
} from './consistency.js';
import { LEASE_TRANSITION_KINDS } from './lease.js';
import { RUN_REPORT_SCHEMA } from './run-report.js';

const num = z.number();
const count = z.number().int().min(0);

const distribution = z.looseObject({
  min: num,
  mean: num,
  p50: num,
  p99: num,
  p999: num,
  max: num,
  count: count.optional(),
});

const pwcetSchema = z.looseObject({
  samples: num.optional(),
  model: z.string().optional(),
  pwcetNs: z.record(z.string(), num.nullable()),
  fitsBudget: z.boolean().nullable().optional(),
  diagnostics: z
    .looseObject({
      ok: z.boolean().optional(),
      warnings: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
});

const notRunSchema = z.looseObject({
  total: count,
  policy: count,
  catchUp: count,
  pause: count,
  unavailable: count,
  cutOff: count,
});

const taskSchema = z.looseObject({
  name: z.string(),
  budgetNs: num,
  releases: count,
  overruns: count,
  deadlineMisses: count,
  errors: count,
  execNs: distribution,
  mode: z.string().optional(),
  deadlineNs: num.optional(),
  periodNs: num.optional(),
  runs: count.optional(),
  skipped: count.optional(),
  jobsRun: count.optional(),
  late: count.optional(),
  notRun: notRunSchema.optional(),
  censored: count.optional(),
  execMaxFrame: num.optional(),
  responseNs: distribution.optional(),
  execHistogram: z.array(z.tuple([num, num, count])).optional(),
  pwcet: pwcetSchema.nullable().optional(),
});

const traceEntrySchema = z.looseObject({
  frame: num,
  task: z.string(),
  mode: z.string().optional(),
  startNs: num,
  endNs: num,
  flags: count,
  frameReleaseNs: num.optional(),
  frameStartNs: num.optional(),
});

const environmentSchema = z.looseObject({
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  kernel: z.string(),
  clock: z.string(),
  waiter: z.string(),
  schedulingPolicy: z.string(),
  hardtick: z.string().optional(),
  kernelVersion: z.string().optional(),
  cpus: z
    .looseObject({
      count: num.optional(),
      model: z.string().optional(),
      governor: z.string().nullable().optional(),
      frequencyMhz: num.nullable().optional(),
      maxFrequencyMhz: num.nullable().optional(),
    })
    .optional(),
  backend: z.string().nullable().optional(),
  scheduling: z.looseObject({ policy: z.string(), priority: num, nice: num }).nullable().optional(),
  realtime: z
    .looseObject({
      preemption: z.string().optional(),
      isolatedCpus: z.string().nullable().optional(),
      cpusAllowed: z.string().nullable().optional(),
    })
    .optional(),
  thread: z.string().optional(),
});

const leaseSchema = z.looseObject({
  key: z.string(),
  candidate: z.string(),
  ttlNs: num.optional(),
  transitions: z.array(
    z.looseObject({
      at: z.string(),
      sinceStartNs: num,
      kind: z.enum(LEASE_TRANSITION_KINDS),
      token: num.nullable(),
      reason: z.string().nullable(),
    }),
  ),
  transitionsDropped: count.optional(),
  leadingNs: num,
  standbyNs: num,
  standbyFrames: count,
  tokens: z.array(num),
  errors: count.optional(),
});

/** The zod schema a run report file must satisfy (contract fields required; extras checked when present). */
export const runReportFileSchema = z.looseObject({
  schema: z.literal(RUN_REPORT_SCHEMA),
  environment: environmentSchema,
  frames: z.looseObject({
    count,
    overruns: count,
    skipped: count,
    lostToPause: count.optional(),
    cutOff: count.optional(),
    standby: count.optional(),
  }),
  release: z.looseObject({
    latenessNs: z.looseObject({ min: num, p50: num, p99: num, p999: num, max: num, count: count.optional() }),
  }),
  tasks: z.array(taskSchema),
  gc: z.looseObject({ count, maxPauseNs: num, unplanned: count, unavailable: z.string().optional() }),
  alarms: z.record(z.string(), count),
  config: z.looseObject({ name: z.string() }).optional(),
  frameNs: num.optional(),
  durationNs: num.optional(),
  startedAt: z.string().optional(),
  stopReason: z.string().nullable().optional(),
  exitCode: num.optional(),
  fatal: z.looseObject({ kinds: z.array(z.string()), occurred: z.array(z.string()) }).optional(),
  pauses: z
    .looseObject({
      count: count,
      events: z.array(z.looseObject({ atNs: num, lengthNs: num, cause: z.string() })),
    })
    .optional(),
  trace: z.array(traceEntrySchema).optional(),
  traceOverruns: z.array(traceEntrySchema).optional(),
  stuck: z
    .array(z.looseObject({ task: z.string(), frame: num, overrunNs: num, failSafe: z.string() }))
    .optional(),
  lease: leaseSchema.optional(),
  accounting: z
    .looseObject({
      notRun: notRunSchema,
      censored: count,
      framesElapsed: count.nullable(),
    })
    .optional(),
  crash: z
    .looseObject({
      cause: z.string(),
      message: z.string(),
      task: z.string().optional(),
      at: z.string().optional(),
      slot: z
        .looseObject({
          task: z.string().nullable(),
          mode: z.string().nullable(),
          frame: num.nullable(),
          slot: num.nullable(),
        })
        .optional(),
    })
    .optional(),
  warmup: z
    .looseObject({
      frames: count,
      durationNs: num,
      totalNs: num.optional(),
      alarms: z.record(z.string(), count).optional(),
      pauses: z.array(z.looseObject({ atNs: num, lengthNs: num })).optional(),
      stuck: count.optional(),
    })
    .optional(),
  evidence: z.looseObject({ source: z.string(), thread: z.string().nullable().optional() }).optional(),
  waiterMargin: z
    .looseObject({
      mode: z.string(),
      fixedMarginNs: num.nullable(),
      quantile: num,
      maxSpinShare: num,
      classes: z.array(
        z.looseObject({
          waitFromNs: num,
          waitToNs: num.nullable(),
          samples: count,
          oversleepNs: z.looseObject({ quantile: num, max: num }),
          lastMarginNs: num,
        }),
      ),
    })
    .optional(),
});

/** A run report as read from a file: the contract fields, the known extras when present. */
export type LoadedRunReport = z.infer<typeof runReportFileSchema>;
/** One task of a {@link LoadedRunReport}. */
export type LoadedTask = LoadedRunReport['tasks'][number];
/** One trace slot of a {@link LoadedRunReport}. */
export type LoadedTraceEntry = NonNullable<LoadedRunReport['trace']>[number];
/** The environment of a {@link LoadedRunReport}. */
export type LoadedEnvironment = LoadedRunReport['environment'];

/**
 * Validates parsed JSON as a run report. `file` names the source in messages.
 * @throws HardtickError `report_invalid`: another schema id, or one line per missing or
 * mistyped field (`tasks[0].execNs.max: required: expected a number`);
 * `report_inconsistent`: well-formed but figures no run can produce (see consistency.ts),
 * `<file>: not a consistent report: <path>: <problem>`, one more line per further problem.
 */
export function parseRunReport(value: unknown, file = 'report'): LoadedRunReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HardtickError(
      'report_invalid',
      `${file}: not a run report: expected a JSON object with "schema": "${RUN_REPORT_SCHEMA}", got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
      { file },
    );
  }
  const schema = (value as { schema?: unknown }).schema;
  if (schema !== RUN_REPORT_SCHEMA) {
    const got = schema === undefined ? 'no "schema" field' : `"schema": ${JSON.stringify(schema)}`;
    const hint =
      typeof schema === 'string' && schema.startsWith('hardtick.run/')
        ? ' (a report from another hardtick version: re-run with this version, or use the matching hardtick)'
        : ' (write one with `hardtick run <config> --report FILE`)';
    throw new HardtickError(
      'report_invalid',
      `${file}: not a hardtick run report: expected "schema": "${RUN_REPORT_SCHEMA}", got ${got}${hint}`,
      { file, path: 'schema' },
    );
  }
  const tooLarge = reportSizeProblems(value);
  if (tooLarge.length > 0) throw inconsistent(file, tooLarge);
  const result = runReportFileSchema.safeParse(value, { error: configErrorMap });
  if (result.success) {
    const problems = reportConsistencyProblems(result.data);
    if (problems.length > 0) throw inconsistent(file, problems);
    return result.data;
  }
  const problems = problemsFromIssues(result.error.issues);
  const lines = problems.map((p) => `${p.path}: ${p.message}`);
  const n = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  throw new HardtickError(
    'report_invalid',
    [`${file}: ${n} in run report (${RUN_REPORT_SCHEMA})`, ...lines.map((l) => `  ${l}`)].join('\n'),
    { file, issues: lines, ...(problems[0] === undefined ? {} : { path: problems[0].path }) },
  );
}

function inconsistent(file: string, problems: readonly ReportProblem[]): HardtickError {
  const lines = problems.map((p) => `${p.path}: ${p.message}`);
  return new HardtickError(
    'report_inconsistent',
    [`${file}: not a consistent report: ${lines[0]}`, ...lines.slice(1).map((l) => `  ${l}`)].join('\n'),
    { file, issues: lines, ...(problems[0] === undefined ? {} : { path: problems[0].path }) },
  );
}

/**
 * Reads and validates a run report file.
 * @throws HardtickError `report_unreadable` (missing, a directory, no permission, over
 * 256 MiB), `report_not_json` (`file:line:column: not valid JSON: …`), `report_invalid`
 * or `report_inconsistent`.
 */
export function readRunReport(file: string): LoadedRunReport {
  let text: string;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) {
      throw Object.assign(new Error('it is a directory, not a file'), { code: 'EISDIR' });
    }
    if (stats.size > MAX_REPORT_FILE_BYTES) {
      throw Object.assign(
        new Error(
          `the file has ${stats.size} bytes; a run report may have at most ${MAX_REPORT_FILE_BYTES} (256 MiB)`,
        ),
        { code: 'EFBIG' },
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HardtickError('report_unreadable', `cannot read run report ${file}: ${osReason(error)}`, {
      file,
      cause: error,
    });
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, reason } = parsed.problem;
    throw new HardtickError(
      'report_not_json',
      `${file}:${line}:${column}: not valid JSON: ${reason} (expected a ${RUN_REPORT_SCHEMA} report written by \`hardtick run --report\`)`,
      { file },
    );
  }
  return parseRunReport(parsed.value, file);
}

function osReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
