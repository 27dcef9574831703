/**
 * Soak benchmark: long `hardtick run`s in two phases, each a child process
 * (`node dist/cli/main.js run … --report`, worker thread mode):
 *
 * 1. `alloc-free`: an allocation-free task (typed-array state), no GC governance.
 *    Expected: 0 GCs, no drift.
 * 2. `planned`: a task that allocates ~1 KB of short-lived objects per call, with
 *    `gc: { planned: true, warn: true }`. Expected: (nearly) every GC planned into frame
 *    slack (goal ≥ 95 %), none inside a task.
 *
 *   npm run build && npm run bench:soak -- [--duration 10m] [--frame 1ms] [--json]
 *
 * `--duration` is the total (split evenly between the phases; default 10m = 5 min each);
 * `--frame` the frame and period of both phases (default 1ms). Prints per phase: frames,
 * skipped, GCs (planned / unplanned, and the planned share), planned GCs deferred for want
 * of slack and late, drift against two clocks, release lateness p99 and max, and the
 * misses that overlapped a GC.
 *
 * Drift is measured against clocks the loop's schedule does not produce: every task call
 * reads CLOCK_REALTIME (wall time) and CLOCK_MONOTONIC itself (the native addon, 0 B) and
 * computes offset = reading − k·f, with k the frame index the executive hands it. A loop
 * without drift runs frame k at its release t0 + k·f plus a lateness ≥ 0, so the smallest
 * offset of each one-second window is t0 plus that window's smallest lateness (a few µs
 * at most): constant. A loop whose releases slip (relative sleeps, a re-based t0 after a
 * skip, a wrong frame count) shows it as a trend. Drift = last window's smallest offset −
 * the first's; wander = the largest distance of any window's from the first. The wall
 * clock differs from the monotonic one only by steps of the system time (CLOCK_REALTIME
 * as a double has a 256 ns step). The schedule's own figures (duration vs frames × f)
 * agree by construction and reveal nothing, so they are not used.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseDurationNs } from '../src/config/duration.js';
import type { RunReport } from '../src/report/run-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One phase's figures. */
export interface SoakPhase {
  readonly phase: 'alloc-free' | 'planned';
  readonly durationNs: number;
  readonly frames: number;
  readonly skipped: number;
  readonly gcCount: number;
  readonly gcPlanned: number;
  readonly gcUnplanned: number;
  readonly gcMaxPauseNs: number;
  readonly plannedDeferred: number;
  readonly plannedLate: number;
  /** Collections run although the estimate did not fit, the young generation nearly full (PlannedGc FORCE_FILL). */
  readonly plannedForced: number;
  readonly plannedCostEstimateNs: number;
  readonly warnings: number;
  /** Planned GCs / all GCs (1 when there was none). */
  readonly plannedShare: number;
  /** Drift against the wall clock and the monotonic clock, read by the task (see the module note); null without two windows. */
  readonly drift: DriftFigures | null;
  readonly latenessP99Ns: number;
  readonly latenessMaxNs: number;
  readonly overlaps: number;
  readonly overlapsWithUnplanned: number;
  readonly exitCode: number;
  /**
   * Collections V8's memory reducer ran, in any isolate of the process ("Mark-Compact
   * (reduce)" lines of `--trace-gc`): 0 expected, hardtick sets the reducer's delay to its
   * maximum before the library loads (src/v8-flags.ts).
   */
  readonly reducerGcs: number;
  /** Lines `--trace-gc` printed, in every isolate (> 0: the trace, and so `reducerGcs`, is live). */
  readonly tracedGcs: number;
}

/** One window of drift observations: the smallest offsets (reading − k·f) over `frames` task calls. */
export interface DriftWindow {
  /** Frame index of the window's last call. */
  readonly lastFrame: number;
  /** Smallest CLOCK_MONOTONIC offset, ns. */
  readonly minMonoNs: number;
  /** Smallest CLOCK_REALTIME offset, ns. */
  readonly minWallNs: number;
  /** Task calls in the window. */
  readonly frames: number;
}

/** Drift of a run's release grid against two independent clocks (see the module note), ns. */
export interface DriftFigures {
  /** Windows measured. */
  readonly windows: number;
  /** Frames from the first window's end to the last's. */
  readonly spanFrames: number;
  /** Last window's smallest wall-clock offset − the first's. */
  readonly wallNs: number;
  /** The same on CLOCK_MONOTONIC. */
  readonly monoNs: number;
  /** Largest |smallest offset − the first window's| over the windows, wall clock. */
  readonly wanderWallNs: number;
  /** The same on CLOCK_MONOTONIC. */
  readonly wanderMonoNs: number;
}

/** Drift and wander from a run's windows, in order; null with fewer than two windows. */
export function driftFromWindows(windows: readonly DriftWindow[]): DriftFigures | null {
  if (windows.length < 2) return null;
  const first = windows[0]!;
  const last = windows[windows.length - 1]!;
  let wanderWallNs = 0;
  let wanderMonoNs = 0;
  for (const w of windows) {
    wanderWallNs = Math.max(wanderWallNs, Math.abs(w.minWallNs - first.minWallNs));
    wanderMonoNs = Math.max(wanderMonoNs, Math.abs(w.minMonoNs - first.minMonoNs));
  }
  return {
    windows: windows.length,
    spanFrames: last.lastFrame - first.lastFrame,
    wallNs: last.minWallNs - first.minWallNs,
    monoNs: last.minMonoNs - first.minMonoNs,
    wanderWallNs,
    wanderMonoNs,
  };
}

/** `--duration`: `10m`, `600s`, `20s`, `1500ms`. */
function parseSoakDurationNs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|s|ms)$/.exec(text);
  if (m === null)
    throw new Error(`--duration: expected e.g. 10m, 60s or 1500ms, got ${JSON.stringify(text)}`);
  const unit = m[2] === 'm' ? 60e9 : m[2] === 's' ? 1e9 : 1e6;
  return Math.round(Number(m[1]) * unit);
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/**
 * The tasks module: `quiet` (allocation-free) and `alloc` (~1 KB of short-lived objects a
 * call), both first observing drift: a fresh CLOCK_MONOTONIC and CLOCK_REALTIME read, the
 * smallest offsets of each window of `windowFrames` calls pushed over the `drift` channel
 * (0 B: typed arrays, the addon's reads, the channel's tryPush).
 */
function tasksModule(frameNs: number, windowFrames: number): string {
  const dist = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);
  return `import { openChannel } from ${dist('worker/index.js')};
import { loadNative } from ${dist('native/binding.js')};
const native = loadNative();
if (native === null) throw new Error('soak: the drift reference needs the native addon (npm run build:native)');
const FRAME_NS = ${frameNs};
const WINDOW = ${windowFrames};
const out = openChannel('drift', { recordSize: 4, capacity: 4096, direction: 'to-main' });
const mono = new Float64Array(1);
const wall = new Float64Array(1);
const rec = new Float64Array(4);
// [smallest monotonic offset, smallest wall offset, calls in the window, last frame index]
const w = new Float64Array([Infinity, Infinity, 0, -1]);
function observe(frame) {
  native.clockInto(mono);
  native.realtimeInto(wall);
  if (frame <= w[3]) { w[0] = Infinity; w[1] = Infinity; w[2] = 0; } // a new executive: frames restart at 0
  w[3] = frame;
  const offMono = mono[0] - frame * FRAME_NS;
  const offWall = wall[0] - frame * FRAME_NS;
  if (offMono < w[0]) w[0] = offMono;
  if (offWall < w[1]) w[1] = offWall;
  w[2]++;
  if (w[2] >= WINDOW) {
    rec[0] = frame; rec[1] = w[0]; rec[2] = w[1]; rec[3] = w[2];
    out.tryPush(rec, 0);
    w[0] = Infinity; w[1] = Infinity; w[2] = 0;
  }
}
const cell = new Float64Array(2);
export function quiet(ctx) { observe(ctx.frameIndex); for (let i = 0; i < 50; i++) cell[0] += i; }
let keep = null;
export function alloc(ctx) {
  observe(ctx.frameIndex);
  const a = [];
  for (let i = 0; i < 100; i++) a.push({ i, v: i * 2 });
  keep = a;
  cell[1] += keep.length;
}
`;
}

/** The \`--channels\` consumer: keeps the windows of the last executive (the measured one) and writes them at exit. */
function consumerModule(outFile: string): string {
  return `import { writeFileSync } from 'node:fs';
const windows = [];
let prev = -1;
export function setupChannels(hub) {
  hub.on('drift', (r) => {
    if (r[0] <= prev) windows.length = 0; // a new executive began
    prev = r[0];
    windows.push({ lastFrame: r[0], minMonoNs: r[1], minWallNs: r[2], frames: r[3] });
  });
  process.on('exit', () => writeFileSync(${JSON.stringify(outFile)}, JSON.stringify(windows)));
}
`;
}

/** Runs one phase for `durationNs` with frame `frame`; returns its figures. */
export async function runSoakPhase(
  phase: SoakPhase['phase'],
  durationNs: number,
  frame: string,
): Promise<SoakPhase> {
  const dir = mkdtempSync(join(tmpdir(), 'hardtick-soak-'));
  try {
    const frameNs = parseDurationNs(frame);
    const driftFile = join(dir, 'drift.json');
    writeFileSync(join(dir, 'tasks.mjs'), tasksModule(frameNs, Math.max(10, Math.round(1e9 / frameNs))));
    writeFileSync(join(dir, 'consumer.mjs'), consumerModule(driftFile));
    const config = join(dir, 'soak.json');
    const fn = phase === 'planned' ? 'alloc' : 'quiet';
    writeFileSync(
      config,
      JSON.stringify({
        name: `soak-${phase}`,
        frame,
        tasks: [{ name: fn, period: frame, budget: '300us', run: `./tasks.mjs#${fn}` }],
        alarms: { fatal: [] },
        ...(phase === 'planned' ? { gc: { planned: true, warn: true } } : {}),
      }),
    );
    const report = join(dir, 'run.json');
    let exitCode = 0;
    let gcTrace = '';
    try {
      ({ stdout: gcTrace } = await promisify(execFile)(
        process.execPath,
        [
          // Every collection of every isolate, one line each (stdout): the memory reducer's show.
          '--trace-gc',
          'dist/cli/main.js',
          'run',
          config,
          '--duration',
          `${Math.round(durationNs / 1e6)}ms`,
          '--quiet',
          '--report',
          report,
          '--channels',
          join(dir, 'consumer.mjs'),
        ],
        { cwd: ROOT, timeout: durationNs / 1e6 + 120_000, maxBuffer: 64 * 1024 * 1024 },
      ));
    } catch (error) {
      exitCode = (error as { code?: number }).code ?? 1;
      gcTrace = (error as { stdout?: string }).stdout ?? '';
    }
    const traced = gcTrace.split('\n').filter((l) => /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: /.test(l));
    const r = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    const windows = existsSync(driftFile)
      ? (JSON.parse(readFileSync(driftFile, 'utf8')) as DriftWindow[])
      : [];
    const gov = r.gc.governance ?? null;
    const overlaps = r.gc.overlaps ?? [];
    return {
      phase,
      durationNs: r.durationNs,
      frames: r.frames.count,
      skipped: r.frames.skipped,
      gcCount: r.gc.count,
      gcPlanned: r.gc.planned ?? 0,
      gcUnplanned: r.gc.unplanned,
      gcMaxPauseNs: r.gc.maxPauseNs,
      plannedDeferred: gov?.planned.deferred ?? 0,
      plannedLate: gov?.planned.late ?? 0,
      plannedForced: gov?.planned.forced ?? 0,
      plannedCostEstimateNs: gov?.planned.costEstimateNs ?? 0,
      warnings: gov?.warn.warnings.reduce((n, w) => n + w.count, 0) ?? 0,
      plannedShare: r.gc.count === 0 ? 1 : (r.gc.planned ?? 0) / r.gc.count,
      drift: driftFromWindows(windows),
      latenessP99Ns: r.release.latenessNs.p99,
      latenessMaxNs: r.release.latenessNs.max,
      overlaps: overlaps.length,
      overlapsWithUnplanned: overlaps.filter((o) => !o.planned).length,
      exitCode,
      reducerGcs: traced.filter((l) => l.includes('(reduce)')).length,
      tracedGcs: traced.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both phases, half of `totalNs` each. */
export async function runSoak(totalNs: number, frame: string): Promise<SoakPhase[]> {
  const half = Math.round(totalNs / 2);
  return [await runSoakPhase('alloc-free', half, frame), await runSoakPhase('planned', half, frame)];
}

/** Share of GCs planned goal of the `planned` phase. */
const PLANNED_SHARE_GOAL = 0.95;

/** One line per goal: planned share, drift within a tenth of a frame on both clocks. */
function verdicts(phases: readonly SoakPhase[]): string[] {
  const lines: string[] = [];
  for (const p of phases) {
    if (p.phase === 'planned')
      lines.push(
        `planned: ${p.gcPlanned} of ${p.gcCount} GCs planned (${(100 * p.plannedShare).toFixed(1)} %): ≥ ${100 * PLANNED_SHARE_GOAL} % ${p.plannedShare >= PLANNED_SHARE_GOAL ? 'met' : '**not met**'}`,
      );
    lines.push(
      `${p.phase}: memory-reducer collections ${p.reducerGcs} (of ${p.tracedGcs} traced in the process): 0 ${p.reducerGcs === 0 ? 'met' : '**not met**'}`,
    );
    const d = p.drift;
    if (d !== null)
      lines.push(
        `${p.phase}: drift over ${d.spanFrames} frames ${(d.wallNs / 1000).toFixed(1)} µs (wall clock), ${(d.monoNs / 1000).toFixed(1)} µs (monotonic); largest wander ${(d.wanderWallNs / 1000).toFixed(1)} / ${(d.wanderMonoNs / 1000).toFixed(1)} µs`,
      );
  }
  return lines;
}

function table(phases: readonly SoakPhase[]): string {
  const us = (ns: number) => (ns / 1000).toFixed(1);
  const rows = [
    '| phase | s | frames | skipped | GCs (planned / unplanned) | planned share | max GC pause µs | planned deferred / late / forced | cost est. µs | warnings | drift vs wall clock / monotonic µs (wander) | lateness p99 / max µs | misses ∩ GC (unplanned) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const p of phases) {
    const d = p.drift;
    const drift =
      d === null
        ? 'n/a (< 2 windows)'
        : `${us(d.wallNs)} / ${us(d.monoNs)} (${us(d.wanderWallNs)} / ${us(d.wanderMonoNs)}) over ${d.spanFrames} frames`;
    rows.push(
      `| ${p.phase} | ${(p.durationNs / 1e9).toFixed(0)} | ${p.frames} | ${p.skipped} | ${p.gcCount} (${p.gcPlanned} / ${p.gcUnplanned}) | ${(100 * p.plannedShare).toFixed(1)} % | ${us(p.gcMaxPauseNs)} | ${p.plannedDeferred} / ${p.plannedLate} / ${p.plannedForced} | ${us(p.plannedCostEstimateNs)} | ${p.warnings} | ${drift} | ${us(p.latenessP99Ns)} / ${us(p.latenessMaxNs)} | ${p.overlaps} (${p.overlapsWithUnplanned}) |`,
    );
  }
  return rows.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const total = parseSoakDurationNs(arg('--duration', '10m'));
  const frame = arg('--frame', '1ms');
  const phases = await runSoak(total, frame);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(phases)}\n`);
  else process.stdout.write(`${table(phases)}\n\n${verdicts(phases).join('\n')}\n`);
}
