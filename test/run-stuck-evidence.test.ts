/**
 * A task that hangs under the watchdog (dist's CLI: `npm run build` first), both thread
 * modes: the report counts the hung execution, censored, as at least deadline + grace long,
 * an overrun and a deadline miss; the releases after it are cut off; the figures come from
 * the loop thread (its live evidence block in worker mode); `hardtick check` fails it with
 * the rule `stuck`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hardtickRun, hardtickSync, type RunResult } from './helpers/cli.js';
import { writeTinyConfig } from './helpers/tiny-config.js';

const GRACE_NS = 50e6;
const PERIOD_NS = 5e6;

function stuckConfig(): string {
  return writeTinyConfig({
    config: {
      name: 'hangs',
      tasks: [
        { name: 'control', period: '5ms', budget: '1ms', run: './tasks.mjs#control' },
        { name: 'log', period: '10ms', budget: '500us', run: './tasks.mjs#log' },
      ],
      watchdog: { grace: '50ms' },
    },
    tasks: [
      'let calls = 0;',
      '/** Hangs on its 100th measured call (never in the warm-up). */',
      'export function control(ctx) {',
      "  if (ctx.phase === 'measure' && ++calls === 100) for (;;) {}",
      '}',
      'export function log() {}',
    ],
  }).configFile;
}

describe('a task hung under the watchdog: the report and check', () => {
  const runs: Record<string, Promise<RunResult>> = {};
  beforeAll(() => {
    const config = stuckConfig();
    for (const thread of ['worker', 'main'])
      runs[thread] = hardtickRun(config, ['--duration', '20s', '--warmup', '300ms', '--thread', thread], {
        timeoutMs: 60_000,
      });
    for (const p of Object.values(runs)) p.catch(() => {});
  });

  for (const thread of ['worker', 'main'] as const) {
    it(`--thread ${thread}: an overrun, a deadline miss and an execution ≥ deadline + grace; check exits 1 naming stuck`, async () => {
      const r = await runs[thread]!;
      expect(r.code, r.transcript).toBe(1);
      const report = r.report!;
      expect(report.stopReason).toBe('stuck');
      const control = report.tasks.find((t) => t.name === 'control')!;
      const log = report.tasks.find((t) => t.name === 'log')!;
      // 99 runs on time, then the hung one: censored, its lower bound ≥ deadline + grace.
      expect(control.runs).toBe(100);
      expect(control.censored).toBe(1);
      // (A busy machine may add a late run of its own.)
      expect(control.overruns).toBeGreaterThanOrEqual(1);
      expect(control.late).toBeGreaterThanOrEqual(1);
      const stuck = report.stuck![0]!;
      // The verdict came at deadline + grace or later; the censored execution runs from the
      // slot's start, which follows its release by the frame's lateness (a CI run: 37 µs
      // short of deadline + grace, its frame woken late).
      expect(stuck.overrunNs).toBeGreaterThanOrEqual(GRACE_NS);
      expect(control.execNs.max).toBeGreaterThanOrEqual(PERIOD_NS + GRACE_NS - report.release.latenessNs.max);
      expect(stuck).toMatchObject({ task: 'control', slot: 0 });
      expect(control.execMaxFrame).toBe(stuck.frame);
      // The releases between the hang and the verdict never ran: cut off, most of them missed.
      expect(control.notRun!.cutOff).toBeGreaterThanOrEqual(9);
      expect(control.deadlineMisses).toBeGreaterThanOrEqual(1 + control.notRun!.cutOff - 1);
      expect(control.releases).toBe(control.jobsRun! + control.notRun!.total);
      expect(log.notRun!.cutOff).toBeGreaterThanOrEqual(4);
      expect(report.frames.cutOff).toBeGreaterThanOrEqual(10);
      expect(report.accounting!.holds).toEqual({ tasks: true, frames: true });
      expect(report.alarms['deadline-miss']).toBe(control.deadlineMisses + log.deadlineMisses);
      // The loop thread's own figures: its response times (in worker mode as last published,
      // every 50 ms), its environment.
      expect(control.responseNs.count).toBeGreaterThanOrEqual(80);
      expect(report.environment.thread).toBe(thread);
      expect(report.evidence).toEqual({ source: thread === 'worker' ? 'live' : 'final', thread });
      const check = hardtickSync(['check', r.reportFile]);
      expect(check.code, check.transcript).toBe(1);
      expect(check.stdout).toMatch(
        /FAIL {2}\(run\) +stuck +the run ended stuck; 1 stuck event\(s\): task control in frame \d+/,
      );
      expect(check.stdout).toMatch(/FAIL {2}control +budget /);
      expect(check.stdout).toMatch(/FAIL {2}control +deadline-miss /);
      expect(check.stdout).toMatch(
        /FAIL {2}control +not-run +\d+ of \d+ job\(s\) never ran \(.*cut off \d+\)/,
      );
      // Relaxed explicitly, the stuck rule is skipped, not passed.
      const relaxed = hardtickSync(['check', r.reportFile, '--allow', 'stuck']);
      expect(relaxed.stdout).toMatch(
        /skip {2}\(run\) +stuck +the run ended stuck; .*\(allowed by the rules\)/,
      );
    }, 90_000);
  }
});
