/**
 * `hardtick pwcet <samples> [--task NAME] [--budget D] [--p 1e-9] [--block N] [--model M] [--json]`:
 * probabilistic WCET from execution-time samples (src/pwcet). Input: a text file with one
 * execution time in ns per line (a header line allowed), or a run report written by
 * `hardtick run --report` (its tasks' `execSamples`). Exit 0 when estimated (and within the
 * budget), 1 when a budget is known and the pWCET at `--p` exceeds it, 2 on bad input.
 */

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import {
  checkDurationNs,
  DEFAULT_BLOCK_SIZE,
  estimatePwcet,
  evidenceFromSeries,
  HardtickError,
  PWCET_PROBABILITIES,
  type PwcetModelChoice,
  type PwcetProbability,
  type PwcetResult,
  type PwcetSource,
  probabilityValue,
  pwcetFromReportTask,
  readSamplesFile,
  renderPwcet,
  taskSamplesFromReport,
} from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

const HELP = `Usage: hardtick pwcet <samples> [--task NAME] [--budget D] [--p 1e-9] [--block N]
                      [--model auto|gumbel|gev|gpd] [--json]

Probabilistic WCET (measurement-based, extreme-value theory): the execution time one job
exceeds with probability at most p, for p = 1e-3 … 1e-9. Fits a Gumbel and a GEV
distribution to block maxima and a generalised Pareto distribution to the values over a
threshold (chosen where the shape parameter is stable), reports both and the chosen one,
and checks the method's assumptions: independence (lag-1 autocorrelation, runs test),
stationarity (Mann–Kendall trend, first vs second half), goodness of fit
(Anderson–Darling) and how far below 1/n the figures are extrapolated.

<samples> is either
  - a text file: one execution time in ns per line, in time order; an optional header
    line first; blank lines ignored (at least 500 values), or
  - a run report written by 'hardtick run --report FILE': the task's recorded block
    maxima and largest values are refitted (--task NAME, needed when several tasks).

Options:
  --task NAME    the task of a run report
  --budget D     compare the pWCET at --p with this budget (a duration: 2ms, 850us;
                 a bare number is ms). A run report's task budget is the default.
  --p P          exceedance probability for the budget check and the conservative
                 model choice: one of ${PWCET_PROBABILITIES.join(', ')}   (default 1e-9)
  --block N      jobs per block for the block maxima of a samples file
                 (default ${DEFAULT_BLOCK_SIZE}, or n/50 below 5000 samples)
  --model M      auto (default), or force gumbel, gev or gpd
  --json         print { samples, model, params, pwcetNs: { "1e-3": …, "1e-9": … },
                 diagnostics, … } (pwcetNs in ns)
  -h, --help     this text

Exit codes: 0 estimated (within the budget when there is one), 1 the pWCET at --p
exceeds the budget, 2 bad input (unreadable file, a non-numeric or negative line,
fewer than 500 samples, no variation to fit). Failed diagnostics are reported as
warnings, not as an exit code: read them before trusting the figures.
`;

interface PwcetCliOptions {
  file: string;
  task: string | undefined;
  budgetNs: number | null;
  targetP: PwcetProbability;
  blockSize: number | undefined;
  model: PwcetModelChoice;
  json: boolean;
}

/** Runs `hardtick pwcet`; returns the exit code. */
export async function pwcetCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`hardtick pwcet: ${(error as Error).message}\nRun 'hardtick pwcet --help' for the options.\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.out(HELP);
    return 0;
  }
  const options = resolveOptions(parsed.values, parsed.positionals);
  if (typeof options === 'string') {
    io.err(`hardtick pwcet: ${options}\nRun 'hardtick pwcet --help' for the options.\n`);
    return 2;
  }
  const { result, source } = await estimateFromFile(options);
  if (options.json) {
    io.out(`${JSON.stringify({ ...result, source }, null, 2)}\n`);
  } else {
    io.out(renderPwcet(result, source));
  }
  return result.fitsBudget === false ? 1 : 0;
}

async function estimateFromFile(
  options: PwcetCliOptions,
): Promise<{ result: PwcetResult; source: PwcetSource }> {
  const { file } = options;
  if (looksLikeJson(file)) {
    if (options.blockSize !== undefined) {
      throw new HardtickError(
        'usage',
        '--block applies to a samples file; a run report keeps the block size the run recorded',
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new HardtickError('samples_invalid', `${file}: not valid JSON (${(error as Error).message})`, {
        file,
        cause: error,
      });
    }
    const task = taskSamplesFromReport(json, options.task, file);
    const result = pwcetFromReportTask(task, {
      budgetNs: options.budgetNs ?? task.budgetNs,
      targetP: options.targetP,
      model: options.model,
    });
    return { result, source: { file, task: task.name, header: null } };
  }
  if (options.task !== undefined) {
    throw new HardtickError('usage', `--task applies to a run report; ${file} is a samples file`);
  }
  const { values, header } = await readSamplesFile(file);
  const evidence = evidenceFromSeries(
    values,
    options.blockSize === undefined ? {} : { blockSize: options.blockSize },
  );
  const result = estimatePwcet(evidence, {
    budgetNs: options.budgetNs,
    targetP: options.targetP,
    model: options.model,
  });
  return { result, source: { file, task: null, header } };
}

/** True when the file's first non-blank character is `{` (a run report). */
function looksLikeJson(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new HardtickError('samples_unreadable', `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').trimStart();
    return head.startsWith('{');
  } catch (error) {
    throw new HardtickError('samples_unreadable', `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
}

const FLAGS = {
  task: { type: 'string' },
  budget: { type: 'string' },
  p: { type: 'string' },
  block: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function parse(argv: string[]) {
  return parseFlags(argv, FLAGS);
}

function resolveOptions(
  values: ReturnType<typeof parse>['values'],
  positionals: string[],
): PwcetCliOptions | string {
  if (positionals.length === 0) return 'missing <samples>: a samples file or a run report';
  if (positionals.length > 1) return `unexpected argument "${positionals[1]}" (pwcet takes one file)`;
  let budgetNs: number | null = null;
  if (values.budget !== undefined) {
    const text = values.budget;
    const input: unknown = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
    const check = checkDurationNs(input);
    if (!check.ok) return `--budget: ${check.message}`;
    budgetNs = check.ns;
  }
  let targetP: PwcetProbability = '1e-9';
  if (values.p !== undefined) {
    const v = Number(values.p);
    const match = PWCET_PROBABILITIES.find((p) => probabilityValue(p) === v);
    if (match === undefined)
      return `--p: expected one of ${PWCET_PROBABILITIES.join(', ')}, got "${values.p}"`;
    targetP = match;
  }
  let blockSize: number | undefined;
  if (values.block !== undefined) {
    const v = Number(values.block);
    if (!(/^\d+$/.test(values.block.trim()) && Number.isInteger(v) && v >= 1)) {
      return `--block: expected a whole number of jobs >= 1, got "${values.block}"`;
    }
    blockSize = v;
  }
  const model = values.model ?? 'auto';
  if (model !== 'auto' && model !== 'gumbel' && model !== 'gev' && model !== 'gpd') {
    return `--model: expected auto, gumbel, gev or gpd, got "${model}"`;
  }
  return {
    file: positionals[0]!,
    task: values.task,
    budgetNs,
    targetP,
    blockSize,
    model,
    json: values.json === true,
  };
}
