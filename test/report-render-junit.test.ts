/**
 * JUnit XML from `hardtick check --format junit` / `hardtick report --format junit`,
 * validated with a real XML parser (fast-xml-parser: `XMLValidator` for well-formedness,
 * then the parsed tree for the structure CI servers read): `testsuites > testsuite >
 * testcase`, counts that add up, one testcase per task and rule, `<failure>` on failed
 * rules, `<skipped>` on allowed / not applicable ones, and escaping of hostile names.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { evaluateCheck } from '../src/report/check/evaluate.js';
import { applyRuleFlags, DEFAULT_CHECK_RULES } from '../src/report/check/rules.js';
import { renderJunit } from '../src/report/render/junit.js';
import { makeReport } from './helpers/check-report-fixture.js';

type Node = Record<string, unknown>;

function parse(xml: string): Node {
  const valid = XMLValidator.validate(xml);
  expect(valid, JSON.stringify(valid)).toBe(true);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml) as Node;
}

describe('JUnit rendering', () => {
  const report = makeReport(
    [
      { name: 'sense', max: 50_000 },
      { name: 'control', budgetNs: 80_000, max: 90_000, overruns: 2, deadlineMisses: 1 },
      { name: 'log', errors: 1 },
    ],
    { frames: { count: 1000, overruns: 1, skipped: 0 } },
  );
  const rules = applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['log:task-error'] });
  const result = evaluateCheck({ report, rules });
  const tree = parse(renderJunit(result, report));

  it('is well-formed XML with testsuites > testsuite > testcase and matching counts', () => {
    const suites = tree.testsuites as Node;
    expect(suites['@name']).toBe('hardtick check');
    const suite = (suites.testsuite as Node[])[0]!;
    const cases = suite.testcase as Node[];
    expect(cases).toHaveLength(3 * 6 + 3);
    expect(Number(suite['@tests'])).toBe(cases.length);
    expect(Number(suites['@tests'])).toBe(cases.length);
    const failures = cases.filter((c) => c.failure !== undefined);
    const skipped = cases.filter((c) => c.skipped !== undefined);
    expect(Number(suite['@failures'])).toBe(failures.length);
    expect(Number(suite['@skipped'])).toBe(skipped.length);
    expect(Number(suite['@errors'])).toBe(0);
    expect(suite['@time']).toBe('1.000');
    expect(suite['@timestamp']).toBe('2026-01-01T00:00:00.000');
  });

  it('one testcase per task and rule: failures carry the message and the rule as type', () => {
    const cases = ((tree.testsuites as Node).testsuite as Node[])[0]!.testcase as Node[];
    const failed = cases
      .filter((c) => c.failure !== undefined)
      .map((c) => `${c['@classname']} ${c['@name']}`);
    expect(failed).toEqual([
      'hardtick.fixture.control budget',
      'hardtick.fixture.control deadline-miss',
      'hardtick.fixture.run frame-overrun',
    ]);
    const budget = cases.find(
      (c) => c['@classname'] === 'hardtick.fixture.control' && c['@name'] === 'budget',
    )!;
    const failure = budget.failure as Node;
    expect(failure['@type']).toBe('budget');
    expect(failure['@message']).toBe(
      'max execution time 90.0 µs exceeds the budget 80.0 µs (112.5 % of it; 2 overrun(s), worst in frame 42)',
    );
    expect(failure['#text']).toContain('value: 90000\nlimit: 80000');
    const allowed = cases.find(
      (c) => c['@classname'] === 'hardtick.fixture.log' && c['@name'] === 'task-error',
    )!;
    expect((allowed.skipped as Node)['@message']).toBe('the task threw 1 time(s) (allowed by the rules)');
  });

  it('the environment fingerprint is in <properties>', () => {
    const suite = ((tree.testsuites as Node).testsuite as Node[])[0]!;
    const props = (suite.properties as Node).property as Node[];
    const byName = new Map(props.map((p) => [p['@name'], p['@value']]));
    expect(byName.get('environment.PREEMPT_RT')).toBe('yes');
    expect(byName.get('environment.CPU governor')).toBe('performance');
    expect(byName.get('environment.isolated CPUs')).toBe('1');
    expect(byName.get('environment.scheduling')).toBe('SCHED_FIFO, priority 80, nice 0');
  });

  it('escapes hostile task names and messages; dots in names do not split the classname', () => {
    const hostile = makeReport([{ name: 'a<b>&"c\'.d', budgetNs: 10, max: 20 }], {
      config: { name: 'my.loop & co' },
    });
    const xml = renderJunit(evaluateCheck({ report: hostile }), hostile);
    const t = parse(xml);
    const cases = ((t.testsuites as Node).testsuite as Node[])[0]!.testcase as Node[];
    expect(cases[0]!['@classname']).toBe('hardtick.my_loop_&_co.a<b>&"c\'_d');
    expect(xml).toContain('classname="hardtick.my_loop_&amp;_co.a&lt;b&gt;&amp;&quot;c&apos;_d"');
  });

  it('warnings land in <system-err>', () => {
    const r = evaluateCheck({ report, baseline: makeReport([{ name: 'gone' }]) });
    const t = parse(renderJunit(r, report));
    const suite = ((t.testsuites as Node).testsuite as Node[])[0]!;
    expect(suite['system-err']).toBe('warning: tasks in the baseline but not in this run: gone');
  });
});
