/**
 * What every release came to, a crash, the warm-up's events and GC early warnings, as the
 * renderers show them: `hardtick report --format md|html`, and the summary `hardtick run`
 * prints. Exact lines from a hand-built report.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/render/html.js';
import { renderMarkdown } from '../src/report/render/md.js';
import type { RunReport } from '../src/report/run-report.js';
import { formatRunSummary } from '../src/report/summary.js';
import { makeReport } from './helpers/check-report-fixture.js';

const notRun = { total: 12, policy: 1, catchUp: 2, pause: 6, unavailable: 0, cutOff: 3 };
const base = makeReport([{ name: 'control' }]);
const report = {
  ...base,
  tasks: [
    {
      ...base.tasks[0]!,
      releases: 1012,
      jobsRun: 1000,
      late: 2,
      notRun,
      skipped: 9,
      censored: 1,
      deadlineMisses: 13,
    },
  ],
  frames: { count: 1000, overruns: 0, skipped: 8, lostToPause: 6, cutOff: 2, standby: 0 },
  alarms: { ...base.alarms, 'deadline-miss': 13 },
  accounting: { notRun, censored: 1, framesElapsed: 1010 },
  exitCode: 2,
  crash: {
    cause: 'process-exit',
    message: 'process.exit(3) called',
    task: 'control',
    at: '/x/tasks.mjs:12',
    slot: { task: 'control', mode: 'main', frame: 1000, slot: 0 },
  },
  warmup: {
    frames: 300,
    durationNs: 1.5e9,
    alarms: { pause: 1, 'release-late': 2 },
    pauses: [{ atNs: 512e6, lengthNs: 601e6 }],
  },
  gc: {
    ...base.gc,
    unavailable: 'the loop thread crashed: its GC observer\u2019s entries never reached this thread',
    governance: {
      warn: {
        enabled: true,
        warnings: [
          { kind: 'young-nearly-full', count: 3, firstAtNs: 2e9, worst: 0.93 },
          { kind: 'old-growth', count: 1, firstAtNs: 5e9, worst: 4 * 1024 * 1024 },
        ],
      },
    },
  },
} as typeof base;

describe('the accounting in the renderers', () => {
  it('md: a Releases table by cause, the not-run line, frames, the crash, the warm-up, GC warnings', () => {
    const md = renderMarkdown(report);
    expect(md).toContain(
      '\n**the run crashed: process exit in task control (/x/tasks.mjs:12): process.exit(3) called (loop in task control, frame 1000) → exit 2**\n',
    );
    expect(md).toContain(
      '| task | releases | ran | late | not run | policy | catch-up | pause | unavailable | cut off | misses | censored |',
    );
    expect(md).toContain('| control | 1012 | 1000 | 2 | 12 | 1 | 2 | 6 | 0 | 3 | 13 | 1 |');
    expect(md).toContain(
      '\njobs not run: 12 (skip-next policy 1, catch-up 2, pause 6, cut off 3); censored executions (lower bounds): 1.\n',
    );
    expect(md).toContain('\nFrames: 1000 run, 0 overran, 8 skipped (6 lost to pauses), 2 cut off.\n');
    expect(md).toContain('GC not observed: the loop thread crashed');
    expect(md).toContain('| young-nearly-full | 3 | 2.00 s | 93.0 % |');
    expect(md).toContain('| old-growth | 1 | 5.00 s | 4.0 MiB |');
    expect(md).toContain(
      '\nwarm-up (not in the measured figures): alarms pause 1, release-late 2; pauses 601 ms at 512 ms.\n',
    );
  });

  it('html: the same sections', () => {
    const html = renderHtml(report);
    expect(html).toContain('<h2 id="releases">Releases</h2>');
    expect(html).toContain('<td class="l">control</td><td>1012</td><td>1000</td><td>2</td><td>12</td>');
    expect(html).toContain(
      '<p class="fail">the run crashed: process exit in task control (/x/tasks.mjs:12): process.exit(3) called (loop in task control, frame 1000) → exit 2</p>',
    );
    expect(html).toContain('<h3>GC early warnings (gc.warn)</h3>');
    expect(html).toContain(
      'warm-up (not in the measured figures): alarms pause 1, release-late 2; pauses 601 ms at 512 ms',
    );
  });

  it('the run summary: not run per task and by cause, the crash, the warm-up, GC warnings', () => {
    const text = formatRunSummary(report as unknown as RunReport);
    expect(text).toMatch(/^task\s+budget\s+runs .* misses\s+not run\s+errors$/m);
    expect(text).toMatch(/^control\s+100\.0\s+1000 .*\s13\s+12\s+0$/m);
    expect(text).toContain('frames: 1000 run, 0 overran, 8 skipped (6 lost to pauses), 2 cut off\n');
    expect(text).toContain(
      'jobs not run: 12 (skip-next policy 1, catch-up 2, pause 6, cut off 3); censored executions (lower bounds): 1\n',
    );
    expect(text).toContain('gc: not observed (the loop thread crashed');
    expect(text).toContain('gc.warn: young-nearly-full 3 time(s), first at 2.00 s, worst 93.0 %\n');
    expect(text).toContain(
      'warm-up (not in the measured figures): alarms pause 1, release-late 2; pauses 601 ms at 512 ms\n',
    );
    expect(text).toContain(
      'FATAL: crashed: process exit in task control (/x/tasks.mjs:12): process.exit(3) called (loop in task control, frame 1000) → exit 2\n',
    );
  });
});
