/**
 * The hostile inputs named in issue 18, as runnable cases: files to write and the
 * `hardtick` arguments that used to crash, hang, blow up or wrongly pass. Shared by the
 * regression test (test/hostile-corpus.test.ts) and `scripts/hostile-inputs.ts`, which
 * writes them out so each can be timed as a CLI run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What a case must end with. */
export interface HostileExpectation {
  /** Exit code of `hardtick`. */
  readonly exit: number;
  /** Text stderr must contain (exact substring), when the case is an error. */
  readonly stderr?: readonly string[];
  /** Text stdout must contain. */
  readonly stdout?: readonly string[];
}

/** One hostile input. */
export interface HostileCase {
  /** Short stable id, e.g. `plan-unknown-key-10mb`. */
  readonly id: string;
  /** The words for it. */
  readonly why: string;
  /** Files to write, relative to the case folder (content built on demand: some are 10 MB). */
  readonly files: Readonly<Record<string, () => string>>;
  /** `hardtick` arguments; `{dir}` stands for the case folder. */
  readonly argv: readonly string[];
  readonly expect: HostileExpectation;
  /** Needs a child process (signals, pipes, `process.exit`): not run in-process. */
  readonly childOnly?: boolean;
}

/** Names every plain object inherits. */
export const OBJECT_KEY_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
] as const;

const TASKS_MJS = 'export function a() {}\nexport function f() {}\n';

/** A minimal valid config with `over` merged at the top level. */
export function config(over: Record<string, unknown> = {}, tasks?: unknown[]): Record<string, unknown> {
  return {
    name: 'hostile',
    tasks: tasks ?? [{ name: 'a', period: '1ms', budget: '100us', run: './tasks.mjs#a' }],
    ...over,
  };
}

/** One task of a report (figures consistent unless overridden). */
export function reportTask(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    budgetNs: 100_000,
    releases: 1000,
    overruns: 0,
    deadlineMisses: 0,
    errors: 0,
    execNs: { min: 1000, mean: 10_000, p50: 10_000, p99: 40_000, p999: 59_999, max: 60_000, count: 1000 },
    mode: 'main',
    deadlineNs: 1_000_000,
    periodNs: 1_000_000,
    runs: 1000,
    execHistogram: [
      [1000, 1016, 10],
      [10_000, 10_064, 980],
      [40_000, 40_256, 9],
      [60_000, 60_512, 1],
    ],
    ...over,
  };
}

/** A valid `hardtick.run/v1` report with `tasks`; `over` replaces top-level fields. */
export function report(tasks: unknown[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'hardtick.run/v1',
    environment: {
      hardtick: '0.1.0',
      node: 'v20.20.2',
      platform: 'linux',
      arch: 'x64',
      kernel: '6.18.0',
      clock: 'native',
      waiter: 'native-abs',
      schedulingPolicy: 'SCHED_OTHER (nice 0)',
    },
    frames: { count: 1000, overruns: 0, skipped: 0 },
    release: { latenessNs: { min: 50, p50: 400, p99: 20_000, p999: 60_000, max: 90_000, count: 1000 } },
    tasks,
    gc: { count: 0, maxPauseNs: 0, unplanned: 0 },
    alarms: { overrun: 0, 'deadline-miss': 0 },
    config: { name: 'hostile' },
    frameNs: 1_000_000,
    durationNs: 1_000_000_000,
    startedAt: '2026-01-01T00:00:00.000Z',
    stopReason: 'duration',
    exitCode: 0,
    ...over,
  };
}

const json = (value: unknown) => () => `${JSON.stringify(value, null, 2)}\n`;

/** The first `n` primes. */
function primes(n: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < n; c++) {
    let prime = true;
    for (const p of out) {
      if (p * p > c) break;
      if (c % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) out.push(c);
  }
  return out;
}

const TEN_MB = 10 * 1024 * 1024;

const ODD_PERIODS = [101, 103, 107, 109, 113].map((us, i) => ({
  name: `t${i}`,
  period: `${us}us`,
  budget: '1us',
  run: './tasks.mjs#a',
}));

const tasksFile = { 'tasks.mjs': () => TASKS_MJS };

function planCase(id: string, why: string, body: () => string, expect: HostileExpectation): HostileCase {
  return { id, why, files: { ...tasksFile, 'c.json': body }, argv: ['plan', '{dir}/c.json'], expect };
}

/** A config exported by a module (no file-size limit applies to what it builds). */
function moduleCase(id: string, why: string, source: string, expect: HostileExpectation): HostileCase {
  return { id, why, files: { ...tasksFile, 'c.mjs': () => source }, argv: ['plan', '{dir}/c.mjs'], expect };
}

type RefField = 'run' | 'degraded' | 'safeState' | 'failSafe';

/** The config path of a reference field in {@link refConfig}. */
export const REF_PATH: Readonly<Record<RefField, string>> = {
  run: 'tasks[0].run',
  degraded: 'tasks[0].overrun.degraded',
  safeState: 'tasks[0].overrun.safeState',
  failSafe: 'watchdog.failSafe',
};

/** A config whose `where` reference is `ref` (the others point at ./tasks.mjs). */
export function refConfig(where: RefField, ref: string): Record<string, unknown> {
  const task: Record<string, unknown> = { name: 'a', period: '1ms', budget: '100us', run: './tasks.mjs#a' };
  const over: Record<string, unknown> = {};
  if (where === 'run') task.run = ref;
  if (where === 'degraded') task.overrun = { action: 'degrade', degraded: ref };
  if (where === 'safeState') task.overrun = { action: 'safe-state', safeState: ref };
  if (where === 'failSafe') over.watchdog = { failSafe: ref };
  return config(over, [task]);
}

function nameCases(): HostileCase[] {
  const namesReport = json(report(OBJECT_KEY_NAMES.map((n) => reportTask(n))));
  return [
    planCase(
      'plan-task-names-object-keys',
      'tasks named constructor, toString, valueOf, hasOwnProperty or __proto__ are accepted',
      json(
        config(
          {},
          OBJECT_KEY_NAMES.map((name) => ({ name, period: '1ms', budget: '100us', run: './tasks.mjs#a' })),
        ),
      ),
      {
        exit: 2,
        stderr: [
          '5 problems in config',
          'tasks[0].name: "constructor" is reserved (every JavaScript object has a property of that name); choose another name',
          'tasks[4].name: "__proto__" is reserved (every JavaScript object has a property of that name); choose another name',
        ],
      },
    ),
    planCase(
      'plan-mode-proto-invalid',
      'a mode named __proto__ is dropped silently even when it is invalid',
      () =>
        '{"name":"hostile","tasks":[{"name":"a","period":"1ms","budget":"100us","run":"./tasks.mjs#a"}],"modes":{"__proto__":{"tasks":"x"}}}',
      {
        exit: 2,
        stderr: [
          'modes.__proto__: "__proto__" is reserved (every JavaScript object has a property of that name); choose another name',
        ],
      },
    ),
    {
      id: 'check-object-key-names',
      why: 'tasks named like object keys make check exit 70',
      files: { 'r.json': namesReport },
      argv: ['check', '{dir}/r.json'],
      expect: { exit: 0, stdout: ['PASS: 0 failed, 23 passed, 10 skipped'] },
    },
    ...(['html', 'junit', 'md'] as const).map(
      (format): HostileCase => ({
        id: `report-${format}-object-key-names`,
        why: `tasks named like object keys make report --format ${format} exit 70`,
        files: { 'r.json': namesReport },
        argv: ['report', '{dir}/r.json', '--format', format, '-o', `{dir}/out.${format}`],
        expect: { exit: 0 },
      }),
    ),
    {
      id: 'check-tolerance-proto',
      why: '--tolerance __proto__=5% is ignored',
      files: { 'r.json': json(report([reportTask('a')])), 'b.json': json(report([reportTask('a')])) },
      argv: ['check', '{dir}/r.json', '--baseline', '{dir}/b.json', '--tolerance', '__proto__=5%'],
      expect: { exit: 2, stderr: ['--tolerance: no task "__proto__" in the run report (its tasks: a)'] },
    },
    {
      id: 'check-rules-tasks-proto',
      why: 'rules naming tasks.__proto__ are ignored',
      files: {
        'r.json': json(report([reportTask('__proto__', { budgetNs: 50_000, overruns: 1 })])),
        'rules.json': () => '{"tasks":{"__proto__":{"allow":["budget"]}}}',
      },
      argv: ['check', '{dir}/r.json', '--rules', '{dir}/rules.json'],
      expect: { exit: 0, stdout: ['(allowed by the rules)'] },
    },
    {
      id: 'check-rules-unknown-task',
      why: 'unknown keys in rules are an error',
      files: {
        'r.json': json(report([reportTask('control')])),
        'rules.json': () => '{"tasks":{"contrl":{"allow":["budget"]}}}',
      },
      argv: ['check', '{dir}/r.json', '--rules', '{dir}/rules.json'],
      expect: {
        exit: 2,
        stderr: [
          'tasks["contrl"]: no task "contrl" in the run report (did you mean "control"?; its tasks: control)',
        ],
      },
    },
    {
      id: 'main-command-constructor',
      why: 'a command named like an object key',
      files: {},
      argv: ['constructor'],
      expect: { exit: 2, stderr: ["hardtick: unknown command 'constructor'"] },
    },
  ];
}

function boundCases(): HostileCase[] {
  const task = '{"name":"a","period":"1ms","budget":"100us","run":"./tasks.mjs#a"}';
  const bigModule = (line: string) =>
    `const big = 'x'.repeat(${TEN_MB});\nexport default { name: 'hostile', tasks: [${task}], ${line} };\n`;
  return [
    planCase(
      'plan-unknown-key-10mb',
      'a 10 MB unknown key makes plan take 12 s and 3 GB',
      () => `{"name":"hostile","tasks":[${task}],"${'k'.repeat(TEN_MB)}":1}`,
      {
        exit: 2,
        stderr: [
          `c.json: the file has ${34 + task.length + TEN_MB} bytes; a config file may have at most 4194304 (4 MiB)`,
        ],
      },
    ),
    moduleCase(
      'plan-module-unknown-key-10mb',
      'a 10 MB unknown key (from a config module: no file size to stop it)',
      bigModule('[big]: 1'),
      {
        exit: 2,
        stderr: [
          '(top level): a key of 10485760 characters ("xxxxxxxxxxxxxxxxxxxxxxxx…"); keys and strings in a config may have at most 4096',
        ],
      },
    ),
    moduleCase(
      'plan-module-enum-10mb',
      '10 MB strings in enum fields',
      bigModule('slicing: big, catchUp: big'),
      {
        exit: 2,
        stderr: [
          'slicing: a string of 10485760 characters ("xxxxxxxxxxxxxxxxxxxxxxxx…"); keys and strings in a config may have at most 4096',
          'catchUp: a string of 10485760 characters',
        ],
      },
    ),
    planCase(
      'plan-10k-prime-periods',
      '10,000 tasks with prime periods and limits.timeoutMs 1000: 15.8 s and a 45,000-digit number',
      json(
        config(
          { limits: { timeoutMs: 1000 } },
          primes(10_000).map((p, i) => ({
            name: `t${i}`,
            period: `${p}us`,
            budget: '1us',
            run: './tasks.mjs#a',
          })),
        ),
      ),
      {
        exit: 1,
        stderr: [],
        stdout: ['hyperperiod_limit: hyperperiod H = lcm of all periods exceeds the limit 3600s'],
      },
    ),
    planCase(
      'plan-maxjobs-2^31',
      'maxJobs 2^31−1 with periods of 101–113 µs: 44 s and 19.7 GB despite the timeout',
      json(
        config({ limits: { maxHyperperiod: '86400s', maxJobs: 2 ** 31 - 1, timeoutMs: 1000 } }, ODD_PERIODS),
      ),
      {
        exit: 2,
        stderr: [
          'limits.maxJobs: expected an integer from 1 to 2000000 (the planner holds every job in memory), got 2147483647',
        ],
      },
    ),
    planCase(
      'plan-maxjobs-2^53',
      'maxJobs 2^53−1 exits 70 with RangeError: Invalid typed array length',
      json(
        config({ limits: { maxHyperperiod: '86400s', maxJobs: 2 ** 53 - 1, timeoutMs: 1000 } }, ODD_PERIODS),
      ),
      {
        exit: 2,
        stderr: [
          'limits.maxJobs: expected an integer from 1 to 2000000 (the planner holds every job in memory), got 9007199254740991',
        ],
      },
    ),
    planCase(
      'plan-odd-periods-at-ceiling',
      'the same periods within the ceiling: the job count, not the planner, says no',
      json(
        config({ limits: { maxHyperperiod: '86400s', maxJobs: 2_000_000, timeoutMs: 1000 } }, ODD_PERIODS),
      ),
      {
        exit: 1,
        stdout: [
          'job_limit: the hyperperiod H = 13710.311357s holds 644102089 jobs, above the limit 2000000',
        ],
      },
    ),
  ];
}

function stackTraceCases(): HostileCase[] {
  const open = () => '['.repeat(6000);
  return [
    planCase(
      'plan-6000-unclosed-brackets',
      '6,000 unclosed [ (a recursive checker after JSON.parse fails)',
      open,
      {
        exit: 2,
        stderr: ['c.json:1:6001: not valid JSON: Unexpected end of JSON input'],
      },
    ),
    planCase(
      'plan-deep-valid-json',
      'a valid JSON document nested 100,000 deep',
      () =>
        `{"name":"x","tasks":[],"watchdog":{"failSafeParams":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      { exit: 2, stderr: ['nested more than 64 levels deep'] },
    ),
    {
      id: 'check-6000-unclosed-brackets',
      why: '6,000 unclosed [ in a run report',
      files: { 'r.json': open },
      argv: ['check', '{dir}/r.json'],
      expect: { exit: 2, stderr: ['r.json:1:6001: not valid JSON: Unexpected end of JSON input'] },
    },
    {
      id: 'check-rules-6000-unclosed-brackets',
      why: '6,000 unclosed [ in a rules file',
      files: { 'r.json': json(report([reportTask('a')])), 'rules.json': open },
      argv: ['check', '{dir}/r.json', '--rules', '{dir}/rules.json'],
      expect: { exit: 2, stderr: ['rules.json:1:6001: not valid JSON: Unexpected end of JSON input'] },
    },
    ...(['run', 'degraded', 'safeState', 'failSafe'] as const).map((where) =>
      planCase(
        `plan-file-url-host-${where}`,
        `"${where}": "file://host/x.mjs#a" (an odd file URL) exits 70`,
        json(refConfig(where, `file://host/x.mjs#${where === 'failSafe' ? 'f' : 'a'}`)),
        {
          exit: 2,
          stderr: [
            `${REF_PATH[where]}: "file://host/x.mjs" is not a local file URL (it names the host "host"); write a path relative to the config file, like "./tasks.mjs"`,
          ],
        },
      ),
    ),
    planCase(
      'plan-file-url-encoded-slash',
      'another odd file URL',
      json(refConfig('run', 'file:///a%2Fb.mjs#a')),
      {
        exit: 2,
        stderr: [
          'tasks[0].run: "file:///a%2Fb.mjs" is not a usable file URL (File URL path must not include encoded / characters)',
        ],
      },
    ),
  ];
}

function reportCases(): HostileCase[] {
  const check = (id: string, why: string, body: Record<string, unknown>, message: string): HostileCase => ({
    id,
    why,
    files: { 'r.json': json(body) },
    argv: ['check', '{dir}/r.json'],
    expect: { exit: 2, stderr: [`r.json: not a consistent report: ${message}`] },
  });
  const trace = Array.from({ length: 4 }, (_, i) => ({
    frame: i,
    task: 'a',
    startNs: 1e9 + i * 1e6,
    endNs: 1e9 + i * 1e6 + 5e4,
    flags: 0,
  }));
  return [
    check(
      'check-tasks-empty',
      'check passes reports with tasks: []',
      report([]),
      'tasks: expected at least one task, got none',
    ),
    check(
      'check-negative-exec-max',
      'check passes a negative execNs.max',
      report([
        reportTask('a', { execNs: { min: -9, mean: -5, p50: -5, p99: -5, p999: -5, max: -5, count: 1000 } }),
      ]),
      'tasks[0].execNs.min: expected a number from 0 to 9007199254740991 (ns), got -9',
    ),
    check(
      'check-negative-duration',
      'check passes a negative durationNs',
      report([reportTask('a')], { durationNs: -1 }),
      'durationNs: expected a number from 0 to 9007199254740991 (ns), got -1',
    ),
    check(
      'check-negative-frame',
      'check passes a negative frameNs',
      report([reportTask('a')], { frameNs: -1e6 }),
      'frameNs: expected a number from 1 to 9007199254740991 (ns), got -1000000',
    ),
    check(
      'check-duplicate-task-names',
      'check passes duplicate task names',
      report([reportTask('a'), reportTask('a')]),
      'tasks[1].name: task "a" appears twice in mode "main" (also tasks[0])',
    ),
    {
      id: 'report-html-frame-1ns',
      why: 'report --format html on frameNs: 1 runs 30 s and 4.2 GB',
      files: { 'r.json': json(report([reportTask('a')], { frameNs: 1, trace })) },
      argv: ['report', '{dir}/r.json', '--format', 'html', '-o', '{dir}/out.html'],
      expect: { exit: 0 },
    },
    {
      id: 'report-html-bucket-1e308',
      why: 'a histogram bucket at 1e308 aborts V8 (exit 133)',
      files: { 'r.json': json(report([reportTask('a', { execHistogram: [[1e308, 1e308, 1]] })])) },
      argv: ['report', '{dir}/r.json', '--format', 'html', '-o', '{dir}/out.html'],
      expect: {
        exit: 2,
        stderr: [
          'r.json: not a consistent report: tasks[0].execHistogram[0][0]: expected a number from 0 to 9007199254740991 (ns), got 1e+308',
        ],
      },
    },
    {
      id: 'report-html-million-buckets',
      why: 'a histogram of a million buckets overflows the stack',
      files: {
        'r.json': json(
          report([
            reportTask('a', {
              execHistogram: Array.from({ length: 1_000_000 }, (_, i) => [1000 + i, 1001 + i, 1]),
            }),
          ]),
        ),
      },
      argv: ['report', '{dir}/r.json', '--format', 'html', '-o', '{dir}/out.html'],
      expect: {
        exit: 2,
        stderr: [
          'r.json: not a consistent report: tasks[0].execHistogram: 1000000 buckets; a histogram has at most 16384',
        ],
      },
    },
  ];
}

function outputCases(): HostileCase[] {
  const r = { 'r.json': json(report([reportTask('a')])) };
  return [
    {
      id: 'report-o-own-input',
      why: 'report -o in.json overwrites its own input',
      files: r,
      argv: ['report', '{dir}/r.json', '--format', 'md', '-o', '{dir}/r.json'],
      expect: { exit: 2, stderr: ['is the run report being read; refusing to overwrite it'] },
    },
    {
      id: 'check-o-own-input',
      why: 'check -o in.json overwrites its own input',
      files: r,
      argv: ['check', '{dir}/r.json', '--format', 'json', '-o', '{dir}/r.json'],
      expect: { exit: 2, stderr: ['is the run report being read; refusing to overwrite it'] },
    },
    {
      id: 'report-o-proc',
      why: 'a report path under /proc (Node 20 recursive mkdir spins there)',
      files: r,
      argv: ['report', '{dir}/r.json', '--format', 'md', '-o', '/proc/x/y.md'],
      expect: { exit: 2, stderr: ['cannot write /proc/x/y.md: '] },
    },
    {
      id: 'plan-json-epipe',
      why: 'plan coprime.json --json | head -c 100 dies with an EPIPE stack trace',
      files: {
        ...tasksFile,
        'c.json': json(
          config(
            {},
            [1, 7, 11, 13].map((ms, i) => ({
              name: `t${i}`,
              period: `${ms}ms`,
              budget: '1us',
              run: './tasks.mjs#a',
            })),
          ),
        ),
      },
      argv: ['plan', '{dir}/c.json', '--json'],
      expect: { exit: 0 },
      childOnly: true,
    },
  ];
}

function flagCases(): HostileCase[] {
  const r = { 'r.json': json(report([reportTask('a')])) };
  return [
    {
      id: 'check-duplicate-format',
      why: 'duplicate flags silently keep the last',
      files: r,
      argv: ['check', '{dir}/r.json', '--format', 'md', '--format', 'json'],
      expect: { exit: 2, stderr: ['hardtick check: --format given twice (md, then json); give it once'] },
    },
    {
      id: 'jitter-duplicate-duration',
      why: '--duration twice silently keeps the last',
      files: {},
      argv: ['jitter', '--duration', '1s', '--duration', '2s'],
      expect: { exit: 2, stderr: ['hardtick jitter: --duration given twice (1s, then 2s); give it once'] },
    },
    {
      id: 'jitter-unknown-flag',
      why: "an unknown flag prints parseArgs' raw text with no did-you-mean",
      files: {},
      argv: ['jitter', '--durration', '2s'],
      expect: { exit: 2, stderr: ['hardtick jitter: unknown option --durration (did you mean --duration?)'] },
    },
    {
      id: 'jitter-dash-value',
      why: '--duration -5s says "argument is ambiguous"',
      files: {},
      argv: ['jitter', '--duration', '-5s'],
      expect: {
        exit: 2,
        stderr: ['hardtick jitter: --duration: expected a positive duration like "5ms", got "-5s"'],
      },
    },
  ];
}

function trustCases(): HostileCase[] {
  const evil =
    "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran', import.meta.url), 'evil ran');\nexport function a() {}\nexport function f() {}\n";
  const inProject = (
    id: string,
    why: string,
    where: RefField,
    ref: string,
    message: string,
  ): HostileCase => ({
    id,
    why,
    files: {
      'proj/package.json': () => '{"name":"proj","private":true}\n',
      'proj/sub/c.json': json(refConfig(where, ref)),
      'proj/sub/tasks.mjs': () => TASKS_MJS,
      'outside/evil.mjs': () => evil,
    },
    argv: ['plan', '{dir}/proj/sub/c.json'],
    expect: { exit: 2, stderr: [`${REF_PATH[where]}: ${message}`] },
  });
  const outside = "resolves outside the config's project";
  return [
    inProject(
      'plan-trust-parent',
      '"run": "../../../outside/evil.mjs#a"',
      'run',
      '../../outside/evil.mjs#a',
      `"../../outside/evil.mjs" ${outside}`,
    ),
    inProject(
      'plan-trust-absolute',
      'an absolute path',
      'run',
      '/tmp/hardtick-evil/evil.mjs#a',
      `"/tmp/hardtick-evil/evil.mjs" ${outside}`,
    ),
    inProject(
      'plan-trust-file-url',
      'a file:/// URL',
      'degraded',
      'file:///tmp/hardtick-evil/evil.mjs#a',
      `"file:///tmp/hardtick-evil/evil.mjs" ${outside}`,
    ),
    inProject(
      'plan-trust-failsafe',
      'a watchdog.failSafe path',
      'failSafe',
      '../../outside/evil.mjs#f',
      `"../../outside/evil.mjs" ${outside}`,
    ),
    inProject(
      'plan-trust-data',
      'data: is refused only by accident',
      'run',
      'data:text/javascript,export function a(){}#a',
      '"data:text/javascript,export function a(){}" is a data: URL; a task module must be a file inside the project, named by a path relative to the config file',
    ),
    inProject(
      'plan-trust-node',
      'node:child_process#execSync is refused only by accident',
      'safeState',
      'node:child_process#execSync',
      '"node:child_process" is a Node.js built-in module; a task module must be a file inside the project, named by a path relative to the config file',
    ),
    inProject(
      'plan-trust-bare',
      'bare package names are refused only by accident',
      'run',
      'lodash#map',
      '"lodash" looks like a package name; hardtick does not resolve packages: name a module file by its path relative to the config file, like "./tasks.mjs"',
    ),
    {
      id: 'run-trust-parent',
      why: 'run imports and executes a module outside the project',
      files: {
        'proj/package.json': () => '{"name":"proj","private":true}\n',
        'proj/c.json': json(refConfig('run', '../outside/evil.mjs#a')),
        'outside/evil.mjs': () => evil,
      },
      argv: ['run', '{dir}/proj/c.json', '--duration', '200ms'],
      expect: { exit: 2, stderr: [`tasks[0].run: "../outside/evil.mjs" ${outside}`] },
      childOnly: true,
    },
  ];
}

/** Every case. Paths in `argv` are relative to the case folder unless absolute. */
export function hostileCases(): HostileCase[] {
  return [
    ...nameCases(),
    ...boundCases(),
    ...stackTraceCases(),
    ...reportCases(),
    ...outputCases(),
    ...flagCases(),
    ...trustCases(),
  ];
}

/** Writes a case's files under `dir`; returns its argv with `{dir}` replaced. */
export function writeCase(c: HostileCase, dir: string): string[] {
  for (const [name, content] of Object.entries(c.files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content());
  }
  return c.argv.map((a) => a.replaceAll('{dir}', dir));
}
