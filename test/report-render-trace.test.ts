/**
 * `hardtick report --format trace` and what feeds it: the trace ring keeps the last N
 * slots plus (in a second preallocated ring) every overrun / deadline-miss slot the window
 * moved past; the report carries them in `traceOverruns`; the Chrome trace export holds
 * the last N frames and every overrun. Unit tests on exact records, an allocation gate on
 * the push paths, and real runs (worker and main thread) with an early overrun.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SpscRing } from '../src/memory/spsc-ring.js';
import { parseRunReport } from '../src/report/read.js';
import { renderChromeTrace, selectTraceEntries } from '../src/report/render/trace.js';
import {
  TR_END,
  TR_FLAGS,
  TR_FRAME,
  TR_FRAME_RELEASE,
  TR_FRAME_START,
  TR_MODE,
  TR_SIZE,
  TR_START,
  TR_TASK,
} from '../src/run/protocol.js';
import { TraceCollector, traceEntries, traceOverrunEntries } from '../src/run/trace.js';
import {
  FlaggedTraceKeeper,
  TRACE_FLAGGED_KEPT,
  TRACE_FLAGS,
  TRACE_FRAME,
  TRACE_RECORD,
  TRACE_START,
  TraceRing,
} from '../src/runtime/trace-ring.js';
import { runProbe } from './helpers/alloc-probe.js';
import { makeReport } from './helpers/check-report-fixture.js';
import { hardtickRun, hardtickSync } from './helpers/cli.js';

function rec(frame: number, flags: number): Float64Array {
  const r = new Float64Array(TRACE_RECORD);
  r[TRACE_FRAME] = frame;
  r[TRACE_START] = frame * 1000;
  r[TRACE_FLAGS] = flags;
  return r;
}

describe('TraceRing keeps overruns beyond its window', () => {
  it('records(): earlier overrun / deadline-miss records, then the last N', () => {
    const ring = new TraceRing(4);
    for (let f = 0; f < 20; f++) ring.push(rec(f, f === 3 ? 1 : f === 7 ? 8 : f === 9 ? 4 : 0));
    expect(ring.records().map((r) => [r.frame, r.flags])).toEqual([
      [3, 1],
      [7, 8],
      [16, 0],
      [17, 0],
      [18, 0],
      [19, 0],
    ]);
  });

  it('an overrun still inside the window is not listed twice', () => {
    const ring = new TraceRing(4);
    for (let f = 0; f < 6; f++) ring.push(rec(f, f === 4 ? 1 : 0));
    expect(ring.records().map((r) => r.frame)).toEqual([2, 3, 4, 5]);
  });

  it('the flagged ring keeps the newest `capacity` and defaults to TRACE_FLAGGED_KEPT', () => {
    const keeper = new FlaggedTraceKeeper(3, TRACE_RECORD, TRACE_FLAGS);
    for (let f = 0; f < 10; f++) keeper.offer(rec(f, 1), f);
    expect(keeper.kept).toBe(10);
    expect(keeper.before(100).map((d) => d[TRACE_FRAME])).toEqual([7, 8, 9]);
    expect(keeper.before(9).map((d) => d[TRACE_FRAME])).toEqual([7, 8]);
    expect(TRACE_FLAGGED_KEPT).toBe(1024);
    // Tracing off: nothing kept, nothing allocated for it.
    const off = new TraceRing(0);
    off.push(rec(1, 1));
    expect(off.records()).toEqual([]);
  });

  it('TraceCollector (worker mode, main side) keeps them too; traceEntries / traceOverrunEntries split them', () => {
    const spsc = SpscRing.create({ capacity: 64, recordSize: TR_SIZE });
    const c = new TraceCollector(3, TR_SIZE, {
      frame: TR_FRAME,
      mode: TR_MODE,
      task: TR_TASK,
      start: TR_START,
      end: TR_END,
      flags: TR_FLAGS,
      frameRelease: TR_FRAME_RELEASE,
      frameStart: TR_FRAME_START,
    });
    const r = new Float64Array(TR_SIZE);
    for (let f = 0; f < 10; f++) {
      r[TR_FRAME] = f;
      r[TR_START] = f * 1000;
      r[TR_END] = f * 1000 + 10;
      r[TR_FLAGS] = f === 2 ? 1 : 0;
      r[TR_FRAME_RELEASE] = f * 1000 - 5;
      r[TR_FRAME_START] = f * 1000 - 2;
      spsc.tryPush(r, 0);
    }
    c.drainFrom(spsc);
    const records = c.records();
    expect(records.map((x) => x.frame)).toEqual([2, 7, 8, 9]);
    const config = { modes: [{ name: 'main', tasks: [{ name: 'a' }] }] } as never;
    expect(traceEntries(records, config, 3).map((e) => e.frame)).toEqual([7, 8, 9]);
    expect(traceOverrunEntries(records, config, 3)).toEqual([
      {
        frame: 2,
        task: 'a',
        mode: 'main',
        startNs: 2000,
        endNs: 2010,
        flags: 1,
        frameReleaseNs: 1995,
        frameStartNs: 1998,
      },
    ]);
  });

  for (const subject of ['ring', 'collector']) {
    it(`allocation gate: ${subject} push path with flagged records, 500k records, 0 GC, young growth < 16 KiB`, async () => {
      const m = await runProbe<{ gcEvents: number; heapDeltaBytes: number }>('trace-ring-alloc-probe.ts', [
        subject,
        500_000,
      ]);
      expect(m.gcEvents, JSON.stringify(m)).toBe(0);
      expect(m.heapDeltaBytes, JSON.stringify(m)).toBeLessThan(16 * 1024);
    });
  }
});

describe('Chrome trace export', () => {
  const trace = [
    { frame: 1, task: 'a', mode: 'main', startNs: 1_000_100, endNs: 1_400_000, flags: 1 },
    { frame: 5, task: 'a', mode: 'main', startNs: 5_000_100, endNs: 5_050_000, flags: 0 },
    { frame: 5, task: 'b', mode: 'main', startNs: 5_050_000, endNs: 5_060_000, flags: 0 },
    { frame: 6, task: 'a', mode: 'main', startNs: 6_000_100, endNs: 6_050_000, flags: 0 },
    { frame: 6, task: 'b', mode: 'main', startNs: 6_050_000, endNs: 6_990_000, flags: 8 },
  ];

  it('selects the last N frames plus every overrun / deadline miss', () => {
    expect(selectTraceEntries(trace, 1).map((e) => `${e.frame}${e.task}`)).toEqual(['1a', '6a', '6b']);
    expect(selectTraceEntries(trace).length).toBe(5);
  });

  it('events: frames as boxes, slots as complete events (µs), overrun markers, metadata', () => {
    const report = makeReport([{ name: 'a', budgetNs: 300_000 }, { name: 'b' }], {
      trace: trace.slice(1),
      traceOverruns: trace.slice(0, 1),
    });
    const doc = renderChromeTrace(report, { frames: 1 });
    const slots = doc.traceEvents.filter((e) => e.cat?.startsWith('slot'));
    expect(slots.map((e) => [e.name, e.ts, e.dur])).toEqual([
      ['a', 1000.1, 399.9],
      ['a', 6000.1, 49.9],
      ['b', 6050, 940],
    ]);
    expect(slots[0]).toMatchObject({
      ph: 'X',
      pid: 1,
      tid: 2,
      cname: 'terrible',
      args: { frame: 1, mode: 'main', execNs: 399_900, budgetNs: 300_000, flags: ['overrun'] },
    });
    // A report without the frames' recorded starts: each box from its first slot's start
    // to its last slot's end (what was measured), never at frame × frameNs.
    const frames = doc.traceEvents.filter((e) => e.cat === 'frame');
    expect(frames.map((e) => [e.name, e.ts, e.dur, e.args])).toEqual([
      ['frame 1', 1000.1, 399.9, { frame: 1, mode: 'main', startNs: 1_000_100 }],
      ['frame 6', 6000.1, 989.9, { frame: 6, mode: 'main', startNs: 6_000_100 }],
    ]);
    const markers = doc.traceEvents.filter((e) => e.ph === 'i');
    expect(markers.map((e) => [e.name, e.ts])).toEqual([
      ['overrun: a', 1400],
      ['deadline-miss: b', 6990],
    ]);
    expect(
      doc.traceEvents.filter((e) => e.ph === 'M').map((e) => e.args?.name ?? e.args?.sort_index),
    ).toEqual(['hardtick fixture', 'frames', 0, 'loop (slots)', 1, 'overruns', 2]);
    expect(doc.metadata).toMatchObject({ slots: 3, overrunSlots: 2, framesKept: 1, frameNs: 1_000_000 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('Chrome trace export: frames at their measured start, across a switch between frame sizes', () => {
  it('each box starts at its wake and names its release and lateness, whatever the mode’s frame size', () => {
    // Mode main (1 ms frames) until frame 3, then mode fast (0.5 ms frames) from 3 ms on:
    // frame 4 starts at 3.5 ms, where `frame × frameNs` (4 × 0.5 ms = 2 ms) would put it.
    const report = makeReport([{ name: 'a' }], {
      frameNs: 500_000,
      trace: [
        {
          frame: 2,
          task: 'a',
          mode: 'main',
          startNs: 2_000_040,
          endNs: 2_000_300,
          flags: 0,
          frameReleaseNs: 2_000_000,
          frameStartNs: 2_000_040,
        },
        {
          frame: 3,
          task: 'a',
          mode: 'fast',
          startNs: 3_000_020,
          endNs: 3_000_200,
          flags: 0,
          frameReleaseNs: 3_000_000,
          frameStartNs: 3_000_020,
        },
        {
          frame: 4,
          task: 'a',
          mode: 'fast',
          startNs: 3_500_070,
          endNs: 3_500_300,
          flags: 0,
          frameReleaseNs: 3_500_000,
          frameStartNs: 3_500_070,
        },
      ],
    });
    const frames = renderChromeTrace(report).traceEvents.filter((e) => e.cat === 'frame');
    expect(frames.map((e) => [e.name, e.ts, e.dur, e.args])).toEqual([
      [
        'frame 2',
        2000.04,
        0.26,
        { frame: 2, mode: 'main', startNs: 2_000_040, releaseNs: 2_000_000, latenessNs: 40 },
      ],
      [
        'frame 3',
        3000.02,
        0.18,
        { frame: 3, mode: 'fast', startNs: 3_000_020, releaseNs: 3_000_000, latenessNs: 20 },
      ],
      [
        'frame 4',
        3500.07,
        0.23,
        { frame: 4, mode: 'fast', startNs: 3_500_070, releaseNs: 3_500_000, latenessNs: 70 },
      ],
    ]);
  });
});

describe('real runs: an early overrun survives in traceOverruns and reaches the trace export', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`${thread} thread, --trace 10`, async () => {
      const run = await hardtickRun('test/fixtures/report/spiky.json', [
        '--duration',
        '500ms',
        '--warmup',
        '0',
        '--thread',
        thread,
        '--trace',
        '10',
        '--quiet',
      ]);
      expect(run.code, run.transcript).toBe(0);
      const reportFile = run.reportFile;
      const report = parseRunReport(JSON.parse(readFileSync(reportFile, 'utf8')), reportFile);
      expect(report.trace).toHaveLength(10);
      const early = report.traceOverruns ?? [];
      // spiky spins 1.5 ms against a 300 µs budget in frames 10–19, long before the last 10 slots.
      expect(
        early.some((e) => e.task === 'spiky' && (e.flags & 1) === 1),
        JSON.stringify(early),
      ).toBe(true);
      const windowStart = report.trace![0]!.startNs;
      for (const e of early) {
        expect(e.flags & 9).not.toBe(0);
        expect(e.startNs).toBeLessThan(windowStart);
      }
      const out = hardtickSync(['report', reportFile, '--format', 'trace', '--frames', '2']);
      expect(out.code, out.transcript).toBe(0);
      const doc = JSON.parse(out.stdout) as {
        traceEvents: { cat?: string; name: string; args?: { frame?: number } }[];
      };
      const slotFrames = new Set(
        doc.traceEvents.filter((e) => e.cat?.startsWith('slot')).map((e) => e.args!.frame),
      );
      for (const e of early) expect(slotFrames.has(e.frame)).toBe(true);
      const lastFrames = [...new Set(report.trace!.map((e) => e.frame))].slice(-2);
      for (const f of lastFrames) expect(slotFrames.has(f)).toBe(true);
      // `overrun: spiky`, or `overrun+deadline-miss: spiky` when the late slot also missed.
      const markers = doc.traceEvents.filter((e) => e.cat === 'overrun').map((e) => e.name);
      expect(
        markers.some((n) => /^overrun(\+deadline-miss)?: spiky$/.test(n)),
        JSON.stringify(markers),
      ).toBe(true);
    });
  }
});
