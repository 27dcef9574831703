/**
 * `hardtick check <run.json> [--baseline base.json] [--format text|junit|md|json] [-o FILE]
 * [--rules FILE] [--allow RULE|TASK:RULE] [--tolerance [TASK][.p99|.max=]PCT] [--min-delta DUR]`:
 * the CI gate on a run report. Exit 0 pass, 1 a rule failed, 2 bad input.
 */

import {
  applyRuleFlags,
  CHECK_RULES,
  type CheckRules,
  checkResultJson,
  DEFAULT_CHECK_RULES,
  evaluateCheck,
  formatCheckMarkdown,
  formatCheckText,
  HardtickError,
  RULE_DESCRIPTIONS,
  type RuleFlags,
  readRulesFile,
  readRunReport,
  renderJunit,
  taskKey,
  writeReportFile,
} from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

const FORMATS = ['text', 'junit', 'md', 'json'] as const;
type CheckFormat = (typeof FORMATS)[number];

const HELP = `Usage: hardtick check <run.json> [options]

Checks a run report (hardtick run --report) against rules, optionally against a
baseline report, and exits 1 when a rule fails.

Rules (each is one test case per task; frame-overrun is one for the run):
${CHECK_RULES.map((r) => `  ${r.padEnd(15)} ${RULE_DESCRIPTIONS[r]}`).join('\n')}
The regression rules need --baseline; without it they are skipped.

Options:
  --baseline <file>      a run report to compare p99 and max execution time against
  --format <f>           text (default), junit (JUnit XML for CI test reports),
                         md (Markdown for a CI job summary) or json (hardtick.check/v1)
  -o, --output <file>    write the result there instead of stdout (the verdict line
                         and warnings still go to stderr)
  --allow <rule>         let a rule fail without failing the check (it is reported
                         as skipped); <task>:<rule> for one task; 'regression' means
                         both regression rules; repeatable, or comma-separated
  --tolerance <pct>      regression tolerance, default 10%: '15%' for all tasks,
                         'control=20%' for one task, 'max=30%' or 'control.max=30%'
                         for one figure (p99 or max); repeatable
  --min-delta <dur>      growth smaller than this is never a regression (e.g. 2us),
                         default 0
  --rules <file>         the same settings as JSON; flags override it:
                         { "allow": ["frame-overrun"], "tolerance": "10%",
                           "minDelta": "2us",
                           "tasks": { "log": { "allow": ["deadline-miss"],
                                               "tolerance": { "p99": "20%", "max": "50%" } } } }
  -h, --help             this text

A baseline taken on another machine or setup (kernel, PREEMPT_RT, CPU model or
governor, isolated CPUs, Node, clock/waiter backend, scheduling policy) is still
compared, with a warning naming what differs.

Exit codes: 0 every rule passed, 1 a rule failed, 2 bad input (unreadable or
invalid report, baseline or rules file, bad option).
`;

interface CheckOptions {
  readonly reportFile: string;
  readonly baselineFile: string | null;
  readonly format: CheckFormat;
  readonly output: string | null;
  readonly rulesFile: string | null;
  readonly ruleFlags: RuleFlags;
}

/** Runs `hardtick check`; returns the exit code. */
export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  let options: CheckOptions | 'help';
  try {
    options = parseCheckArgs(argv);
  } catch (error) {
    if (error instanceof HardtickError && error.code !== 'usage') throw error;
    io.err(`hardtick check: ${(error as Error).message}\nRun 'hardtick check --help' for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.out(HELP);
    return 0;
  }
  const report = readRunReport(options.reportFile);
  const baseline = options.baselineFile === null ? null : readRunReport(options.baselineFile);
  // Rules may name only tasks the run has (a misspelt task would silently apply to nothing).
  const multi = new Set(report.tasks.map((t) => t.mode ?? '')).size > 1;
  const knownTasks = [...new Set(report.tasks.flatMap((t) => [taskKey(t, multi), t.name]))];
  const base =
    options.rulesFile === null ? DEFAULT_CHECK_RULES : readRulesFile(options.rulesFile, knownTasks);
  let rules: CheckRules;
  try {
    rules = applyRuleFlags(base, options.ruleFlags, knownTasks);
  } catch (error) {
    io.err(`hardtick check: ${(error as Error).message}\nRun 'hardtick check --help' for the options.\n`);
    return 2;
  }
  const result = evaluateCheck({ report, baseline, rules });
  const text =
    options.format === 'junit'
      ? renderJunit(result, report)
      : options.format === 'md'
        ? formatCheckMarkdown(result, report)
        : options.format === 'json'
          ? `${JSON.stringify(checkResultJson(result), null, 2)}\n`
          : formatCheckText(result);
  if (options.output !== null) {
    writeReportFile(options.output, text, {
      refuse: [
        { path: options.reportFile, role: 'the run report being read' },
        ...(options.baselineFile === null
          ? []
          : [{ path: options.baselineFile, role: 'the baseline being read' }]),
        ...(options.rulesFile === null
          ? []
          : [{ path: options.rulesFile, role: 'the check rules being read' }]),
      ],
    });
  } else io.out(text);
  if (options.output !== null || options.format !== 'text') {
    for (const w of result.warnings) io.err(`hardtick check: warning: ${w}\n`);
    // The file holds every case; the console names the failing ones, so a CI log says why.
    for (const c of result.cases) {
      if (c.status === 'fail') io.err(`hardtick check: FAIL ${c.task ?? '(run)'} ${c.rule}: ${c.message}\n`);
    }
    const { pass, fail, skip } = result.counts;
    io.err(
      `hardtick check: ${result.passed ? 'PASS' : 'FAIL'}: ${fail} failed, ${pass} passed, ${skip} skipped\n`,
    );
  }
  return result.passed ? 0 : 1;
}

const FLAGS = {
  baseline: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  rules: { type: 'string' },
  allow: { type: 'string', multiple: true },
  tolerance: { type: 'string', multiple: true },
  'min-delta': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function parseCheckArgs(argv: string[]): CheckOptions | 'help' {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help === true) return 'help';
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0
        ? 'missing the run report: hardtick check <run.json>'
        : `expected one run report, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format: expected ${FORMATS.join(', ')}, got '${format}'`);
  }
  if (values.output === '') throw new Error('--output: expected a file name');
  if (values.baseline === '') throw new Error('--baseline: expected a file name');
  if (values.rules === '') throw new Error('--rules: expected a file name');
  const ruleFlags: RuleFlags = {
    ...(values.allow === undefined ? {} : { allow: values.allow }),
    ...(values.tolerance === undefined ? {} : { tolerance: values.tolerance }),
    ...(values['min-delta'] === undefined ? {} : { minDelta: values['min-delta'] }),
  };
  // Flag syntax is checked now (before any file is read); task names once the report is.
  applyRuleFlags(DEFAULT_CHECK_RULES, ruleFlags);
  return {
    reportFile: positionals[0]!,
    baselineFile: values.baseline ?? null,
    format: format as CheckFormat,
    output: values.output ?? null,
    rulesFile: values.rules ?? null,
    ruleFlags,
  };
}
