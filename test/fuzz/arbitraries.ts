/**
 * fast-check generators of hostile inputs: configs (near-valid ones with one bad detail,
 * random JSON, damaged JSON text), run reports (a valid report with fields set to hostile
 * values) and execution-time sample files. Every input is produced as the text a user
 * would hand hardtick, so the whole loader runs on it.
 */
import fc from 'fast-check';
import { config, OBJECT_KEY_NAMES, report, reportTask } from './corpus.js';

const DURATIONS = [
  '1ms',
  '2ms',
  '4ms',
  '5ms',
  '10ms',
  '20ms',
  '100ms',
  '100us',
  '250us',
  '1s',
  '1ns',
  '0ms',
  '-1ms',
  '1.5ms',
  '1e3us',
  '86400s',
  '86401s',
  '1e999s',
  'abc',
  '',
  '5',
  'NaNms',
  ' 2 ms ',
  '0.0000001ns',
];

/** A duration as a user might (mis)write it. */
export const durationArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...DURATIONS) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 200 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: false }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, 'x'.repeat(5000)) },
);

/** Task and mode names, object keys and bad names among them. */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'sense', 'control', 'log', 'low-power', 'main') },
  { weight: 2, arbitrary: fc.constantFrom(...OBJECT_KEY_NAMES, 'isPrototypeOf', '__defineGetter__') },
  { weight: 1, arbitrary: fc.constantFrom('', 'low power', '1st', 'x'.repeat(129), 'é') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** `path#export` references: inside the project, outside it, and every odd kind. */
export const refArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('./tasks.mjs#a', 'tasks.mjs#f', './lib/x.mjs#a') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '../outside/evil.mjs#a',
      '../../../../etc/x.mjs#a',
      '/tmp/hardtick-fuzz-evil.mjs#a',
      'file:///tmp/x.mjs#a',
      'file://host/x.mjs#a',
      'file:///a%2Fb.mjs#a',
      'file://[x/y.mjs#a',
      'file:#a',
      'data:text/javascript,export const a = 1#a',
      'node:child_process#execSync',
      'lodash#map',
      '@scope/pkg#x',
      'https://example.com/x.mjs#a',
      './tasks.mjs',
      '#a',
      './tasks.mjs#',
      './tasks.mjs#1bad',
      './link/evil.mjs#a',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);

const overrunArb = fc.record(
  {
    action: fc.constantFrom('warn', 'skip-next', 'degrade', 'safe-state', 'stop', 'explode'),
    after: fc.integer({ min: -1, max: 5 }),
    bucket: fc.record({
      max: fc.integer({ min: 0, max: 5 }),
      leak: fc.double({ min: -1, max: 3, noNaN: true }),
    }),
    recoverAfter: fc.integer({ min: 0, max: 20 }),
    degraded: refArb,
    safeState: refArb,
  },
  { requiredKeys: ['action'] },
);

const taskArb = fc.record(
  {
    name: nameArb,
    period: durationArb,
    budget: durationArb,
    deadline: durationArb,
    phase: durationArb,
    run: refArb,
    overrun: overrunArb,
    isolate: fc.boolean(),
    isolateGrace: durationArb,
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['name', 'period', 'budget', 'run'] },
);

/** Periods that plan quickly and often feasibly (harmonic-ish), for tasks that must get far. */
const plannableTaskArb = fc
  .record({
    name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    periodUs: fc.constantFrom(100, 200, 250, 400, 500, 1000, 2000, 5000, 10_000),
    budgetUs: fc.integer({ min: 1, max: 400 }),
    phaseUs: fc.constantFrom(0, 0, 0, 50),
  })
  .map((t) => ({
    name: t.name,
    period: `${t.periodUs}us`,
    budget: `${Math.min(t.budgetUs, t.periodUs)}us`,
    phase: `${t.phaseUs % t.periodUs}us`,
    run: './tasks.mjs#a',
  }));

const limitsArb = fc.record(
  {
    maxHyperperiod: durationArb,
    maxJobs: fc.constantFrom(
      1,
      10,
      1000,
      1_000_000,
      2_000_000,
      2_000_001,
      2 ** 31 - 1,
      2 ** 53 - 1,
      0,
      -1,
      1.5,
    ),
    timeoutMs: fc.integer({ min: 1, max: 300 }),
  },
  { requiredKeys: ['timeoutMs'] },
);

const modeArb = fc.record(
  {
    frame: fc.oneof(fc.constant('auto'), durationArb),
    slicing: fc.constantFrom('off', 'auto', 'on'),
    tasks: fc.array(taskArb, { maxLength: 3 }),
  },
  { requiredKeys: ['tasks'] },
);

/**
 * An object with the given entries as OWN properties, `__proto__` included (plain
 * assignment would set the prototype instead), so JSON.stringify writes every key.
 */
function ownEntries(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const structuredConfigArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      name: fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 6 })),
      frame: fc.oneof(fc.constant('auto'), durationArb),
      slicing: fc.constantFrom('off', 'auto', 'sometimes'),
      tasks: fc.oneof(
        { weight: 3, arbitrary: fc.array(plannableTaskArb, { minLength: 1, maxLength: 5 }) },
        { weight: 3, arbitrary: fc.array(taskArb, { maxLength: 5 }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      ),
      modes: fc.array(fc.tuple(nameArb, modeArb), { maxLength: 3 }),
      initialMode: nameArb,
      catchUp: fc.oneof(
        fc.constantFrom('skip', 'run', 'later'),
        fc.record({
          policy: fc.constantFrom('skip', 'run', 'x'),
          maxFrames: fc.integer({ min: -1, max: 9 }),
        }),
      ),
      alarms: fc.record(
        {
          fatal: fc.array(fc.constantFrom('overrun', 'deadline-miss', 'bogus', '__proto__')),
          releaseLate: durationArb,
          ratePerSecond: fc.integer({ min: -1, max: 20 }),
        },
        { requiredKeys: [] },
      ),
      limits: limitsArb,
      watchdog: fc.record(
        {
          grace: durationArb,
          failSafe: refArb,
          exitCode: fc.constantFrom(75, 0, 256, false, true),
          failSafeParams: fc.jsonValue({ maxDepth: 3 }),
          onStuck: fc.constantFrom('end-run', 'keep-running', 'panic'),
        },
        { requiredKeys: [] },
      ),
      realtime: fc.record(
        {
          priority: fc.integer({ min: -1, max: 120 }),
          cpu: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.array(fc.integer({ min: -1, max: 3 }))),
          nice: fc.integer({ min: -30, max: 30 }),
        },
        { requiredKeys: [] },
      ),
      gc: fc.record(
        {
          planned: fc.oneof(
            fc.boolean(),
            fc.record({
              every: fc.integer({ min: -1, max: 5 }),
              youngFill: fc.double({ min: -1, max: 2, noNaN: true }),
            }),
          ),
          warn: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      allowOutsideProject: fc.constantFrom(false, false, false, true, 'yes'),
      unknown: fc.array(
        fc.tuple(
          fc.constantFrom('nmae', 'taks', '__proto__', 'constructor', 'x'.repeat(5000), 'slicng'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ['name', 'tasks', 'limits'] },
  )
  .map(({ modes, unknown, ...rest }) =>
    ownEntries([
      ...Object.entries(rest),
      ...(modes === undefined || modes.length === 0 ? [] : [['modes', ownEntries(modes)] as const]),
      ...(unknown ?? []),
    ]),
  );

/** Damages JSON text the way files get damaged: cut, a character changed, nested deep, doubled. */
const damageArb = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('change' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    char: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'x', '-', '9'),
  }),
  fc.record({ kind: fc.constant('nest' as const), depth: fc.constantFrom(10, 100, 6000, 100_000) }),
  fc.record({ kind: fc.constant('bom' as const) }),
);

interface Damage {
  readonly kind: 'cut' | 'change' | 'nest' | 'bom';
  readonly at?: number;
  readonly char?: string;
  readonly depth?: number;
}

function damage(text: string, d: Damage): string {
  const at = Math.floor((d.at ?? 0) * text.length);
  switch (d.kind) {
    case 'cut':
      return text.slice(0, at);
    case 'change':
      return text.slice(0, at) + (d.char ?? 'x') + text.slice(at + 1);
    case 'nest':
      return `${'['.repeat(d.depth ?? 1)}${text}`;
    default:
      return `\ufeff${text}`;
  }
}

/** Configs that are valid or nearly so: they reach the planner, which must then be right. */
const validishConfigArb = fc
  .record({
    tasks: fc.array(plannableTaskArb, { minLength: 1, maxLength: 6 }),
    frame: fc.constantFrom('auto', 'auto', '100us', '250us', '500us', '1ms'),
    slicing: fc.constantFrom('off', 'auto'),
    maxJobs: fc.constantFrom(10, 1000, 1_000_000),
    timeoutMs: fc.integer({ min: 1, max: 300 }),
    lowMode: fc.boolean(),
  })
  .map(({ tasks, frame, slicing, maxJobs, timeoutMs, lowMode }) => {
    const named = tasks.map((t, i) => ({ ...t, name: `t${i}` }));
    return {
      name: 'fuzz',
      frame,
      slicing,
      tasks: named,
      limits: { maxJobs, timeoutMs },
      ...(lowMode ? { modes: { low: { tasks: named.slice(0, 1) } } } : {}),
    };
  });

/** A config file's text: mostly structured configs, some damaged, some random JSON. */
export const configTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: validishConfigArb.map((c) => JSON.stringify(c)) },
  { weight: 14, arbitrary: structuredConfigArb.map((c) => JSON.stringify(c)) },
  {
    weight: 3,
    arbitrary: fc.tuple(structuredConfigArb, damageArb).map(([c, d]) => damage(JSON.stringify(c), d)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.constant(JSON.stringify(config())) },
);

const HOSTILE_NUMBERS = [
  -1,
  -0.5,
  0,
  1,
  1.5,
  1e308,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  123_456,
  1e-300,
];

const REPORT_PATHS = [
  'frames.count',
  'frames.overruns',
  'frames.skipped',
  'release.latenessNs.min',
  'release.latenessNs.p99',
  'release.latenessNs.max',
  'gc.count',
  'gc.maxPauseNs',
  'gc.unplanned',
  'frameNs',
  'durationNs',
  'exitCode',
  'tasks.0.budgetNs',
  'tasks.0.releases',
  'tasks.0.overruns',
  'tasks.0.deadlineMisses',
  'tasks.0.errors',
  'tasks.0.execNs.min',
  'tasks.0.execNs.mean',
  'tasks.0.execNs.p50',
  'tasks.0.execNs.p99',
  'tasks.0.execNs.max',
  'tasks.0.execNs.count',
  'tasks.0.name',
  'tasks.0.mode',
  'tasks.0.execMaxFrame',
  'tasks.0.execHistogram',
  'tasks.1.name',
  'tasks',
  'schema',
  'environment',
  'alarms',
  'stopReason',
  'config',
  'trace',
  'pauses',
];

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...OBJECT_KEY_NAMES, '', 'main', 'a') },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom([], [[1, 2, 1]], [[5, 1, 1]], [[0, 1e308, 1]]) },
);

function setPath(root: Record<string, unknown>, path: string, value: unknown, remove: boolean): void {
  const keys = path.split('.');
  let at: unknown = root;
  for (const k of keys.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return;
    at = (at as Record<string, unknown>)[k];
  }
  if (typeof at !== 'object' || at === null) return;
  const last = keys[keys.length - 1]!;
  if (remove) delete (at as Record<string, unknown>)[last];
  else Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true });
}

const traceArb = fc.array(
  fc.record({
    frame: fc.constantFrom(0, 1, 2, -1, 1.5),
    task: nameArb,
    startNs: fc.constantFrom(...HOSTILE_NUMBERS),
    endNs: fc.constantFrom(...HOSTILE_NUMBERS),
    flags: fc.constantFrom(0, 1, 8, 9),
  }),
  { maxLength: 6 },
);

const histogramArb = fc.array(
  fc.tuple(
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.integer({ min: 0, max: 5 }),
  ),
  { maxLength: 8 },
);

/** Reports that are consistent or nearly so: they reach check and every renderer. */
const validishReportArb = fc
  .record({
    names: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }),
    budgetNs: fc.constantFrom(1, 1000, 100_000, 1e9, Number.MAX_SAFE_INTEGER),
    exec: fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 5, maxLength: 5 }),
    buckets: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 1000 }), fc.nat(50)),
      {
        maxLength: 40,
      },
    ),
    frameNs: fc.constantFrom(1, 7, 1000, 1e6, 1e9),
    trace: fc.array(
      fc.tuple(fc.nat(20), fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(1e7), fc.constantFrom(0, 1, 8)),
      {
        maxLength: 30,
      },
    ),
  })
  .map(({ names, budgetNs, exec, buckets, frameNs, trace }) => {
    const [min, p50, p99, p999, max] = [...exec].sort((a, b) => a - b) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const execNs = { min, mean: (min + max) / 2, p50, p99, p999, max, count: 1000 };
    const histogram = buckets.map(([low, width, n]) => [low, low + width, n]);
    return JSON.stringify(
      report(
        names.map((n) => reportTask(n, { budgetNs, execNs, responseNs: execNs, execHistogram: histogram })),
        {
          frameNs,
          trace: trace.map(([frame, start, length, flags]) => ({
            frame,
            task: names[frame % names.length],
            startNs: start,
            endNs: start + length,
            flags,
          })),
        },
      ),
    );
  });

/** A report file's text: a valid report with hostile edits, sometimes damaged as text. */
export const reportTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: validishReportArb },
  { weight: 2, arbitrary: hostileReportArb() },
);

function hostileReportArb(): fc.Arbitrary<string> {
  return fc
    .record({
      names: fc.array(nameArb, { minLength: 0, maxLength: 4 }),
      edits: fc.array(fc.tuple(fc.constantFrom(...REPORT_PATHS), valueArb, fc.boolean()), { maxLength: 3 }),
      trace: fc.option(traceArb),
      histogram: fc.option(histogramArb),
      frameNs: fc.option(fc.constantFrom(1, 1000, 1e6)),
      damage: fc.option(damageArb, { freq: 6 }),
    })
    .map(({ names, edits, trace, histogram, frameNs, damage: d }) => {
      const r = report(
        names.map((n, i) => reportTask(n, i === 0 && histogram !== null ? { execHistogram: histogram } : {})),
        {
          ...(trace === null ? {} : { trace }),
          ...(frameNs === null ? {} : { frameNs }),
        },
      );
      for (const [path, value, remove] of edits) setPath(r, path, value, remove);
      const text = JSON.stringify(r);
      return d === null ? text : damage(text, d);
    });
}

/** A samples file's text: numbers (valid or not), a header, blank lines, garbage. */
export const samplesTextArb: fc.Arbitrary<string> = fc
  .record({
    header: fc.option(fc.constantFrom('execNs', 'ns,extra', '#')),
    count: fc.constantFrom(0, 10, 499, 500, 2000, 2000, 5000),
    base: fc.integer({ min: 100, max: 1e9 }),
    spreadPct: fc.integer({ min: 0, max: 200 }),
    bad: fc.option(
      fc.tuple(fc.nat(), fc.constantFrom('-5', 'NaN', 'Infinity', '1e400', 'abc', '', '1,5', ' 7 ')),
      { freq: 2 },
    ),
    seed: fc.integer(),
  })
  .map(({ header, count, base, spreadPct, bad, seed }) => {
    let x = seed >>> 0 || 1;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      x = (x * 1664525 + 1013904223) >>> 0;
      lines.push(String(Math.round(base * (1 + (spreadPct / 100) * (x / 2 ** 32) ** 3))));
    }
    if (bad !== null && lines.length > 0) {
      const [at, text] = bad;
      lines[at % lines.length] = text;
    }
    return `${header === null ? '' : `${header}\n`}${lines.join('\n')}\n`;
  });
