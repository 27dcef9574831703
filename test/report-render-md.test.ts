/**
 * `hardtick report --format md`: the WCET table (pWCET at 1e-9 only when the report has
 * one), lateness, alarms read from the report (kinds this build does not know included),
 * pauses and the environment fingerprint.
 */
import { describe, expect, it } from 'vitest';
import { mdTable, renderMarkdown } from '../src/report/render/md.js';
import { fixturePwcet, makeReport } from './helpers/check-report-fixture.js';

describe('Markdown report', () => {
  it('WCET table without a pWCET column when no task has one', () => {
    const md = renderMarkdown(
      makeReport([{ name: 'control', budgetNs: 200_000, max: 210_000, overruns: 1 }]),
    );
    expect(md).toContain(
      '| task | budget | runs | p50 | p99 | p99.9 | max | max/budget | overruns | deadline misses | errors |\n' +
        '|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n' +
        '| control | 200 µs | 1000 | 10.0 µs | 40.0 µs | 210 µs | 210 µs ⚠ | 105.0 % | 1 | 0 | 0 |\n',
    );
    expect(md).not.toContain('pWCET');
  });

  it('a pWCET @1e-9 column when present ("-" for tasks without one), and its warnings', () => {
    const md = renderMarkdown(
      makeReport([
        { name: 'control', pwcet: fixturePwcet(100_000) },
        { name: 'log', pwcet: null },
      ]),
    );
    expect(md).toContain('| max/budget | pWCET @1e-9 | overruns |');
    expect(md).toContain('| 60.0 % | 240 µs | 0 |');
    expect(md).toMatch(/\| log \|.*\| 60\.0 % \| - \| 0 \|/);
    expect(md).toContain('- pWCET control: few block maxima');
  });

  it('alarms come from the report, including kinds this build does not list', () => {
    const md = renderMarkdown(
      makeReport([{ name: 'a' }], { alarms: { overrun: 2, 'deadline-miss': 0, killed: 1, 'gc-warning': 3 } }),
    );
    expect(md).toContain(
      '| alarm | count |\n|:--|--:|\n| overrun | 2 |\n| killed | 1 |\n| gc-warning | 3 |\n',
    );
    expect(renderMarkdown(makeReport([{ name: 'a' }]))).toContain('### Alarms\n\nNone raised.\n');
  });

  it('lateness, frames, gc (every numeric field), pauses and the environment fingerprint', () => {
    const md = renderMarkdown(
      makeReport([{ name: 'a' }], {
        gc: { count: 2, maxPauseNs: 1_500_000, unplanned: 1, planned: 1, overlaps: 0 },
        pauses: { count: 3, events: [{ atNs: 2_000_000_000, lengthNs: 7_000_000, cause: 'gc' }] },
      }),
    );
    expect(md).toContain('| 1000 | 50 ns | 400 ns | 20.0 µs | 60.0 µs | 90.0 µs |');
    expect(md).toContain('Frames: 1000 run, 0 overran, 0 skipped.');
    expect(md).toContain('GC: count 2, maxPauseNs 1.50 ms, unplanned 1, planned 1, overlaps 0.');
    expect(md).toContain('3 pause(s); the first 1:');
    expect(md).toContain('| 2.00 s | 7.00 ms | gc |');
    for (const row of [
      '| kernel | 6.18.0 #1 SMP PREEMPT_DYNAMIC |',
      '| PREEMPT_RT | yes |',
      '| CPU | AMD EPYC × 2 (linux/x64) |',
      '| CPU governor | performance |',
      '| CPU frequency | 2100 MHz now, 3000 MHz max |',
      '| isolated CPUs | 1 |',
      '| Node | v20.20.2 |',
      '| clock backend | native |',
      '| waiter backend | native-abs |',
      '| scheduling | SCHED_FIFO, priority 80, nice 0 |',
    ]) {
      expect(md).toContain(row);
    }
  });

  it('escapes pipes in cells', () => {
    expect(mdTable(['a', 'b'], [['x|y', 'z\nw']])).toBe('| a | b |\n|:--|--:|\n| x\\|y | z w |\n');
  });
});
