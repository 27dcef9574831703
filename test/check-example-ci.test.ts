/**
 * examples/ci/: the script a CI job runs (a short loop, checked against the committed
 * baseline with the committed rules) writes valid JUnit XML whose failures match its exit
 * code, the Markdown summary (appended to $GITHUB_STEP_SUMMARY), the HTML report and the
 * Chrome trace; the committed baseline and rules are valid; the workflow runs the script
 * and publishes the JUnit file. The verdict itself depends on this machine's noise, so the
 * test asserts consistency, not a pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { readRulesFile } from '../src/report/check/rules.js';
import { readRunReport } from '../src/report/read.js';
import { tempDir, writeJson } from './helpers/check-report-fixture.js';
import { hardtickSync, ROOT } from './helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples/ci');

describe('examples/ci', () => {
  it('the committed baseline is a valid run report of the demo loop, the rules file is valid', () => {
    const baseline = readRunReport(join(EXAMPLE, 'baseline.json'));
    expect(baseline.config?.name).toBe('demo-motor-pid');
    expect(baseline.tasks.map((t) => t.name)).toEqual(['sense', 'control', 'log']);
    const rules = readRulesFile(join(EXAMPLE, 'rules.json'));
    expect(rules.allow).toEqual(['budget', 'max-regression', 'frame-overrun', 'not-run']);
    expect(rules.tasks.log?.allow).toEqual(['p99-regression']);
  });

  it('the committed baseline passes its own rules (exit 0, nothing failed)', () => {
    const baseline = join(EXAMPLE, 'baseline.json');
    const r = hardtickSync([
      'check',
      baseline,
      '--baseline',
      baseline,
      '--rules',
      join(EXAMPLE, 'rules.json'),
    ]);
    expect(r.code, r.transcript).toBe(0);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toContain('PASS: 0 failed, 17 passed, 4 skipped\n');
    // Recorded before dropped jobs counted as misses: its skipped jobs show as not run (reported).
    expect(r.stdout).toMatch(
      /skip {2}sense +not-run +24 of 10000 job\(s\) never ran \(skipped\) \(allowed by the rules\)/,
    );
  });

  it('check.sh: runs the loop briefly, writes JUnit + Markdown (+ job summary), exit code = verdict', () => {
    const out = tempDir('hardtick-ci-');
    const summary = writeJson(out, 'step-summary.md', '# earlier step\n');
    const r = spawnSync(join(EXAMPLE, 'check.sh'), [], {
      cwd: out,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        HARDTICK_DURATION: '1s',
        HARDTICK_OUT: join(out, 'ev'),
        GITHUB_STEP_SUMMARY: summary,
      },
    });
    for (const f of ['run.json', 'junit.xml', 'summary.md', 'report.html', 'trace.json']) {
      expect(existsSync(join(out, 'ev', f)), f).toBe(true);
    }
    const xml = readFileSync(join(out, 'ev/junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const tree = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      isArray: (n) => n === 'testcase',
    }).parse(xml) as {
      testsuites: { testsuite: { '@failures': string; testcase: { failure?: unknown }[] } };
    };
    const suite = tree.testsuites.testsuite;
    expect(suite.testcase).toHaveLength(3 * 6 + 3);
    const failures = suite.testcase.filter((c) => c.failure !== undefined).length;
    expect(Number(suite['@failures'])).toBe(failures);
    expect(r.status).toBe(failures > 0 ? 1 : 0);
    // The console names each failing rule, one line each, before the verdict.
    const failLines = r.stderr.split('\n').filter((l) => /^hardtick check: FAIL \S+ \S+: /.test(l));
    expect(failLines, r.stderr).toHaveLength(failures);
    const md = readFileSync(join(out, 'ev/summary.md'), 'utf8');
    expect(md).toMatch(/^## (✅|❌) hardtick check: demo-motor-pid\n/);
    expect(md).toContain('(against a baseline)');
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}`);
    expect(JSON.parse(readFileSync(join(out, 'ev/trace.json'), 'utf8')).traceEvents.length).toBeGreaterThan(
      7,
    );
  }, 150_000);

  it('the workflow runs the script and publishes the JUnit file and the evidence', () => {
    const yml = readFileSync(join(EXAMPLE, 'github-workflow.yml'), 'utf8');
    expect(yml).toContain('run: examples/ci/check.sh');
    expect(yml).toContain('report_paths: hardtick-ci/junit.xml');
    expect(yml).toContain('HARDTICK_OUT: hardtick-ci');
    expect(yml).toMatch(/uses: actions\/upload-artifact@v4[\s\S]*path: hardtick-ci\//);
    // No tabs (YAML forbids them for indentation).
    expect(yml).not.toContain('\t');
  });
});
