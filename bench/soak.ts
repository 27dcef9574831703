/**
 * Soak benchmark (issue 5, item 6): long `hardtick run`s at 1 kHz in two phases, each a
 * child process (`node dist/cli/main.js run … --report`, worker thread mode):
 *
 * 1. `alloc-free`: an allocation-free task (typed-array state), no GC governance.
 *    Expected: 0 unplanned GCs, no drift.
 * 2. `planned`: a task that allocates ~10 KB of short-lived objects per frame, with
 *    `gc: { planned: true, warn: true }`. Expected: every GC planned, none inside a task.
 *
 *   npm run build && npm run bench:soak -- [--duration 10m] [--frame 1ms] [--json]
 *
 * `--duration` is the total (split evenly between the phases; default 10m = 5 min each);
 * `--frame` the frame and period of both phases (default 1ms). Prints per phase: frames,
 * skipped, GCs (planned / unplanned), planned GCs deferred for want of slack and late
 * (ended after the next release), drift, release lateness p99 and max, and the misses
 * that overlapped a GC. Drift: the release of the last frame is t0 + k·f by construction;
 * measured here as the run's duration (first release to the end of the last frame) minus
 * (k − 1)·f, which must stay within one frame (the last frame's lateness and execution).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
  readonly plannedCostEstimateNs: number;
  readonly warnings: number;
  /** Duration − (frames + skipped − 1)·f, ns (within [0, f) when there is no drift). */
  readonly driftNs: number;
  readonly latenessP99Ns: number;
  readonly latenessMaxNs: number;
  readonly overlaps: number;
  readonly overlapsWithUnplanned: number;
  readonly exitCode: number;
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

const TASKS = [
  'const cell = new Float64Array(2);',
  'export function quiet() { for (let i = 0; i < 50; i++) cell[0] += i; }',
  'let keep = null;',
  'export function alloc() { const a = []; for (let i = 0; i < 100; i++) a.push({ i, v: i * 2 }); keep = a; cell[1] += keep.length; }',
].join('\n');

/** Runs one phase for `durationNs` with frame `frame`; returns its figures. */
export async function runSoakPhase(
  phase: SoakPhase['phase'],
  durationNs: number,
  frame: string,
): Promise<SoakPhase> {
  const dir = mkdtempSync(join(tmpdir(), 'hardtick-soak-'));
  try {
    writeFileSync(join(dir, 'tasks.mjs'), TASKS);
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
    try {
      await promisify(execFile)(
        process.execPath,
        [
          'dist/cli/main.js',
          'run',
          config,
          '--duration',
          `${Math.round(durationNs / 1e6)}ms`,
          '--quiet',
          '--report',
          report,
        ],
        { cwd: ROOT, timeout: durationNs / 1e6 + 120_000, maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      exitCode = (error as { code?: number }).code ?? 1;
    }
    const r = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
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
      plannedCostEstimateNs: gov?.planned.costEstimateNs ?? 0,
      warnings: gov?.warn.warnings.reduce((n, w) => n + w.count, 0) ?? 0,
      driftNs: r.durationNs - (r.frames.count + r.frames.skipped - 1) * r.frameNs,
      latenessP99Ns: r.release.latenessNs.p99,
      latenessMaxNs: r.release.latenessNs.max,
      overlaps: overlaps.length,
      overlapsWithUnplanned: overlaps.filter((o) => !o.planned).length,
      exitCode,
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

function table(phases: readonly SoakPhase[]): string {
  const us = (ns: number) => (ns / 1000).toFixed(1);
  const rows = [
    '| phase | s | frames | skipped | GCs (planned / unplanned) | max GC pause µs | planned deferred / late | cost est. µs | warnings | drift µs | lateness p99 / max µs | misses ∩ GC (unplanned) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const p of phases)
    rows.push(
      `| ${p.phase} | ${(p.durationNs / 1e9).toFixed(0)} | ${p.frames} | ${p.skipped} | ${p.gcCount} (${p.gcPlanned} / ${p.gcUnplanned}) | ${us(p.gcMaxPauseNs)} | ${p.plannedDeferred} / ${p.plannedLate} | ${us(p.plannedCostEstimateNs)} | ${p.warnings} | ${us(p.driftNs)} | ${us(p.latenessP99Ns)} / ${us(p.latenessMaxNs)} | ${p.overlaps} (${p.overlapsWithUnplanned}) |`,
    );
  return rows.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const total = parseSoakDurationNs(arg('--duration', '10m'));
  const frame = arg('--frame', '1ms');
  const phases = await runSoak(total, frame);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(phases)}\n`);
  else process.stdout.write(`${table(phases)}\n`);
}
