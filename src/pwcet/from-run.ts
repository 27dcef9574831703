/**
 * pWCET from a run: from an executive's sample buffers (the run report builds each task's
 * `pwcet` with it) and from a saved run report's `tasks[i].execSamples`
 * (`hardtick pwcet run.json --task NAME`). Cold path; allocates.
 */
import { HardtickError } from '../errors.js';
import type { ExecSamplesSnapshot } from '../stats/exec-samples.js';
import { estimatePwcet, type PwcetOptions, type PwcetResult } from './estimate.js';
import { evidenceFromExecSamples, execSamplesShortfall } from './evidence.js';

/**
 * The pWCET of one task's run buffers against its budget, or null when they hold too few
 * samples (fewer than 500 executions or 20 complete blocks) or no variation to fit.
 * Never throws.
 */
export function tryPwcetFromExecSamples(
  snap: ExecSamplesSnapshot | undefined,
  budgetNs: number | null,
): PwcetResult | null {
  if (snap === undefined) return null;
  const evidence = evidenceFromExecSamples(snap);
  if (evidence === null) return null;
  try {
    return estimatePwcet(evidence, { budgetNs });
  } catch (error) {
    if (error instanceof HardtickError) return null;
    throw error;
  }
}

/** A task of a run report as `hardtick pwcet` needs it. */
export interface ReportTaskSamples {
  readonly name: string;
  readonly budgetNs: number;
  readonly execSamples: ExecSamplesSnapshot;
}

/**
 * Finds task `taskName` in a parsed run report and checks its `execSamples`. `taskName`
 * may be omitted when exactly one task has samples. Throws `HardtickError('samples_invalid')`
 * saying what is missing or malformed, and where.
 */
export function taskSamplesFromReport(
  report: unknown,
  taskName: string | undefined,
  file: string,
): ReportTaskSamples {
  const fail = (message: string): never => {
    throw new HardtickError('samples_invalid', `${file}: ${message}`, { file });
  };
  if (typeof report !== 'object' || report === null || Array.isArray(report))
    fail('not a run report (a JSON object was expected)');
  const r = report as { schema?: unknown; tasks?: unknown };
  if (typeof r.schema !== 'string' || !r.schema.startsWith('hardtick.run/'))
    fail(`not a run report: schema is ${JSON.stringify(r.schema)}, expected "hardtick.run/v1"`);
  if (!Array.isArray(r.tasks)) fail('tasks: expected an array');
  const tasks = r.tasks as unknown[];
  const named = tasks.map((t, i) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    return { i, name: typeof o.name === 'string' ? o.name : `#${i}`, o };
  });
  let pick: (typeof named)[number] | undefined;
  if (taskName === undefined) {
    const withSamples = named.filter((t) => t.o.execSamples !== undefined);
    if (withSamples.length !== 1) {
      fail(
        withSamples.length === 0
          ? 'no task has execSamples (the report was written by an older hardtick, or the run ended before a final snapshot)'
          : `several tasks have samples (${withSamples.map((t) => t.name).join(', ')}): choose one with --task NAME`,
      );
    }
    pick = withSamples[0];
  } else {
    pick = named.find((t) => t.name === taskName);
    if (pick === undefined)
      fail(`no task named "${taskName}" (tasks: ${named.map((t) => t.name).join(', ')})`);
  }
  const { i, name, o } = pick!;
  const where = `tasks[${i}] ("${name}")`;
  const budgetNs =
    typeof o.budgetNs === 'number' && Number.isFinite(o.budgetNs)
      ? o.budgetNs
      : fail(`${where}.budgetNs: expected a number`);
  const s = o.execSamples;
  if (typeof s !== 'object' || s === null) {
    fail(
      `${where}.execSamples: missing (the report was written by an older hardtick, or the run ended before a final snapshot)`,
    );
  }
  const e = s as Record<string, unknown>;
  const number = (key: string, min: number): number => {
    const v = e[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      fail(`${where}.execSamples.${key}: expected a number >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const array = (key: string): number[] => {
    const v = e[key];
    if (!Array.isArray(v)) fail(`${where}.execSamples.${key}: expected an array of numbers`);
    const a = v as unknown[];
    for (let k = 0; k < a.length; k++) {
      const x = a[k];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        fail(`${where}.execSamples.${key}[${k}]: expected a number >= 0, got ${JSON.stringify(x)}`);
    }
    return a as number[];
  };
  const lag1 = e.lag1;
  if (typeof lag1 !== 'number' || !(lag1 >= -1 && lag1 <= 1))
    fail(`${where}.execSamples.lag1: expected a number in [-1, 1], got ${JSON.stringify(lag1)}`);
  return {
    name,
    budgetNs: budgetNs as number,
    execSamples: {
      count: number('count', 0),
      blockSize: number('blockSize', 1),
      blockMaxima: array('blockMaxima'),
      reservoir: array('reservoir'),
      tail: array('tail'),
      recent: array('recent'),
      lag1: lag1 as number,
    },
  };
}

/**
 * pWCET of a run report's task (see {@link taskSamplesFromReport}); throws
 * `HardtickError('samples_invalid')` when the buffers hold too few samples.
 */
export function pwcetFromReportTask(task: ReportTaskSamples, options: PwcetOptions): PwcetResult {
  const evidence = evidenceFromExecSamples(task.execSamples);
  if (evidence === null) {
    throw new HardtickError(
      'samples_invalid',
      `task "${task.name}": ${execSamplesShortfall(task.execSamples)}: too few for a pWCET fit`,
      { task: task.name },
    );
  }
  return estimatePwcet(evidence, options);
}
