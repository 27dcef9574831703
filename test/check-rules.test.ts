/**
 * `hardtick check` rules on hand-built reports: each rule passes and fails on exact
 * figures, can be allowed (globally or per task), and the regression tolerance is
 * configurable globally, per task and per figure, with a minimum delta.
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { type CheckResult, evaluateCheck } from '../src/report/check/evaluate.js';
import {
  applyRuleFlags,
  type CheckRules,
  DEFAULT_CHECK_RULES,
  resolveRulesFile,
} from '../src/report/check/rules.js';
import { fixtureEnvironment, makeReport, type TaskFixture } from './helpers/check-report-fixture.js';

function caseOf(result: CheckResult, task: string | null, rule: string) {
  const c = result.cases.find((x) => x.task === task && x.rule === rule);
  if (c === undefined) throw new Error(`no case ${task}/${rule}`);
  return c;
}

function check(
  tasks: TaskFixture[],
  opts: { baseline?: TaskFixture[]; rules?: CheckRules; over?: Record<string, unknown> } = {},
) {
  return evaluateCheck({
    report: makeReport(tasks, opts.over),
    baseline: opts.baseline === undefined ? null : makeReport(opts.baseline),
    ...(opts.rules === undefined ? {} : { rules: opts.rules }),
  });
}

describe('check: budget rule', () => {
  it('passes when the observed maximum equals the budget', () => {
    const r = check([{ name: 'control', budgetNs: 200_000, max: 200_000 }]);
    const c = caseOf(r, 'control', 'budget');
    expect(c.status).toBe('pass');
    expect(c.message).toBe('max execution time 200 µs is within the budget 200 µs (100.0 %)');
    expect(r.passed).toBe(true);
  });

  it('fails when the observed maximum exceeds the budget by 1 ns', () => {
    const r = check([{ name: 'control', budgetNs: 200_000, max: 200_001, overruns: 1 }]);
    const c = caseOf(r, 'control', 'budget');
    expect(c.status).toBe('fail');
    expect(c.value).toBe(200_001);
    expect(c.limit).toBe(200_000);
    expect(c.message).toBe(
      'max execution time 200 µs exceeds the budget 200 µs (100.0 % of it; 1 overrun(s), worst in frame 42)',
    );
    expect(r.passed).toBe(false);
    expect(r.counts.fail).toBe(1);
  });

  it('--allow budget turns the failure into an allowed skip', () => {
    const rules = applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['budget'] });
    const r = check([{ name: 'control', budgetNs: 100, max: 500 }], { rules });
    const c = caseOf(r, 'control', 'budget');
    expect(c.status).toBe('skip');
    expect(c.allowed).toBe(true);
    expect(c.message).toMatch(/exceeds the budget .* \(allowed by the rules\)$/);
    expect(r.passed).toBe(true);
  });

  it('a task that never ran is skipped, not passed', () => {
    const r = check([{ name: 'idle', runs: 0 }]);
    expect(caseOf(r, 'idle', 'budget')).toMatchObject({
      status: 'skip',
      message: 'the task never ran: no execution time to check',
    });
  });
});

describe('check: deadline-miss rule', () => {
  it('passes with no miss and fails with one', () => {
    expect(caseOf(check([{ name: 'a' }]), 'a', 'deadline-miss')).toMatchObject({
      status: 'pass',
      message: 'no deadline missed (1000 jobs)',
    });
    const r = check([{ name: 'a', deadlineMisses: 1 }]);
    expect(caseOf(r, 'a', 'deadline-miss')).toMatchObject({
      status: 'fail',
      value: 1,
      limit: 0,
      message: '1 of 1000 job(s) missed their deadline',
    });
    expect(r.passed).toBe(false);
  });

  it('--allow TASK:deadline-miss allows it for that task only', () => {
    const rules = applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['log:deadline-miss'] });
    const r = check(
      [
        { name: 'log', deadlineMisses: 3 },
        { name: 'control', deadlineMisses: 2 },
      ],
      { rules },
    );
    expect(caseOf(r, 'log', 'deadline-miss')).toMatchObject({ status: 'skip', allowed: true });
    expect(caseOf(r, 'control', 'deadline-miss').status).toBe('fail');
    expect(r.passed).toBe(false);
  });
});

describe('check: task-error rule', () => {
  it('passes when the task never threw, fails when it threw', () => {
    expect(caseOf(check([{ name: 'a' }]), 'a', 'task-error').status).toBe('pass');
    expect(caseOf(check([{ name: 'a', errors: 2 }]), 'a', 'task-error')).toMatchObject({
      status: 'fail',
      message: 'the task threw 2 time(s)',
    });
  });
});

describe('check: frame-overrun rule (one case for the run)', () => {
  it('passes with no frame overrun, fails with one, and can be allowed', () => {
    const ok = check([{ name: 'a' }]);
    expect(caseOf(ok, null, 'frame-overrun')).toMatchObject({
      status: 'pass',
      message: 'no frame overran (1000 frames)',
    });
    const over = { frames: { count: 1000, overruns: 3, skipped: 0 } };
    const bad = check([{ name: 'a' }], { over });
    expect(caseOf(bad, null, 'frame-overrun')).toMatchObject({
      status: 'fail',
      message: '3 of 1000 frames were still busy at the next release',
    });
    expect(bad.passed).toBe(false);
    const allowed = check([{ name: 'a' }], {
      over,
      rules: applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['frame-overrun'] }),
    });
    expect(allowed.passed).toBe(true);
    expect(caseOf(allowed, null, 'frame-overrun').status).toBe('skip');
  });

  it('one case per task and rule plus one per run-level rule', () => {
    const r = check([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    // Task rules: budget, deadline-miss, task-error, two regressions, not-run; run rules:
    // frame-overrun, stuck, crashed.
    expect(r.cases).toHaveLength(3 * 6 + 3);
    expect(r.cases.filter((c) => c.task === null).map((c) => c.rule)).toEqual([
      'frame-overrun',
      'stuck',
      'crashed',
    ]);
  });
});

describe('check: regression rules against a baseline', () => {
  const base = [{ name: 'control', p99: 100_000, max: 150_000, budgetNs: 1_000_000 }];

  it('are skipped without a baseline', () => {
    const r = check(base);
    expect(caseOf(r, 'control', 'p99-regression')).toMatchObject({
      status: 'skip',
      message: 'no baseline given (--baseline base.json)',
    });
    expect(caseOf(r, 'control', 'max-regression').status).toBe('skip');
  });

  it('p99 exactly +10 % passes, one ns more fails (default tolerance)', () => {
    const atLimit = check([{ ...base[0]!, p99: 110_000 }], { baseline: base });
    expect(caseOf(atLimit, 'control', 'p99-regression')).toMatchObject({
      status: 'pass',
      value: 110_000,
      message: 'p99 110 µs vs baseline 100 µs (+10.0 %; tolerance 10.0 %)',
    });
    expect(caseOf(atLimit, 'control', 'p99-regression').limit).toBeCloseTo(110_000, 6);
    const over = check([{ ...base[0]!, p99: 110_001 }], { baseline: base });
    expect(caseOf(over, 'control', 'p99-regression')).toMatchObject({
      status: 'fail',
      message: 'p99 110 µs vs baseline 100 µs (+10.0 %; tolerance 10.0 %): regressed',
    });
    expect(over.passed).toBe(false);
  });

  it('max: +20 % fails at 10 %, passes with --tolerance control=25%, and with --tolerance max=25%', () => {
    const run = [{ ...base[0]!, max: 180_000 }];
    expect(caseOf(check(run, { baseline: base }), 'control', 'max-regression').status).toBe('fail');
    const perTask = applyRuleFlags(DEFAULT_CHECK_RULES, { tolerance: ['control=25%'] });
    expect(caseOf(check(run, { baseline: base, rules: perTask }), 'control', 'max-regression')).toMatchObject(
      {
        status: 'pass',
        message: 'max 180 µs vs baseline 150 µs (+20.0 %; tolerance 25.0 %)',
      },
    );
    const perFigure = applyRuleFlags(DEFAULT_CHECK_RULES, { tolerance: ['max=25%'] });
    const r = check([{ ...base[0]!, max: 180_000, p99: 120_000 }], { baseline: base, rules: perFigure });
    expect(caseOf(r, 'control', 'max-regression').status).toBe('pass');
    // p99 keeps the default 10 %: +20 % fails.
    expect(caseOf(r, 'control', 'p99-regression').status).toBe('fail');
  });

  it('an improvement passes', () => {
    const r = check([{ ...base[0]!, p99: 50_000, max: 60_000 }], { baseline: base });
    expect(caseOf(r, 'control', 'p99-regression')).toMatchObject({
      status: 'pass',
      message: 'p99 50.0 µs vs baseline 100 µs (-50.0 %; tolerance 10.0 %)',
    });
  });

  it('--min-delta keeps a small absolute growth from failing', () => {
    const small = [{ name: 'fast', p99: 1000, max: 2000 }];
    const run = [{ name: 'fast', p99: 1500, max: 2000 }];
    expect(caseOf(check(run, { baseline: small }), 'fast', 'p99-regression').status).toBe('fail');
    const rules = applyRuleFlags(DEFAULT_CHECK_RULES, { minDelta: '1us' });
    const r = check(run, { baseline: small, rules });
    expect(caseOf(r, 'fast', 'p99-regression')).toMatchObject({
      status: 'pass',
      limit: 2000,
      message: 'p99 1.50 µs vs baseline 1.00 µs (+50.0 %; tolerance 10.0 % or +1.00 µs)',
    });
  });

  it('a task not in the baseline is skipped; one only in the baseline is a warning', () => {
    const r = check([{ name: 'new' }], { baseline: [{ name: 'old' }] });
    expect(caseOf(r, 'new', 'p99-regression')).toMatchObject({
      status: 'skip',
      message: 'the task is not in the baseline',
    });
    expect(r.warnings).toContain('tasks in the baseline but not in this run: old');
  });

  it('--allow regression allows both regression rules', () => {
    const rules = applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['regression'] });
    const r = check([{ ...base[0]!, p99: 900_000, max: 900_000 }], { baseline: base, rules });
    expect(caseOf(r, 'control', 'p99-regression')).toMatchObject({ status: 'skip', allowed: true });
    expect(caseOf(r, 'control', 'max-regression')).toMatchObject({ status: 'skip', allowed: true });
    expect(r.passed).toBe(true);
  });
});

describe('check: baseline from another environment', () => {
  it('warns with the fields that differ; no warning when they match', () => {
    const same = check([{ name: 'a' }], { baseline: [{ name: 'a' }] });
    expect(same.warnings).toEqual([]);
    expect(same.environmentDifferences).toEqual([]);
    const r = evaluateCheck({
      report: makeReport([{ name: 'a' }]),
      baseline: makeReport([{ name: 'a' }], {
        environment: fixtureEnvironment({
          kernel: '6.1.0',
          cpus: {
            count: 4,
            model: 'Cortex-A72',
            governor: 'ondemand',
            frequencyMhz: 1500,
            maxFrequencyMhz: 1500,
          },
        }),
      }),
    });
    expect(r.environmentDifferences.map((d) => d.field)).toEqual([
      'kernel',
      'cpus.model',
      'cpus.count',
      'cpus.governor',
    ]);
    expect(r.warnings).toEqual([
      'the baseline came from a different environment (kernel "6.1.0" → "6.18.0"; CPU model "Cortex-A72" → "AMD EPYC"; ' +
        'CPU count "4" → "2"; CPU governor "ondemand" → "performance"): regressions may reflect the machine, not the code',
    ]);
    // A warning, not a failure.
    expect(r.passed).toBe(true);
  });
});

describe('check: rule configuration errors', () => {
  it('unknown rule names say what is known and suggest the closest', () => {
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['deadline-mis'] })).toThrow(
      '--allow: unknown rule "deadline-mis" (did you mean "deadline-miss"?); rules: budget, deadline-miss, task-error, p99-regression, max-regression, not-run, frame-overrun, stuck, crashed, regression',
    );
  });

  it('a run-level rule cannot be allowed per task', () => {
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['log:frame-overrun'] })).toThrow(
      '--allow: "frame-overrun" applies to the whole run, not to a task: use --allow frame-overrun',
    );
  });

  it('bad tolerances name the flag and the expected form', () => {
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { tolerance: ['ten'] })).toThrow(
      '--tolerance: expected a percentage like "10%", got "ten"',
    );
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { tolerance: ['control.p95=5%'] })).toThrow(
      '--tolerance: expected [TASK][.p99|.max]=PCT, got "control.p95=5%"',
    );
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { minDelta: 'soon' })).toThrow(/^--min-delta: /);
  });

  it('a rules file resolves allow, tolerance, minDelta and per-task overrides', () => {
    const rules = resolveRulesFile({
      allow: ['frame-overrun'],
      tolerance: '15%',
      minDelta: '2us',
      tasks: { log: { allow: ['deadline-miss'], tolerance: { p99: '20%', max: '50%' }, minDelta: '5us' } },
    });
    expect(rules).toEqual({
      allow: ['frame-overrun'],
      tolerance: { p99: 0.15, max: 0.15 },
      minDeltaNs: 2000,
      tasks: { log: { allow: ['deadline-miss'], tolerance: { p99: 0.2, max: 0.5 }, minDeltaNs: 5000 } },
    });
  });

  it('a bad rules file lists every problem with its path (check_rules_invalid)', () => {
    let error: unknown;
    try {
      resolveRulesFile(
        {
          allow: ['budgett'],
          tolerance: 'lots',
          tasks: { log: { allow: ['frame-overrun'], tolerence: '5%' } },
        },
        'rules.json',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HardtickError);
    const e = error as HardtickError;
    expect(e.code).toBe('check_rules_invalid');
    expect(e.message).toBe(
      [
        'rules.json: 2 problems in check rules',
        '  tolerance: expected a percentage like "10%", got "lots"',
        '  tasks.log: unknown key "tolerence" (did you mean "tolerance"?)',
      ].join('\n'),
    );
    let second: unknown;
    try {
      resolveRulesFile({ allow: ['budgett'], tasks: { log: { allow: ['frame-overrun'] } } }, 'rules.json');
    } catch (e2) {
      second = e2;
    }
    expect((second as HardtickError).message).toBe(
      [
        'rules.json: 2 problems in check rules',
        '  allow: unknown rule "budgett" (did you mean "budget"?); rules: budget, deadline-miss, task-error, p99-regression, max-regression, not-run, frame-overrun, stuck, crashed, regression',
        '  tasks["log"].allow: "frame-overrun" applies to the whole run, not to a task: put it in the top-level "allow"',
      ].join('\n'),
    );
  });
});

describe('check: fault rules (not-run, stuck, crashed) fail by default, each relaxed by name', () => {
  const notRun = { total: 12, policy: 0, catchUp: 0, pause: 12, unavailable: 0, cutOff: 0 };

  it('not-run: a task with releases never run fails, its causes listed; --allow TASK:not-run skips it', () => {
    const r = makeReport([{ name: 'control' }]);
    const t = {
      ...r.tasks[0]!,
      releases: 1012,
      jobsRun: 1000,
      late: 0,
      notRun,
      skipped: 12,
      deadlineMisses: 12,
    };
    const report = { ...r, tasks: [t] };
    expect(caseOf(evaluateCheck({ report }), 'control', 'not-run')).toMatchObject({
      status: 'fail',
      value: 12,
      limit: 0,
      message: '12 of 1012 job(s) never ran (pause 12)',
    });
    expect(caseOf(evaluateCheck({ report }), 'control', 'deadline-miss').message).toBe(
      '12 of 1012 job(s) missed their deadline (0 completed late, 12 never ran)',
    );
    const relaxed = evaluateCheck({
      report,
      rules: applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['control:not-run'] }),
    });
    expect(caseOf(relaxed, 'control', 'not-run')).toMatchObject({ status: 'skip', allowed: true });
  });

  it('not-run passes when every job ran; a report without the split uses skipped', () => {
    const r = makeReport([{ name: 'control' }]);
    expect(caseOf(evaluateCheck({ report: r }), 'control', 'not-run')).toMatchObject({
      status: 'pass',
      message: 'every job ran (1000 released)',
    });
    const old = { ...r, tasks: [{ ...r.tasks[0]!, skipped: 3 }] };
    expect(caseOf(evaluateCheck({ report: old }), 'control', 'not-run')).toMatchObject({
      status: 'fail',
      message: '3 of 1000 job(s) never ran (skipped)',
    });
  });

  it('stuck: a run that ended stuck fails naming the slot; --allow stuck skips it', () => {
    const report = makeReport([{ name: 'control' }], {
      stopReason: 'stuck',
      exitCode: 75,
      stuck: [{ task: 'control', frame: 99, slot: 0, overrunNs: 50_100_000, failSafe: 'ran' }],
    });
    const c = evaluateCheck({ report }).cases.find((x) => x.rule === 'stuck')!;
    expect(c).toMatchObject({
      task: null,
      status: 'fail',
      value: 1,
      message:
        'the run ended stuck; 1 stuck event(s): task control in frame 99, 50.1 ms past its deadline (fail-safe: ran)',
    });
    const relaxed = evaluateCheck({
      report,
      rules: applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['stuck'] }),
    });
    expect(relaxed.cases.find((x) => x.rule === 'stuck')).toMatchObject({ status: 'skip', allowed: true });
    expect(() => applyRuleFlags(DEFAULT_CHECK_RULES, { allow: ['control:stuck'] })).toThrow(
      '--allow: "stuck" applies to the whole run, not to a task: use --allow stuck',
    );
  });

  it('crashed: a crash fails with its cause and place; a report with no crash field by its stopReason', () => {
    const report = makeReport([{ name: 'control' }], {
      stopReason: 'crashed',
      exitCode: 2,
      crash: {
        cause: 'process-exit',
        message: 'process.exit(3) called',
        task: 'control',
        at: '/x/tasks.mjs:12',
        slot: { task: 'control', mode: 'main', frame: 41, slot: 0 },
      },
    });
    expect(evaluateCheck({ report }).cases.find((x) => x.rule === 'crashed')).toMatchObject({
      status: 'fail',
      message:
        'the run crashed: process exit in task control (/x/tasks.mjs:12): process.exit(3) called (loop in task control, frame 41); exit code 2',
    });
    const bare = makeReport([{ name: 'control' }], { stopReason: 'crashed', exitCode: 2 });
    expect(evaluateCheck({ report: bare }).cases.find((x) => x.rule === 'crashed')).toMatchObject({
      status: 'fail',
      message: 'the run crashed (stopReason crashed; exit code 2)',
    });
    const clean = makeReport([{ name: 'control' }]);
    const cases = evaluateCheck({ report: clean }).cases;
    expect(cases.find((x) => x.rule === 'crashed')).toMatchObject({
      status: 'pass',
      message: 'the run did not crash',
    });
    expect(cases.find((x) => x.rule === 'stuck')).toMatchObject({
      status: 'pass',
      message: 'no slot got stuck',
    });
  });
});
