/**
 * `hardtick check` output other than JUnit: plain text (default), Markdown (a CI job
 * summary) and JSON (`hardtick.check/v1`). Cold path.
 */
import type { LoadedRunReport } from '../read.js';
import { mdCell, mdTable, wcetTable } from '../render/md.js';
import type { CheckCase, CheckResult } from './evaluate.js';
import { CHECK_RULES } from './rules.js';

/** Schema id of `hardtick check --format json`. */
export const CHECK_RESULT_SCHEMA = 'hardtick.check/v1';

const MARK: Readonly<Record<CheckCase['status'], string>> = { pass: 'pass', fail: 'FAIL', skip: 'skip' };

function verdictLine(result: CheckResult): string {
  const { pass, fail, skip } = result.counts;
  return `${result.passed ? 'PASS' : 'FAIL'}: ${fail} failed, ${pass} passed, ${skip} skipped`;
}

/** Plain text: the failures first, then every case, then the warnings and the verdict. */
export function formatCheckText(result: CheckResult): string {
  const out: string[] = [`hardtick check: ${result.name}${result.baseline ? ' (against a baseline)' : ''}\n`];
  for (const c of result.cases) {
    out.push(
      `  ${MARK[c.status].padEnd(4)}  ${(c.task ?? '(run)').padEnd(16)} ${c.rule.padEnd(15)} ${c.message}\n`,
    );
  }
  for (const w of result.warnings) out.push(`warning: ${w}\n`);
  out.push(`${verdictLine(result)}\n`);
  return out.join('');
}

/** Markdown: verdict, a task × rule matrix, the failures spelled out, warnings, the WCET table. */
export function formatCheckMarkdown(result: CheckResult, report: LoadedRunReport): string {
  const out: string[] = [
    `## ${result.passed ? '✅' : '❌'} hardtick check: ${mdCell(result.name)}\n\n`,
    `**${verdictLine(result)}**${result.baseline ? ' (against a baseline)' : ''}\n\n`,
  ];
  for (const w of result.warnings) out.push(`> ⚠️ ${mdCell(w)}\n\n`);
  const tasks = [...new Set(result.cases.map((c) => c.task))];
  const rules = CHECK_RULES.filter((r) => result.cases.some((c) => c.rule === r));
  const cell = (task: string | null, rule: string): string => {
    const c = result.cases.find((x) => x.task === task && x.rule === rule);
    if (c === undefined) return '';
    return c.status === 'pass' ? '✅' : c.status === 'fail' ? '❌' : c.allowed ? '⚪ allowed' : '➖';
  };
  out.push(
    mdTable(
      ['task', ...rules],
      tasks.map((t) => [t ?? '(run)', ...rules.map((r) => cell(t, r))]),
      `l${'c'.repeat(rules.length)}`,
    ),
  );
  const failed = result.cases.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    out.push('\n### Failures\n\n');
    for (const c of failed)
      out.push(`- **${mdCell(c.task ?? '(run)')}** \`${c.rule}\`: ${mdCell(c.message)}\n`);
  }
  out.push('\n### Execution time\n\n', wcetTable(report));
  if (result.environmentDifferences.length > 0) {
    out.push(
      '\n### Environment differences from the baseline\n\n',
      mdTable(
        ['field', 'baseline', 'this run'],
        result.environmentDifferences.map((d) => [d.label, d.baseline, d.current]),
        'lll',
      ),
    );
  }
  return out.join('');
}

/** The JSON result object (`hardtick.check/v1`). */
export function checkResultJson(result: CheckResult): Record<string, unknown> {
  return {
    schema: CHECK_RESULT_SCHEMA,
    name: result.name,
    passed: result.passed,
    counts: result.counts,
    baseline: result.baseline,
    warnings: result.warnings,
    environmentDifferences: result.environmentDifferences,
    rules: result.rules,
    cases: result.cases,
  };
}
