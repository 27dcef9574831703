/**
 * What the default watchdog costs (a config without a `watchdog` section gets one): runs
 * of the same config with it and with `"watchdog": false`, interleaved, each in a fresh
 * process through the built library (`npm run build` first):
 *
 *   npx tsx bench/default-watchdog.ts [--pairs 8] [--frame 1ms] [--tasks 3] [--duration 3s] [--thread worker|main]
 *
 * Per run: start-up (process start → the loop ready, its watchdog watching; → the first
 * measured frame) and the process's CPU over the measured run (all threads: the loop, the
 * host's polling, the watchdog thread). Medians of each, and the ratio with/without.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    frame: { type: 'string', default: '1ms' },
    tasks: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3s' },
    thread: { type: 'string', default: 'worker' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'hardtick-default-watchdog-'));
writeFileSync(
  join(dir, 'tasks.mjs'),
  'const c = new Float64Array(1);\nexport function tick() { c[0] += 1; }\n',
);
const taskCount = Number(values.tasks);
const tasks = Array.from({ length: taskCount }, (_, i) => ({
  name: `t${i}`,
  period: values.frame,
  budget: '50us',
  run: './tasks.mjs#tick',
}));
const configs = {
  with: join(dir, 'with.json'),
  without: join(dir, 'without.json'),
};
writeFileSync(configs.with, JSON.stringify({ name: 'with', tasks, alarms: { fatal: [] } }));
writeFileSync(
  configs.without,
  JSON.stringify({ name: 'without', tasks, alarms: { fatal: [] }, watchdog: false }),
);

/** The child: one run through the library, its timings and CPU as one JSON line. */
const CHILD = `
const t0 = performance.now();
const { startRun } = await import(${JSON.stringify(join(ROOT, 'dist/index.js'))});
let readyMs = 0, measuringMs = 0, cpu0 = null;
const handle = startRun(process.argv[1], {
  duration: ${JSON.stringify(values.duration)}, warmup: 0, thread: ${JSON.stringify(values.thread)},
  onEvent: (e) => {
    if (e.type === 'start') readyMs = performance.now();
    if (e.type === 'measuring') { measuringMs = performance.now(); cpu0 = process.cpuUsage(); }
  },
});
const report = await handle.done;
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - measuringMs;
console.log(JSON.stringify({
  readyMs, measuringMs, cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  frames: report.frames.count, stopReason: report.stopReason,
}));
`;

interface Sample {
  readonly readyMs: number;
  readonly measuringMs: number;
  readonly cpuPercent: number;
  readonly frames: number;
}

function runOnce(config: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, config], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`run failed (exit ${code}): ${out}`));
      else resolve(JSON.parse(line) as Sample);
    });
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const samples: Record<keyof typeof configs, Sample[]> = { with: [], without: [] };
const pairs = Number(values.pairs);
for (let i = 0; i < pairs; i++) {
  // Alternate which goes first: a shared machine drifts.
  const order: (keyof typeof configs)[] = i % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
  for (const which of order) samples[which].push(await runOnce(configs[which]));
}
rmSync(dir, { recursive: true, force: true });

const row = (which: keyof typeof configs) => {
  const s = samples[which];
  return {
    readyMs: median(s.map((x) => x.readyMs)),
    firstFrameMs: median(s.map((x) => x.measuringMs)),
    cpuPercent: median(s.map((x) => x.cpuPercent)),
    frames: median(s.map((x) => x.frames)),
  };
};
const w = row('with');
const wo = row('without');
console.log(
  `default watchdog cost: ${taskCount} task(s) at ${values.frame}, ${values.duration} measured, ` +
    `${values.thread} thread, ${pairs} interleaved pairs (medians; process start = 0)`,
);
console.log('                      with watchdog   watchdog: false   difference   ratio');
for (const [label, key, unit] of [
  ['loop ready (ms)', 'readyMs', ''],
  ['first frame (ms)', 'firstFrameMs', ''],
  ['CPU while measuring', 'cpuPercent', ' %'],
] as const) {
  const a = w[key];
  const b = wo[key];
  console.log(
    `${label.padEnd(22)}${a.toFixed(1).padStart(13)}${unit.padEnd(2)}${b.toFixed(1).padStart(16)}${unit.padEnd(2)}` +
      `${(a - b).toFixed(1).padStart(11)}${unit.padEnd(2)}${(a / b).toFixed(3).padStart(7)}`,
  );
}
console.log(`frames run (median): ${w.frames} with, ${wo.frames} without`);
