/**
 * The config's `lease` through the runner (`startRun`, in process, from the sources) with a
 * real etcd: the run campaigns once it measures, runs its tasks only while it leads, hands
 * them a real `ctx.lease` (false throughout the warm-up, then valid with the term's token),
 * tells each change of role (`lease` events, the status line) and reports them (`lease`
 * section; the frames before leadership are standby frames), and resigns at the end. In
 * both thread modes. Also: etcd unreachable (never leads, no task runs, the failure told
 * once), and the bad inputs (a run's own `lease: true` next to the config's, a bad
 * candidate, no `etcd3` package).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineConfig,
  describeLeaseSection,
  EtcdElection,
  formatRunSummary,
  HardtickError,
  type RunEvent,
  type RunStatus,
  startRun,
} from '../src/index.js';
import { startEtcd, type TestEtcd } from './helpers/etcd.js';
import { requires } from './helpers/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hardtick-run-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'tasks.mjs'),
  [
    '/** Per phase: calls, calls that found the lease valid, and the tokens seen. */',
    'export const seen = { warmup: { calls: 0, valid: 0, tokens: [] }, measure: { calls: 0, valid: 0, tokens: [] } };',
    'export function act(ctx) {',
    '  const s = seen[ctx.phase];',
    '  s.calls++;',
    '  if (ctx.lease.valid()) s.valid++;',
    '  const t = ctx.lease.token();',
    '  if (!s.tokens.includes(t)) s.tokens.push(t);',
    '}',
  ].join('\n'),
);

const config = (endpoint: string, key: string, extra: Record<string, unknown> = {}) =>
  defineConfig({
    name: 'leased',
    tasks: [{ name: 'act', period: '10ms', budget: '2ms', run: './tasks.mjs#act' }],
    alarms: { fatal: ['task-error'] },
    lease: { etcd: { endpoints: endpoint }, key, ttl: '1s', ...extra },
  });

describe("startRun with the config's lease (real etcd)", requires('etcd'), () => {
  let etcd: TestEtcd;
  beforeAll(async () => {
    etcd = await startEtcd();
  }, 30_000);
  afterAll(async () => {
    await etcd?.dispose();
  }, 30_000);

  for (const thread of ['worker', 'main'] as const) {
    it(`${thread} thread: campaigns when measuring, leads, runs the tasks under a valid lease, reports and resigns`, async () => {
      const key = `/run-lease/${thread}`;
      const events: RunEvent[] = [];
      const statuses: RunStatus[] = [];
      const handle = startRun(config(etcd.endpoint, key), {
        baseDir: dir,
        thread,
        duration: '2s',
        warmup: '300ms',
        candidate: `solo-${thread}`,
        onEvent: (e) => events.push(e),
        onStatus: (s) => statuses.push(s),
      });
      const report = await handle.done;
      const lines = events.filter((e) => e.type === 'lease').map((e) => e.text);
      expect(lines[0]).toBe(`lease: standby, campaigning for ${key} as solo-${thread}`);
      const won = /^lease: leader as solo-\w+ \(token (\d+); valid for \d+ ms, renewed every 333 ms\)$/.exec(
        lines[1] ?? '',
      );
      expect(won, lines.join('\n')).not.toBeNull();
      const token = Number(won![1]);
      // The campaign starts with the measurement: the warm-up lines come first.
      const order = events.map((e) => e.type);
      expect(order.indexOf('warmup')).toBeLessThan(order.indexOf('lease'));

      const lease = report.lease!;
      expect(lease).toMatchObject({
        key,
        candidate: `solo-${thread}`,
        ttlNs: 1e9,
        tokens: [token],
        errors: 0,
      });
      expect(lease.transitions.map((t) => [t.kind, t.token, t.reason])).toEqual([
        ['standby', null, null],
        ['leader', token, null],
        ['passive', null, 'stopped'],
      ]);
      // It led from shortly after the run began (a few etcd round trips; on the main thread
      // the keeper runs in the loop's yields) to its end.
      expect(lease.transitions[1]!.sinceStartNs).toBeLessThan(1e9);
      expect(lease.leadingNs).toBeGreaterThan(2e9 - lease.transitions[1]!.sinceStartNs - 0.2e9);
      expect(lease.leadingNs + lease.standbyNs).toBeGreaterThan(1.9e9);
      // Every frame was run, skipped or standby (those before the term began).
      const counted = report.frames.count + report.frames.skipped + lease.standbyFrames;
      expect(Math.abs(counted - Math.floor(report.durationNs / report.frameNs))).toBeLessThanOrEqual(2);
      expect(report.tasks[0]!.releases).toBe(report.frames.count + report.tasks[0]!.skipped);
      // The end-of-run summary says it in one line.
      expect(formatRunSummary(report)).toContain(`\n${describeLeaseSection(lease)}\n`);
      // The status line shows the role.
      const leading = statuses.filter((s) => s.lease?.role === 'leader');
      expect(leading.length, JSON.stringify(statuses.map((s) => s.text))).toBeGreaterThan(0);
      expect(leading[0]!.lease).toEqual({ role: 'leader', token });
      expect(leading[0]!.text).toMatch(new RegExp(`  leader token ${token}$`));
      // Resigned at the end: the key is gone, a standby would win at once.
      const probe = await EtcdElection.connect({
        endpoints: etcd.endpoint,
        key,
        candidate: 'probe',
        ttlNs: 1e9,
      });
      expect(await probe.leader()).toBeNull();
      await probe.close();
      if (thread === 'main') {
        // The tasks ran on this thread: ctx.lease, as they saw it.
        const { seen } = (await import(pathToFileURL(join(dir, 'tasks.mjs')).href)) as {
          seen: Record<'warmup' | 'measure', { calls: number; valid: number; tokens: number[] }>;
        };
        expect(seen.warmup.calls).toBeGreaterThan(0);
        expect(seen.warmup.valid).toBe(0);
        expect(seen.warmup.tokens).toEqual([0]);
        expect(seen.measure.calls).toBe(report.tasks[0]!.runs);
        // Valid in every slot but those after a detected pause (until the next renewal).
        expect(seen.measure.valid).toBeGreaterThan(seen.measure.calls * 0.5);
        expect(seen.measure.tokens).toEqual([token]);
      }
    }, 60_000);
  }

  it('etcd unreachable: never leads, runs no task, tells the failure once, reports it; the default candidate is host:pid', async () => {
    const events: RunEvent[] = [];
    const report = await startRun(
      config('127.0.0.1:1', '/run-lease/unreachable', {
        etcd: { endpoints: '127.0.0.1:1', callTimeout: '200ms' },
      }),
      {
        baseDir: dir,
        duration: '1500ms',
        warmup: '200ms',
        onEvent: (e) => events.push(e),
      },
    ).done;
    const warnings = events.filter((e) => e.type === 'lease' && e.level === 'warn').map((e) => e.text);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(warnings[0]).toMatch(/^lease: election campaign failed: /);
    const lease = report.lease!;
    expect(lease.candidate).toBe(`${hostname()}:${process.pid}`);
    expect(lease.tokens).toEqual([]);
    expect(lease.leadingNs).toBe(0);
    expect(lease.errors).toBeGreaterThan(1);
    expect(lease.transitions.map((t) => t.kind)).toEqual(['standby']);
    expect([report.frames.count, report.tasks[0]!.releases, report.tasks[0]!.runs]).toEqual([0, 0, 0]);
    expect(
      Math.abs(lease.standbyFrames - Math.floor(report.durationNs / report.frameNs)),
    ).toBeLessThanOrEqual(2);
  }, 30_000);
});

describe("the config's lease: bad input", () => {
  it("a run asking for its own guard (lease: true) next to the config's lease is refused", async () => {
    const error = await startRun(config('127.0.0.1:2379', '/x'), { baseDir: dir, lease: true }).done.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('usage');
    expect((error as HardtickError).message).toBe(
      'lease: true asks for a guard you keep yourself, but the config has a "lease" key, which the runner keeps: drop one of them',
    );
  });

  it('a bad candidate is refused by the library and by `hardtick run --candidate` (exit 2)', async () => {
    const error = await startRun(config('127.0.0.1:2379', '/x'), {
      baseDir: dir,
      candidate: 'left pi',
    }).done.catch((e: unknown) => e);
    expect((error as HardtickError).code).toBe('usage');
    const message =
      'candidate: expected a name of 1 to 128 printable ASCII characters without spaces, got "left pi"';
    expect((error as HardtickError).message).toBe(message);
    const file = join(dir, 'leased.json');
    writeFileSync(file, JSON.stringify(config('127.0.0.1:2379', '/x')));
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'run', file, '--candidate', 'left pi'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`hardtick run: ${message}`);
  });

  it('without the etcd3 package a config with a lease fails at start: exit 2, what to install', () => {
    // The built package alone, with its one dependency (zod) and no etcd3.
    const pkg = join(dir, 'no-etcd3');
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'hardtick-copy', type: 'module' }));
    mkdirSync(join(pkg, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', 'zod'), join(pkg, 'node_modules', 'zod'), 'dir');
    writeFileSync(join(pkg, 'tasks.mjs'), 'export function act() {}\n');
    writeFileSync(join(pkg, 'hardtick.json'), JSON.stringify(config('127.0.0.1:2379', '/x')));
    const r = spawnSync(
      process.execPath,
      [join(pkg, 'dist/cli/main.js'), 'run', join(pkg, 'hardtick.json'), '--duration', '1s'],
      {
        cwd: pkg,
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^hardtick run: the config's "lease" needs the optional npm package "etcd3", which cannot be loaded here: npm install etcd3 \(/,
    );
    expect(r.stderr).not.toContain('    at ');
    // Nothing ran: the check comes before the loop starts.
    expect(r.stdout).not.toContain('warm-up');
    expect(() =>
      execFileSync(process.execPath, ['-e', "import('etcd3')"], { cwd: pkg, stdio: 'pipe' }),
    ).toThrow();
  });
});
