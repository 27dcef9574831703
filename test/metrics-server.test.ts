import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import type { GcSummary } from '../src/gc/monitor.js';
import {
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  isLoopbackHost,
  type MetricsServer,
  type MetricsSource,
  metricsSourceFromSnapshot,
  parseMetricsAddress,
  renderExposition,
  startMetricsServer,
} from '../src/metrics/index.js';
import type { ExecutiveSnapshot } from '../src/runtime/snapshot.js';

const dist = (count: number, mean: number, p50: number, p99: number, p999: number, max: number) => ({
  count,
  min: p50 / 2,
  mean,
  p50,
  p99,
  p999,
  max,
});

const task = (name: string, overrides: Partial<ExecutiveSnapshot['tasks'][number]> = {}) => ({
  name,
  mode: 'main',
  budgetNs: 1_000_000,
  deadlineNs: 4_000_000,
  periodNs: 4_000_000,
  releases: 250,
  runs: 248,
  overruns: 3,
  deadlineMisses: 1,
  errors: 2,
  skipped: 2,
  jobsRun: 246,
  late: 1,
  notRun: { policy: 0, catchUp: 2, pause: 0, unavailable: 0, cutOff: 0 },
  inFlight: 0,
  censored: 0,
  degradedRuns: 0,
  execNs: dist(248, 12_500, 12_000, 40_000, 95_000, 120_000),
  execMaxFrame: 17,
  responseNs: dist(248, 20_000, 19_000, 60_000, 99_000, 130_000),
  execHistogram: [],
  policyTriggers: 1,
  degraded: false,
  ...overrides,
});

const SNAPSHOT: ExecutiveSnapshot = {
  mode: 'main',
  frameNs: 1_000_000,
  frames: { count: 1000, overruns: 4, skipped: 5, lostToPause: 0, cutOff: 0, standby: 0 },
  release: { latenessNs: dist(1000, 3_000, 2_000, 150_000, 400_000, 900_000) },
  tasks: [task('sense'), task('control', { overruns: 0, execNs: dist(0, 0, 0, 0, 0, 0) })],
  alarms: {
    overrun: 3,
    'deadline-miss': 1,
    'frame-overrun': 4,
    'release-late': 7,
    'task-error': 2,
    'skipped-frames': 1,
    'mode-change': 0,
    stopped: 0,
    pause: 0,
    killed: 0,
    'gc-warn': 0,
  },
  alarmsDropped: 6,
  stopped: false,
  stopReason: null,
  elapsedNs: 1_000_000_000,
  startNs: 5e9,
  nextFrameIndex: 1000,
};

const GC: GcSummary = {
  count: 3,
  maxPauseNs: 1_500_000,
  totalPauseNs: 2_500_000,
  unplanned: 3,
  byKind: { minor: 2, major: 1, incremental: 0, weakcb: 0, other: 0 },
  events: [],
};

/** A config name that needs every escape: quote, backslash, newline. */
const NASTY = 'pid "demo"\\v2\nline2';

const source = (): MetricsSource =>
  metricsSourceFromSnapshot(SNAPSHOT, GC, {
    configName: NASTY,
    clock: 'native',
    waiter: 'native-abs',
    thread: 'worker',
    version: '0.1.0',
    realtime: [{ step: 'priority', status: 'applied' }],
  });

interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A strict reader of the 0.0.4 text format (what Prometheus' parser accepts). */
function parseExposition(text: string): Parsed {
  const parsed: Parsed = { help: new Map(), type: new Map(), samples: [] };
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help) {
      parsed.help.set(help[1]!, help[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)$/.exec(line);
    if (type) {
      parsed.type.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(sample, `bad line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = sample![2] ?? '';
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/gy;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = labelRe.exec(body)) !== null) {
      labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = labelRe.lastIndex;
      if (match[3] === '') break;
    }
    expect(consumed, `bad labels: ${body}`).toBe(body.length);
    const raw = sample![3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    parsed.samples.push({ name: sample![1]!, labels, value });
  }
  return parsed;
}

function value(parsed: Parsed, name: string, labels: Record<string, string> = {}): number | undefined {
  return parsed.samples.find(
    (s) =>
      s.name === name &&
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

function get(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function start(collect: () => MetricsSource | Promise<MetricsSource> = source): Promise<MetricsServer> {
  const server = await startMetricsServer({ port: 0, collect });
  servers.push(server);
  return server;
}

describe('metrics endpoint over real HTTP', () => {
  it('binds loopback on a free port and serves /metrics in the 0.0.4 text format', async () => {
    const server = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.loopback).toBe(true);
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const res = await get(`${server.url}metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(res.body);

    // Every family has exactly one HELP and one TYPE, before its samples.
    for (const s of parsed.samples) {
      const family = s.name.replace(/_(sum|count)$/, '');
      const base = parsed.type.has(s.name) ? s.name : family;
      expect(parsed.type.has(base), s.name).toBe(true);
      expect(parsed.help.has(base), s.name).toBe(true);
    }
    expect(res.body.match(/^# TYPE hardtick_task_exec_seconds /gm)).toHaveLength(1);
    expect(parsed.type.get('hardtick_task_exec_seconds')).toBe('summary');
    expect(parsed.type.get('hardtick_release_lateness_seconds')).toBe('summary');
    expect(parsed.type.get('hardtick_task_overruns_total')).toBe('counter');
    expect(parsed.type.get('hardtick_info')).toBe('gauge');

    // Label escaping round-trips the config name.
    expect(res.body).toContain('config="pid \\"demo\\"\\\\v2\\nline2"');
    const info = parsed.samples.find((s) => s.name === 'hardtick_info')!;
    expect(info.labels).toEqual({
      config: NASTY,
      mode: 'main',
      clock: 'native',
      waiter: 'native-abs',
      thread: 'worker',
      version: '0.1.0',
    });
    expect(info.value).toBe(1);

    // Values equal the source numbers (ns → s).
    const sense = { task: 'sense', mode: 'main' };
    expect(value(parsed, 'hardtick_task_exec_seconds', { ...sense, quantile: '0.5' })).toBe(12_000 / 1e9);
    expect(value(parsed, 'hardtick_task_exec_seconds', { ...sense, quantile: '0.99' })).toBe(40_000 / 1e9);
    expect(value(parsed, 'hardtick_task_exec_seconds', { ...sense, quantile: '0.999' })).toBe(95_000 / 1e9);
    expect(value(parsed, 'hardtick_task_exec_seconds_count', sense)).toBe(248);
    expect(value(parsed, 'hardtick_task_exec_seconds_sum', sense)).toBeCloseTo((248 * 12_500) / 1e9, 15);
    expect(value(parsed, 'hardtick_task_exec_max_seconds', sense)).toBe(120_000 / 1e9);
    expect(value(parsed, 'hardtick_task_budget_seconds', sense)).toBe(0.001);
    expect(value(parsed, 'hardtick_task_overruns_total', sense)).toBe(3);
    expect(value(parsed, 'hardtick_task_deadline_misses_total', sense)).toBe(1);
    expect(value(parsed, 'hardtick_task_errors_total', sense)).toBe(2);
    expect(value(parsed, 'hardtick_task_skipped_total', sense)).toBe(2);
    // What every release came to: late, not run by cause, censored; frames lost and cut off.
    expect(value(parsed, 'hardtick_task_late_total', sense)).toBe(1);
    expect(value(parsed, 'hardtick_task_not_run_total', { ...sense, cause: 'catch-up' })).toBe(2);
    expect(value(parsed, 'hardtick_task_not_run_total', { ...sense, cause: 'pause' })).toBe(0);
    expect(value(parsed, 'hardtick_task_not_run_total', { ...sense, cause: 'cut-off' })).toBe(0);
    expect(value(parsed, 'hardtick_task_censored_total', sense)).toBe(0);
    expect(parsed.type.get('hardtick_task_not_run_total')).toBe('counter');
    expect(value(parsed, 'hardtick_frames_lost_to_pause_total')).toBe(0);
    expect(value(parsed, 'hardtick_frames_cut_off_total')).toBe(0);
    expect(value(parsed, 'hardtick_task_releases_total', sense)).toBe(250);
    // No executions yet: quantiles are NaN, count 0.
    const control = { task: 'control', mode: 'main' };
    expect(value(parsed, 'hardtick_task_exec_seconds', { ...control, quantile: '0.99' })).toBeNaN();
    expect(value(parsed, 'hardtick_task_exec_seconds_count', control)).toBe(0);

    expect(value(parsed, 'hardtick_release_lateness_seconds', { quantile: '0.99' })).toBe(150_000 / 1e9);
    expect(value(parsed, 'hardtick_release_lateness_seconds_count')).toBe(1000);
    expect(value(parsed, 'hardtick_release_lateness_max_seconds')).toBe(900_000 / 1e9);
    expect(value(parsed, 'hardtick_frames_total')).toBe(1000);
    expect(value(parsed, 'hardtick_frame_overruns_total')).toBe(4);
    expect(value(parsed, 'hardtick_frames_skipped_total')).toBe(5);
    expect(value(parsed, 'hardtick_gc_collections_total', { kind: 'minor' })).toBe(2);
    expect(value(parsed, 'hardtick_gc_collections_total', { kind: 'major' })).toBe(1);
    expect(value(parsed, 'hardtick_gc_pause_max_seconds')).toBe(0.0015);
    expect(value(parsed, 'hardtick_alarms_total', { kind: 'release-late' })).toBe(7);
    expect(value(parsed, 'hardtick_alarms_total', { kind: 'deadline-miss' })).toBe(1);
    expect(value(parsed, 'hardtick_alarms_dropped_total')).toBe(6);
    expect(value(parsed, 'hardtick_running')).toBe(1);
    expect(value(parsed, 'hardtick_realtime_step', { step: 'priority', status: 'applied' })).toBe(1);
  });

  it('collects on every scrape (counters move between requests)', async () => {
    let frames = 0;
    const server = await start(async () => {
      frames += 10;
      const base = source();
      return { ...base, frames: { ...base.frames, count: frames } };
    });
    const first = parseExposition((await get(`${server.url}metrics`)).body);
    const second = parseExposition((await get(`${server.url}metrics?x=1`)).body);
    expect(value(first, 'hardtick_frames_total')).toBe(10);
    expect(value(second, 'hardtick_frames_total')).toBe(20);
  });

  it('/ points at /metrics, other paths are 404, other methods 405, HEAD has no body', async () => {
    const server = await start();
    const root = await get(server.url);
    expect(root.status).toBe(200);
    expect(root.body).toContain('href="/metrics"');
    const missing = await get(`${server.url}nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('not found: /nope; metrics are at /metrics\n');
    expect((await get(`${server.url}metrics`, 'POST')).status).toBe(405);
    const head = await get(`${server.url}metrics`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('a failing collect gives 500 with the message and the server keeps serving', async () => {
    let fail = true;
    const server = await start(() => {
      if (fail) throw new Error('snapshot not ready');
      return source();
    });
    const res = await get(`${server.url}metrics`);
    expect(res.status).toBe(500);
    expect(res.body).toBe('collecting metrics failed: snapshot not ready\n');
    fail = false;
    expect((await get(`${server.url}metrics`)).status).toBe(200);
  });

  it('close() stops listening (idempotent)', async () => {
    const server = await start();
    await get(`${server.url}metrics`);
    await server.close();
    await server.close();
    await expect(get(`${server.url}metrics`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a taken port is a usage error naming host and port', async () => {
    const server = await start();
    const error = await startMetricsServer({ port: server.port, collect: source }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('usage');
    expect((error as HardtickError).message).toBe(
      `metrics: cannot listen on 127.0.0.1:${server.port}: port ${server.port} on 127.0.0.1 is already in use`,
    );
  });
});

describe('hardtick_info version', () => {
  const pkgVersion = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  const env = { configName: 'demo', clock: 'native', waiter: 'native-abs' };

  it('defaults to the package version (from src/), not "unknown"', () => {
    expect(pkgVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(metricsSourceFromSnapshot(SNAPSHOT, GC, env).info.version).toBe(pkgVersion);
    expect(metricsSourceFromSnapshot(SNAPSHOT, GC, { ...env, version: '9.9.9' }).info.version).toBe('9.9.9');
  });

  it('the built package (dist/) reads the same version', async () => {
    const built = (await import(new URL('../dist/metrics/index.js', import.meta.url).href)) as {
      metricsSourceFromSnapshot: typeof metricsSourceFromSnapshot;
    };
    expect(built.metricsSourceFromSnapshot(SNAPSHOT, GC, env).info.version).toBe(pkgVersion);
  });
});

describe('exposition format details', () => {
  it('escapes label values and HELP text', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp('a"b\\c\nd')).toBe('a"b\\\\c\\nd');
  });

  it('writes special values the way Prometheus parses them', () => {
    expect(formatSampleValue(Number.NaN)).toBe('NaN');
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
    expect(formatSampleValue(1.5e-7)).toBe('1.5e-7');
    expect(formatSampleValue(42)).toBe('42');
  });

  it('renders HELP, TYPE and samples; skips empty families; rejects bad names', () => {
    expect(
      renderExposition([
        { name: 'x_total', help: 'X.', type: 'counter', samples: [{ labels: { k: 'v' }, value: 3 }] },
        { name: 'empty', help: 'E.', type: 'gauge', samples: [] },
      ]),
    ).toBe('# HELP x_total X.\n# TYPE x_total counter\nx_total{k="v"} 3\n');
    expect(() =>
      renderExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [{ value: 1 }] }]),
    ).toThrow(TypeError);
    expect(() =>
      renderExposition([
        { name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] },
      ]),
    ).toThrow(TypeError);
  });
});

describe('--metrics address', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    [':9000', { host: '127.0.0.1', port: 9000 }],
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['localhost', { host: 'localhost', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['[::1]', { host: '::1', port: 9464 }],
  ])('%s', (text, expected) => {
    expect(parseMetricsAddress(text)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1:x', 'the port must be a number'],
    ['127.0.0.1:70000', 'the port must be at most 65535'],
    ['::1:9464', 'write IPv6 addresses in brackets'],
    ['[nope]:1', '"nope" is not an IPv6 address'],
  ])('rejects %s', (text, why) => {
    expect(() => parseMetricsAddress(text)).toThrow(
      `--metrics: expected [host:]port like 127.0.0.1:9464, :9464 or [::1]:9464, got ${JSON.stringify(text)} (${why})`,
    );
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
