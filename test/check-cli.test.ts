/**
 * `hardtick check` and `hardtick report` as a CI job runs them (`node dist/cli/main.js`):
 * exit 0 pass / 1 fail / 2 bad input, every output format, `-o`, the rules file, and
 * bad report files (not JSON, wrong schema, missing fields) with exit 2 and a message that
 * says what, where and what was expected.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureEnvironment, makeReportJson, tempDir, writeJson } from './helpers/check-report-fixture.js';
import { hardtickSync } from './helpers/cli.js';

const hardtick = (...args: string[]) => hardtickSync(args, { timeoutMs: 30_000 });

let dir: string;
let good: string;
let bad: string;
let baseline: string;
let otherEnvBaseline: string;

beforeAll(() => {
  dir = tempDir();
  good = writeJson(
    dir,
    'good.json',
    makeReportJson([
      { name: 'sense', max: 50_000 },
      { name: 'control', max: 90_000 },
    ]),
  );
  bad = writeJson(
    dir,
    'bad.json',
    makeReportJson([
      { name: 'sense', max: 50_000 },
      { name: 'control', budgetNs: 80_000, max: 90_000, overruns: 2 },
    ]),
  );
  baseline = writeJson(
    dir,
    'base.json',
    makeReportJson([
      { name: 'sense', max: 40_000, p99: 30_000 },
      { name: 'control', max: 90_000 },
    ]),
  );
  otherEnvBaseline = writeJson(
    dir,
    'base-other.json',
    makeReportJson(
      [
        { name: 'sense', max: 50_000 },
        { name: 'control', max: 90_000 },
      ],
      {
        environment: fixtureEnvironment({ node: 'v22.1.0', schedulingPolicy: 'SCHED_OTHER (nice 0)' }),
      },
    ),
  );
});

describe('hardtick check: exit codes', () => {
  it('0 when every rule passes (text output lists each case and the verdict)', () => {
    const r = hardtick('check', good);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hardtick check: fixture\n');
    expect(r.stdout).toMatch(
      / {2}pass {2}control {10}budget {10}max execution time 90\.0 µs is within the budget 100 µs \(90\.0 %\)\n/,
    );
    expect(r.stdout).toContain('PASS: 0 failed, 11 passed, 4 skipped\n');
  });

  it('1 when a rule fails', () => {
    const r = hardtick('check', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  control          budget          max execution time 90.0 µs exceeds the budget 80.0 µs',
    );
    expect(r.stdout).toContain('FAIL: 1 failed, 10 passed, 4 skipped\n');
  });

  it('1 on a regression against --baseline, 0 with a wider --tolerance for that task', () => {
    const r = hardtick('check', good, '--baseline', baseline);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  sense            max-regression  max 50.0 µs vs baseline 40.0 µs (+25.0 %; tolerance 10.0 %): regressed',
    );
    expect(r.stdout).toContain(
      'FAIL  sense            p99-regression  p99 40.0 µs vs baseline 30.0 µs (+33.3 %; tolerance 10.0 %): regressed',
    );
    expect(hardtick('check', good, '--baseline', baseline, '--tolerance', 'sense=40%').code).toBe(0);
  });

  it('a baseline from another environment: a warning naming the differences, exit code unchanged', () => {
    const r = hardtick('check', good, '--baseline', otherEnvBaseline, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'hardtick check: warning: the baseline came from a different environment (Node "v22.1.0" → "v20.20.2"; scheduling policy "SCHED_OTHER (nice 0)" → "SCHED_FIFO (priority 80)")',
    );
    const json = JSON.parse(r.stdout) as { warnings: string[]; environmentDifferences: { field: string }[] };
    expect(json.environmentDifferences.map((d) => d.field)).toEqual(['node', 'schedulingPolicy']);
    expect(json.warnings).toHaveLength(1);
  });

  it('--rules FILE: a per-task allow turns the failure into a pass', () => {
    const rules = writeJson(dir, 'rules.json', { tasks: { control: { allow: ['budget'] } } });
    const r = hardtick('check', bad, '--rules', rules);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'skip  control          budget          max execution time 90.0 µs exceeds the budget 80.0 µs',
    );
  });
});

describe('hardtick check: formats', () => {
  it('--format json: hardtick.check/v1 with every case', () => {
    const r = hardtick('check', bad, '--format', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      schema: string;
      passed: boolean;
      counts: unknown;
      cases: { task: string | null; rule: string; status: string }[];
    };
    expect(json.schema).toBe('hardtick.check/v1');
    expect(json.passed).toBe(false);
    expect(json.counts).toEqual({ pass: 10, fail: 1, skip: 4 });
    expect(json.cases.filter((c) => c.status === 'fail')).toEqual([
      expect.objectContaining({ task: 'control', rule: 'budget', status: 'fail' }),
    ]);
    expect(r.stderr).toContain('hardtick check: FAIL: 1 failed, 10 passed, 4 skipped');
  });

  it('--format md: verdict, task × rule table, failures, WCET table', () => {
    const r = hardtick('check', bad, '--format', 'md');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('## ❌ hardtick check: fixture\n');
    expect(r.stdout).toContain(
      '| task | budget | deadline-miss | task-error | p99-regression | max-regression | not-run | frame-overrun | stuck | crashed |',
    );
    expect(r.stdout).toContain('| control | ❌ | ✅ | ✅ | ➖ | ➖ | ✅ |  |  |  |');
    expect(r.stdout).toContain('| (run) |  |  |  |  |  |  | ✅ | ✅ | ✅ |');
    expect(r.stdout).toContain(
      '- **control** `budget`: max execution time 90.0 µs exceeds the budget 80.0 µs',
    );
    expect(r.stdout).toContain('| control | 80.0 µs | 1000 | 10.0 µs | 40.0 µs |');
  });

  it('--format junit -o FILE writes the XML and prints the failing rules and the verdict on stderr', () => {
    const out = join(dir, 'junit.xml');
    const r = hardtick('check', bad, '--format', 'junit', '-o', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'hardtick check: FAIL control budget: max execution time 90.0 µs exceeds the budget 80.0 µs (112.5 % of it; 2 overrun(s), worst in frame 42)\n' +
        'hardtick check: FAIL: 1 failed, 10 passed, 4 skipped\n',
    );
    const xml = readFileSync(out, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml).toContain('<testcase classname="hardtick.fixture.control" name="budget" time="0">');
  });
});

describe('hardtick check / report: bad input exits 2 with what, where and what was expected', () => {
  it('a file that is not JSON: file:line:column', () => {
    const f = writeJson(
      dir,
      'broken.json',
      '{\n  "schema": "hardtick.run/v1",\n  "frames": { "count": 1,, }\n}\n',
    );
    for (const cmd of ['check', 'report']) {
      const r = hardtick(cmd, f);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `hardtick ${cmd}: ${f}:3:26: not valid JSON: Expected double-quoted property name (expected a hardtick.run/v1 report written by \`hardtick run --report\`)\n`,
      );
    }
  });

  it('the wrong schema version', () => {
    const f = writeJson(dir, 'v2.json', { ...makeReportJson([{ name: 'a' }]), schema: 'hardtick.run/v2' });
    const r = hardtick('check', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `hardtick check: ${f}: not a hardtick run report: expected "schema": "hardtick.run/v1", got "schema": "hardtick.run/v2" (a report from another hardtick version: re-run with this version, or use the matching hardtick)\n`,
    );
    const other = writeJson(dir, 'config.json', { name: 'demo', tasks: [] });
    expect(hardtick('report', other, '--format', 'html').stderr).toBe(
      `hardtick report: ${other}: not a hardtick run report: expected "schema": "hardtick.run/v1", got no "schema" field (write one with \`hardtick run <config> --report FILE\`)\n`,
    );
  });

  it('missing and mistyped fields: one line per problem with its path', () => {
    const json = makeReportJson([{ name: 'a' }]);
    const tasks = json.tasks as Record<string, unknown>[];
    delete (tasks[0]!.execNs as Record<string, unknown>).max;
    tasks[0]!.budgetNs = '100us';
    delete json.frames;
    const f = writeJson(dir, 'missing.json', json);
    const r = hardtick('report', f, '--format', 'md');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `hardtick report: ${f}: 3 problems in run report (hardtick.run/v1)`,
        '  frames: required: expected an object',
        '  tasks[0].budgetNs: expected a number, got "100us"',
        '  tasks[0].execNs.max: required: expected a number',
        '',
      ].join('\n'),
    );
  });

  it('a missing file, a directory, a bad option, a bad baseline', () => {
    const missing = join(dir, 'nope.json');
    expect(hardtick('check', missing).stderr).toBe(
      `hardtick check: cannot read run report ${missing}: no such file or directory\n`,
    );
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    expect(hardtick('report', sub)).toMatchObject({
      code: 2,
      stderr: `hardtick report: cannot read run report ${sub}: it is a directory, not a file\n`,
    });
    const opt = hardtick('check', good, '--format', 'xml');
    expect(opt.code).toBe(2);
    expect(opt.stderr).toBe(
      "hardtick check: --format: expected text, junit, md, json, got 'xml'\nRun 'hardtick check --help' for the options.\n",
    );
    const baseBad = writeJson(dir, 'base-bad.json', '[]');
    expect(hardtick('check', good, '--baseline', baseBad)).toMatchObject({
      code: 2,
      stderr: `hardtick check: ${baseBad}: not a run report: expected a JSON object with "schema": "hardtick.run/v1", got an array\n`,
    });
    expect(hardtick('check', good, '--allow', 'budgte')).toMatchObject({ code: 2 });
    expect(hardtick('report', good, '--format', 'pdf').stderr).toBe(
      "hardtick report: --format: expected md, html, junit, trace, got 'pdf'\nRun 'hardtick report --help' for the options.\n",
    );
    expect(hardtick('report', good, '--format', 'md', '--frames', '3').stderr).toContain(
      '--frames: only applies to --format trace',
    );
  });

  it('--help documents the rules and the options; exit 0', () => {
    const r = hardtick('check', '--help');
    expect(r.code).toBe(0);
    for (const text of [
      'budget',
      'deadline-miss',
      'frame-overrun',
      'p99-regression',
      '--tolerance',
      '--allow',
      '--rules',
      '--min-delta',
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(hardtick('report', '--help').stdout).toContain('Chrome trace-event JSON');
  });
});

describe('hardtick report: formats from a valid report (exit 0)', () => {
  it('md, html, junit and trace', () => {
    const md = hardtick('report', good);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('## hardtick run: fixture\n')).toBe(true);
    const html = hardtick('report', good, '--format', 'html');
    expect(html.code).toBe(0);
    expect(html.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const junit = hardtick('report', bad, '--format', 'junit');
    // report renders evidence; it does not gate: exit 0 even with a failing case.
    expect(junit.code).toBe(0);
    expect(junit.stdout).toContain('<failure message="max execution time 90.0 µs exceeds the budget 80.0 µs');
    const trace = hardtick('report', good, '--format', 'trace');
    expect(trace.code).toBe(0);
    expect(trace.stderr).toContain('has no trace');
    expect(JSON.parse(trace.stdout)).toMatchObject({ displayTimeUnit: 'ns', metadata: { slots: 0 } });
  });
});
