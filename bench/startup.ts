/**
 * Start-up of `hardtick run`: process start → first measured frame, and the whole wall
 * time of `hardtick run <config> --duration 1s`, for 1 ms, 20 ms and 250 ms frames (the
 * default warm-up each time). Spawns the built CLI (`npm run build` first):
 *
 *   npx tsx bench/startup.ts [--frames 1ms,20ms,250ms] [--thread worker|main] [--runs 1] [--root DIR]
 *
 * First measured frame: the report's `endedAt − durationNs` (the measured run's first
 * release, seen from its end: late by the few ms between the loop's end and `endedAt`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '1ms,20ms,250ms' },
    thread: { type: 'string', default: 'worker' },
    runs: { type: 'string', default: '1' },
    /** Another build's root (its dist/cli/main.js), e.g. a copy of the tree before a change. */
    root: { type: 'string', default: ROOT },
  },
});
const frames = values.frames.split(',');
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'hardtick-startup-'));
writeFileSync(
  join(dir, 'tasks.mjs'),
  'const cell = new Float64Array(1);\nexport function tick() { cell[0] += 1; }\n',
);

interface Row {
  readonly frame: string;
  readonly startupS: number;
  readonly wallS: number;
  readonly warmupS: number;
  /** The warm-up in all (JIT drives and rehearsal included), when the report says. */
  readonly warmupTotalS: number | null;
}

async function once(frame: string): Promise<Row> {
  const config = join(dir, `f-${frame}.json`);
  const report = join(dir, `f-${frame}.report.json`);
  const budget = frame === '1ms' ? '200us' : '1ms';
  writeFileSync(
    config,
    JSON.stringify({
      name: `startup-${frame}`,
      tasks: [{ name: 'tick', period: frame, budget, run: './tasks.mjs#tick' }],
      alarms: { fatal: [] },
    }),
  );
  const spawnedAtMs = Date.now();
  const child = spawn(
    process.execPath,
    [
      join(values.root, 'dist/cli/main.js'),
      'run',
      config,
      '--duration',
      '1s',
      '--quiet',
      '--thread',
      values.thread,
      '--report',
      report,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
  const wallMs = Date.now() - spawnedAtMs;
  if (code !== 0) throw new Error(`hardtick run exited ${code} for a ${frame} frame`);
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    endedAt: string;
    durationNs: number;
    warmup: { durationNs: number; totalNs?: number };
  };
  const firstFrameMs = Date.parse(r.endedAt) - r.durationNs / 1e6;
  return {
    frame,
    startupS: (firstFrameMs - spawnedAtMs) / 1000,
    wallS: wallMs / 1000,
    warmupS: r.warmup.durationNs / 1e9,
    warmupTotalS: r.warmup.totalNs === undefined ? null : r.warmup.totalNs / 1e9,
  };
}

const rows: Row[] = [];
for (let i = 0; i < runs; i++) for (const frame of frames) rows.push(await once(frame));
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`hardtick run --duration 1s, --thread ${values.thread}, default warm-up\n`);
process.stdout.write('frame    start-up (s)  wall (s)  warm-up on real frames (s)  warm-up in all (s)\n');
for (const r of rows) {
  process.stdout.write(
    `${r.frame.padEnd(7)}  ${r.startupS.toFixed(2).padStart(12)}  ${r.wallS.toFixed(2).padStart(8)}  ` +
      `${r.warmupS.toFixed(2).padStart(26)}  ${(r.warmupTotalS === null ? '-' : r.warmupTotalS.toFixed(2)).padStart(18)}\n`,
  );
}
