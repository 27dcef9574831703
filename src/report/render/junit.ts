/**
 * JUnit XML for CI servers (Jenkins, GitLab, GitHub test reporters, Azure DevOps): one
 * `<testsuite>` per check, one `<testcase>` per task and rule (classname
 * `hardtick.<config>.<task>`, name the rule), a `<failure>` for a failed rule and a
 * `<skipped>` for an allowed or not applicable one. The fingerprint goes into
 * `<properties>`, warnings into `<system-err>`. Cold path.
 */
import type { CheckResult } from '../check/evaluate.js';
import type { LoadedRunReport } from '../read.js';
import { fingerprintRows } from './common.js';

/** Escapes text for XML content and attribute values (and drops characters XML 1.0 forbids). */
export function xmlEscape(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 cannot hold
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** Classname part: dots separate levels in CI UIs, so other dots and spaces become `_`. */
function classPart(text: string): string {
  return text.replace(/[.\s]+/g, '_');
}

/** Renders a check result as a JUnit XML document. */
export function renderJunit(result: CheckResult, report: LoadedRunReport): string {
  const suite = `hardtick check: ${result.name}`;
  const seconds = ((report.durationNs ?? 0) / 1e9).toFixed(3);
  const attrs = (pairs: Record<string, string | number>): string =>
    Object.entries(pairs)
      .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
      .join('');
  const counts = {
    tests: result.cases.length,
    failures: result.counts.fail,
    errors: 0,
    skipped: result.counts.skip,
  };
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'hardtick check', ...counts, time: seconds })}>`,
    `  <testsuite${attrs({
      name: suite,
      ...counts,
      time: seconds,
      ...(report.startedAt === undefined ? {} : { timestamp: report.startedAt.replace(/Z$/, '') }),
    })}>`,
    '    <properties>',
    ...fingerprintRows(report.environment).map(
      ([k, v]) => `      <property${attrs({ name: `environment.${k}`, value: v })}/>`,
    ),
    `      <property${attrs({ name: 'baseline', value: result.baseline ? 'yes' : 'no' })}/>`,
    '    </properties>',
  ];
  for (const c of result.cases) {
    const classname = `hardtick.${classPart(result.name)}.${classPart(c.task ?? 'run')}`;
    const open = `    <testcase${attrs({ classname, name: c.rule, time: 0 })}`;
    if (c.status === 'pass') {
      lines.push(`${open}>`, `      <system-out>${xmlEscape(c.message)}</system-out>`, '    </testcase>');
    } else if (c.status === 'fail') {
      lines.push(
        `${open}>`,
        `      <failure${attrs({ message: c.message, type: c.rule })}>${xmlEscape(failureBody(c))}</failure>`,
        '    </testcase>',
      );
    } else {
      lines.push(`${open}>`, `      <skipped${attrs({ message: c.message })}/>`, '    </testcase>');
    }
  }
  if (result.warnings.length > 0) {
    lines.push(
      `    <system-err>${xmlEscape(result.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>`,
    );
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

function failureBody(c: CheckResult['cases'][number]): string {
  const parts = [c.message];
  if (c.value !== null) parts.push(`value: ${c.value}`);
  if (c.limit !== null) parts.push(`limit: ${c.limit}`);
  return parts.join('\n');
}
