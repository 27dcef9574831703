/**
 * `hardtick check` and `hardtick report` accept only reports whose figures a run can
 * produce: each inconsistency is refused as `report_inconsistent` naming the field; sizes
 * are bounded before the schema walks the file; names that are object keys, rules and
 * tolerances naming them, and huge or tiny figures render without a crash or a hang.
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { evaluateCheck } from '../src/report/check/evaluate.js';
import { applyRuleFlags, DEFAULT_CHECK_RULES, resolveRulesFile } from '../src/report/check/rules.js';
import { parseRunReport } from '../src/report/read.js';
import { renderHtml } from '../src/report/render/html.js';
import { renderJunit } from '../src/report/render/junit.js';
import { renderMarkdown } from '../src/report/render/md.js';
import { linearScale, logScale } from '../src/report/render/svg.js';
import { OBJECT_KEY_NAMES, report, reportTask } from './fuzz/corpus.js';

type Json = Record<string, unknown>;

function refused(value: Json): HardtickError {
  try {
    parseRunReport(value, 'r.json');
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    return error as HardtickError;
  }
  throw new Error('expected the report to be refused');
}

const exec = (over: Json = {}): Json => ({
  min: 1000,
  mean: 10_000,
  p50: 10_000,
  p99: 40_000,
  p999: 59_999,
  max: 60_000,
  count: 1000,
  ...over,
});

describe('a consistent report is accepted as it is', () => {
  it('parses the corpus report and a report with every optional part', () => {
    expect(parseRunReport(report([reportTask('a')]), 'r.json').tasks[0]?.name).toBe('a');
    const full = report([reportTask('a', { responseNs: exec(), execMaxFrame: 3 })], {
      trace: [{ frame: 0, task: 'a', startNs: 0, endNs: 10, flags: 0 }],
      pauses: { count: 1, events: [{ atNs: 5, lengthNs: 5, cause: 'gc' }] },
      stuck: [{ task: 'a', frame: 1, overrunNs: 1, failSafe: 'ran' }],
    });
    expect(parseRunReport(full, 'r.json').trace).toHaveLength(1);
  });
});

describe('inconsistent reports are refused, naming the field', () => {
  const CASES: Array<[string, Json, string]> = [
    ['no tasks', report([]), 'tasks: expected at least one task, got none'],
    [
      'an empty task name',
      report([reportTask('')]),
      'tasks[0].name: expected a task name, got an empty string',
    ],
    [
      'a negative execution time',
      report([reportTask('a', { execNs: exec({ max: -5 }) })]),
      'tasks[0].execNs.max: expected a number from 0 to 9007199254740991 (ns), got -5',
    ],
    [
      'percentiles out of order',
      report([reportTask('a', { execNs: exec({ p99: 70_000 }) })]),
      'tasks[0].execNs: expected min ≤ p50 ≤ p99 ≤ p999 ≤ max, got p99 70000 > p999 59999',
    ],
    [
      'a mean outside [min, max]',
      report([reportTask('a', { execNs: exec({ mean: 90_000 }) })]),
      'tasks[0].execNs.mean: expected a mean from min 1000 to max 60000, got 90000',
    ],
    [
      'a zero budget',
      report([reportTask('a', { budgetNs: 0 })]),
      'tasks[0].budgetNs: expected a number from 1 to 9007199254740991 (ns), got 0',
    ],
    [
      'more deadline misses than releases',
      report([reportTask('a', { deadlineMisses: 1001 })]),
      'tasks[0].deadlineMisses: 1001 deadline misses of 1000 releases; a release misses its deadline at most once',
    ],
    [
      'duplicate task names in a mode',
      report([reportTask('a'), reportTask('b'), reportTask('a')]),
      'tasks[2].name: task "a" appears twice in mode "main" (also tasks[0])',
    ],
    [
      'a negative duration',
      report([reportTask('a')], { durationNs: -1 }),
      'durationNs: expected a number from 0 to 9007199254740991 (ns), got -1',
    ],
    [
      'a zero frame',
      report([reportTask('a')], { frameNs: 0 }),
      'frameNs: expected a number from 1 to 9007199254740991 (ns), got 0',
    ],
    [
      'a bucket at 1e308',
      report([reportTask('a', { execHistogram: [[1e308, 5, 1]] })]),
      'tasks[0].execHistogram[0][0]: expected a number from 0 to 9007199254740991 (ns), got 1e+308',
    ],
    [
      'a bucket upside down',
      report([reportTask('a', { execHistogram: [[10, 5, 1]] })]),
      "tasks[0].execHistogram[0]: a bucket's low edge 10 is above its high edge 5",
    ],
    [
      'more frame overruns than frames',
      report([reportTask('a')], { frames: { count: 1, overruns: 2, skipped: 0 } }),
      'frames.overruns: 2 overruns of 1 frames; a frame overruns at most once',
    ],
    [
      'lateness percentiles out of order',
      report([reportTask('a')], { release: { latenessNs: { min: 5, p50: 1, p99: 2, p999: 3, max: 4 } } }),
      'release.latenessNs: expected min ≤ p50 ≤ p99 ≤ p999 ≤ max, got min 5 > p50 1',
    ],
    [
      'more unplanned collections than collections',
      report([reportTask('a')], { gc: { count: 1, maxPauseNs: 0, unplanned: 2 } }),
      'gc.unplanned: 2 unplanned of 1 collections',
    ],
    [
      'a trace slot that ends before it starts',
      report([reportTask('a')], { trace: [{ frame: 0, task: 'a', startNs: 10, endNs: 5, flags: 0 }] }),
      'trace[0]: a slot ends (5) before it starts (10)',
    ],
    [
      'an exit code out of range',
      report([reportTask('a')], { exitCode: 256 }),
      'exitCode: expected an exit code from 0 to 255, got 256',
    ],
    [
      'a negative pWCET',
      report([reportTask('a', { pwcet: { pwcetNs: { '1e-9': -1 } } })]),
      'tasks[0].pwcet.pwcetNs["1e-9"]: expected a non-negative number of ns or null, got -1',
    ],
  ];
  for (const [what, value, line] of CASES) {
    it(what, () => {
      const error = refused(value);
      expect(error.code).toBe('report_inconsistent');
      expect(error.message).toBe(`r.json: not a consistent report: ${line}`);
      expect(error.issues).toEqual([line]);
    });
  }

  it('lists every problem, the first on the first line', () => {
    const error = refused(report([reportTask('a', { budgetNs: -1 })], { durationNs: -1 }));
    expect(error.message).toBe(
      [
        'r.json: not a consistent report: tasks[0].budgetNs: expected a number from 1 to 9007199254740991 (ns), got -1',
        '  durationNs: expected a number from 0 to 9007199254740991 (ns), got -1',
      ].join('\n'),
    );
  });

  it('refuses a million buckets before the schema walks them', () => {
    const buckets = Array.from({ length: 1_000_000 }, (_, i) => [i, i + 1, 1]);
    const started = performance.now();
    const error = refused(report([reportTask('a', { execHistogram: buckets })]));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.message).toBe(
      'r.json: not a consistent report: tasks[0].execHistogram: 1000000 buckets; a histogram has at most 16384',
    );
  });
});

describe('the accounting identities: a report that breaks one is inconsistent', () => {
  // 1000 releases: 990 run (3 late), 10 not run; 2 of the cut-off ones before their deadline.
  const notRun = { total: 10, policy: 1, catchUp: 2, pause: 3, unavailable: 1, cutOff: 3 };
  const task = (over: Json = {}): Json =>
    reportTask('a', { jobsRun: 990, late: 3, notRun, skipped: 6, censored: 1, deadlineMisses: 11, ...over });
  const accounting = { notRun, censored: 1, framesElapsed: 1000 };
  const good = (over: Json = {}, t: Json = {}): Json =>
    report([task(t)], {
      frames: { count: 994, overruns: 0, skipped: 5, lostToPause: 3, cutOff: 1, standby: 0 },
      alarms: { overrun: 0, 'deadline-miss': 11 },
      accounting,
      ...over,
    });

  it('a report whose figures add up is accepted', () => {
    expect(parseRunReport(good(), 'r.json').tasks[0]!.notRun).toEqual(notRun);
  });

  const CASES: Array<[string, Json, string]> = [
    [
      'releases that are neither run nor not run',
      good({}, { releases: 1001 }),
      'tasks[0].releases: 1001 releases, but jobsRun 990 + notRun.total 10 = 1000: every release runs or is counted as not run',
    ],
    [
      'a not-run total that is not the sum of its causes',
      good(
        { alarms: { 'deadline-miss': 12 } },
        { notRun: { ...notRun, total: 11 }, releases: 1001, deadlineMisses: 12 },
      ),
      'tasks[0].notRun.total: 11 jobs not run, but its causes add up to 10 (policy 1 + catchUp 2 + pause 3 + unavailable 1 + cutOff 3)',
    ],
    [
      'skipped that is not policy + catch-up + pause',
      good({}, { skipped: 5 }),
      'tasks[0].skipped: 5 skipped, but notRun.policy + catchUp + pause = 6',
    ],
    [
      'a dropped job that is not a deadline miss',
      good({ alarms: { 'deadline-miss': 9 } }, { deadlineMisses: 9 }),
      'tasks[0].deadlineMisses: 9 deadline misses, but late 3 + jobs not run 10 (of them cut off 3) allow 10 to 13: a job not run by its deadline is a miss',
    ],
    [
      'a deadline-miss total that is not the tasks’ sum',
      good({ alarms: { 'deadline-miss': 12 } }),
      "alarms.deadline-miss: 12 deadline-miss alarms, but the tasks' deadlineMisses add up to 11",
    ],
    [
      'frames that do not add up to the time',
      good({ accounting: { ...accounting, framesElapsed: 1010 } }),
      'accounting.framesElapsed: 1010 frames elapsed (⌊durationNs / frameNs⌋), but frames run 994 + skipped 5 + standby 0 + cut off 1 = 1000: more than ±1 apart',
    ],
    [
      'a crashed run with exit code 0',
      good({ crash: { cause: 'process-exit', message: 'process.exit(3) called' } }),
      'exitCode: a crashed run (crash.cause "process-exit") with exit code 0',
    ],
  ];
  for (const [what, value, line] of CASES) {
    it(what, () => {
      const error = refused(value);
      expect(error.code).toBe('report_inconsistent');
      expect(error.message).toBe(`r.json: not a consistent report: ${line}`);
    });
  }
});

describe('task names that are object keys', () => {
  const named = parseRunReport(report(OBJECT_KEY_NAMES.map((n) => reportTask(n))), 'r.json');

  it('check evaluates them like any name; every renderer draws them', () => {
    const result = evaluateCheck({ report: named });
    expect(result.counts).toEqual({ pass: 23, fail: 0, skip: 10 });
    expect(result.cases.filter((c) => c.rule === 'budget').map((c) => c.task)).toEqual([...OBJECT_KEY_NAMES]);
    expect(renderHtml(named)).toContain('data-task="__proto__"');
    expect(renderJunit(result, named)).toContain('classname="hardtick.hostile.constructor"');
    expect(renderMarkdown(named)).toContain('| hasOwnProperty |');
  });

  it('rules and flags naming them apply to them, and only to them', () => {
    const over = parseRunReport(
      report([
        reportTask('constructor', { budgetNs: 50_000, overruns: 1 }),
        reportTask('b', { budgetNs: 50_000 }),
      ]),
      'r.json',
    );
    const known = ['constructor', 'b'];
    const fromFlags = applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['constructor:budget'] }, known);
    const budget = evaluateCheck({ report: over, rules: fromFlags }).cases.filter((c) => c.rule === 'budget');
    expect(budget.map((c) => [c.task, c.status])).toEqual([
      ['constructor', 'skip'],
      ['b', 'fail'],
    ]);
    const fromFile = resolveRulesFile(
      JSON.parse('{"tasks":{"__proto__":{"allow":["budget"]}}}'),
      'rules.json',
      ['__proto__'],
    );
    expect(Object.keys(fromFile.tasks)).toEqual(['__proto__']);
    // Nothing inherited is taken for an override.
    expect(evaluateCheck({ report: over }).counts.fail).toBe(2);
  });

  it('a rule or flag naming a task the report does not have is an error, with a did-you-mean', () => {
    expect(() =>
      applyRuleFlags(DEFAULT_CHECK_RULES, { tolerance: ['contrl=20%'] }, ['control', 'log']),
    ).toThrow(
      '--tolerance: no task "contrl" in the run report (did you mean "control"?; its tasks: control, log)',
    );
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['toString:budget'] }, ['control'])).toThrow(
      '--allow: no task "toString" in the run report (its tasks: control)',
    );
    expect(() => resolveRulesFile({ tasks: { lgo: { allow: ['budget'] } } }, 'rules.json', ['log'])).toThrow(
      'rules.json: 1 problem in check rules\n  tasks["lgo"]: no task "lgo" in the run report (did you mean "log"?; its tasks: log)',
    );
  });

  it('--allow naming an object key as a rule is an unknown rule, not a crash', () => {
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['constructor'] })).toThrow(
      /^--allow: unknown rule "constructor"; rules: budget, /,
    );
  });
});

describe('renderers stay bounded on extreme but consistent figures', () => {
  it('a 1 ns frame under second-long slots draws no boundary lines instead of a billion', () => {
    const trace = [0, 1, 2].map((frame) => ({
      frame,
      task: 'a',
      startNs: 1e9 + frame,
      endNs: 2e9,
      flags: 0,
    }));
    const started = performance.now();
    const html = renderHtml(parseRunReport(report([reportTask('a')], { frameNs: 1, trace }), 'r.json'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(html).not.toContain('class="frameb"');
    expect(html).toContain('frame 2');
  });

  it('a histogram at the largest figure, and one with every count 0, render', () => {
    const top = Number.MAX_SAFE_INTEGER;
    const html = renderHtml(
      parseRunReport(
        report([
          reportTask('a', {
            execNs: exec({ max: top, p999: top }),
            execHistogram: [[top - 1, top, 1]],
          }),
          reportTask('b', { execHistogram: [[1000, 1016, 0]] }),
        ]),
        'r.json',
      ),
    );
    expect(html).toContain("no execution recorded in this report's histogram");
  });

  it('scales return few ticks whatever the domain', () => {
    expect(linearScale(9e15, 9e15 + 1, 0, 100).ticks().length).toBeLessThanOrEqual(65);
    expect(logScale(Number.MIN_VALUE, Number.MAX_VALUE, 0, 100).ticks().length).toBeLessThanOrEqual(65);
  });
});
