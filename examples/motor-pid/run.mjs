#!/usr/bin/env node
/**
 * hardtick motor-pid example: `node examples/motor-pid/run.mjs [--duration 6s] [--fail-at 3s]
 * [--report motor-pid.json] [--warmup 300ms] [--verbose]` (after `npm install`, which builds dist/).
 *
 * A runner on hardtick's public API (what `hardtick run --thread main` does, minus metrics
 * and channels), because the task module needs one thing the CLI does not offer a task: to
 * request a mode change. It plans both modes of hardtick.json, binds the sensor-fault
 * handler of tasks.mjs to `executive.requestMode('sensorless')`, warms the loop up (a
 * throw-away executive, then the simulation is reset), runs the measured executive on the
 * real clock, prints a status line a second (with the alarms of that second by kind;
 * `--verbose` prints each alarm) and the mode change when it happens, then builds the
 * `hardtick.run/v1` report, writes it (`--report`) and prints the WCET table from it.
 *
 * Exit code: 0 when the report says so (no fatal alarm: only `task-error` is fatal here),
 * 1 otherwise, 2 for bad options.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildRunReport,
  buildScheduleTable,
  collectEnvironment,
  Executive,
  GcMonitor,
  HybridWaiter,
  loadConfig,
  loadTaskFunctions,
  parseDurationNs,
  planSchedule,
  SystemClock,
  tryLowerTimerSlack,
} from 'hardtick';
import * as motor from './tasks.mjs';

const CONFIG = fileURLToPath(new URL('./hardtick.json', import.meta.url));

function usage(message) {
  console.error(`motor-pid: ${message}`);
  console.error(
    'usage: node examples/motor-pid/run.mjs [--duration 6s] [--fail-at 3s|never] [--report FILE] [--warmup 300ms] [--verbose]',
  );
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string', default: '6s' },
        'fail-at': { type: 'string', default: '3s' },
        report: { type: 'string' },
        warmup: { type: 'string', default: '300ms' },
        verbose: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    usage(error.message);
  }
})();

function durationOption(name, text) {
  try {
    return parseDurationNs(text);
  } catch (error) {
    usage(`--${name}: ${error.message}`);
  }
}
const durationNs = durationOption('duration', values.duration);
const warmupNs = durationOption('warmup', values.warmup);
const failAtS =
  values['fail-at'] === 'never'
    ? Number.POSITIVE_INFINITY
    : durationOption('fail-at', values['fail-at']) / 1e9;

// Setup (may allocate, may throw): config, plans, task functions, clock and waiter.
const config = await loadConfig(CONFIG);
const modes = [];
for (const mode of config.modes) {
  const plan = planSchedule(mode, config.limits);
  if (!plan.feasible)
    throw new Error(`mode ${mode.name}: ${plan.diagnostics.map((d) => d.message).join('; ')}`);
  modes.push({
    name: mode.name,
    table: buildScheduleTable(plan),
    tasks: mode.tasks,
    ...(await loadTaskFunctions(mode)),
  });
}
const timerSlackApplied = tryLowerTimerSlack();
const clock = new SystemClock();
const waiter = new HybridWaiter({ clock });
const newExecutive = () =>
  new Executive({
    clock,
    waiter,
    modes,
    catchUp: config.catchUp,
    releaseLateNs: config.alarms.releaseLateNs,
    pauseThresholdNs: config.alarms.pauseThresholdNs,
    alarmRatePerSecond: config.alarms.ratePerSecond,
  });

console.log(
  `motor-pid: modes ${modes.map((m) => `${m.name} (frame ${m.table.frameNs / 1e6} ms)`).join(', ')}; ` +
    `${durationNs / 1e9} s on the real clock, sensor fails at ${Number.isFinite(failAtS) ? `${failAtS} s` : 'never'}`,
);

// Warm-up: the JIT optimises the tasks, the executive and the waiter before anything is measured.
let executive = newExecutive();
motor.setSensorFaultHandler(null);
executive.start();
executive.runUntil(executive.nextReleaseNs() + warmupNs);
const warmupFrames = executive.framesRun;

// The measured run: fresh executive, fresh simulation.
motor.resetMotor({ failAtS });
executive = newExecutive();
const measured = executive;
motor.setSensorFaultHandler(() => measured.requestMode('sensorless'));
const gc = new GcMonitor();
gc.start();
const startedAt = new Date();
executive.start();
const startNs = executive.nextReleaseNs();
const endNs = startNs + durationNs;
/** Alarms delivered since the last status line, by kind (mode changes are printed at once). */
const recent = new Map();
const printAlarm = (a) => {
  const at = ((a.timeNs - startNs) / 1e9).toFixed(3);
  if (a.kind !== 'mode-change' && !values.verbose) {
    recent.set(a.kind, (recent.get(a.kind) ?? 0) + 1 + a.suppressed);
  } else if (a.kind === 'mode-change') {
    console.log(
      `  t=${at}s mode change → ${executive.modeName} (sensor declared failed at simulated t=${motor.state[motor.S_FAULT_TIME].toFixed(3)}s)`,
    );
  } else {
    const what = a.suppressed > 0 ? ` (+${a.suppressed} more this second)` : '';
    console.log(
      `  t=${at}s alarm ${a.kind}${a.task === null ? '' : ` task ${a.task}`} value ${a.value}${what}`,
    );
  }
};
let nextStatusNs = startNs + 1e9;
// Chunks of 100 ms: the alarms are drained and the status printed between them, in the
// frames' slack (cold work, a few µs).
while (!executive.stopped && executive.nextReleaseNs() < endNs) {
  executive.runUntil(Math.min(endNs, executive.nextReleaseNs() + 100e6));
  executive.drainAlarms(printAlarm);
  if (clock.nowNs() >= nextStatusNs) {
    nextStatusNs += 1e9;
    const s = motor.state;
    console.log(
      `t=${s[motor.S_TIME].toFixed(1)}s mode ${executive.modeName.padEnd(10)} setpoint ${s[motor.S_SETPOINT].toFixed(0).padStart(3)} ` +
        `speed ${s[motor.S_OMEGA].toFixed(1).padStart(5)} estimate ${s[motor.S_ESTIMATE].toFixed(1).padStart(5)} ` +
        `voltage ${s[motor.S_VOLTAGE].toFixed(2).padStart(6)} (rad/s, V)` +
        (recent.size === 0 ? '' : `; alarms ${[...recent].map(([kind, n]) => `${kind} ${n}`).join(', ')}`),
    );
    recent.clear();
  }
}
executive.drainAlarms(printAlarm, true);
const endedAt = new Date();
await new Promise((resolveTurn) => setImmediate(resolveTurn)); // queued GC entries
const report = buildRunReport({
  config,
  snapshot: executive.snapshot(),
  environment: collectEnvironment({
    clock: clock.kind,
    waiter: 'hybrid',
    waiterMarginNs: waiter.marginNs,
    timerSlackApplied,
  }),
  gc: gc.stop(),
  startedAt,
  endedAt,
  requestedDurationNs: durationNs,
  warmup: { frames: warmupFrames, durationNs: warmupNs },
  stopReason: executive.stopped ? null : 'duration',
});
if (values.report !== undefined) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);

// The WCET table, from the report.
const us = (ns) => (ns / 1000).toFixed(1);
const rows = [
  ['mode', 'task', 'budget', 'runs', 'min', 'p50', 'p99', 'p99.9', 'max', 'max/budget', 'overruns', 'misses'],
];
for (const t of report.tasks) {
  rows.push([
    t.mode,
    t.name,
    us(t.budgetNs),
    String(t.runs),
    t.runs === 0 ? '–' : us(t.execNs.min),
    t.runs === 0 ? '–' : us(t.execNs.p50),
    t.runs === 0 ? '–' : us(t.execNs.p99),
    t.runs === 0 ? '–' : us(t.execNs.p999),
    t.runs === 0 ? '–' : us(t.execNs.max),
    t.runs === 0 ? '–' : t.execMaxBudgetRatio.toFixed(2),
    String(t.overruns),
    String(t.deadlineMisses),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log('\nWCET (µs, from the run report):');
for (const r of rows)
  console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
const l = report.release.latenessNs;
console.log(
  `release lateness (µs, ${l.count} releases): p50 ${us(l.p50)}  p99 ${us(l.p99)}  p99.9 ${us(l.p999)}  max ${us(l.max)}; ` +
    `frames ${report.frames.count}, skipped ${report.frames.skipped}, overruns ${report.frames.overruns}; GCs ${report.gc.count}`,
);
const s = motor.state;
console.log(
  `result: mode ${report.mode}, sensor fault at ${s[motor.S_FAULT_TIME] < 0 ? 'none' : `${s[motor.S_FAULT_TIME].toFixed(3)}s`}, ` +
    `final speed ${s[motor.S_OMEGA].toFixed(2)} rad/s (target ${(report.mode === 'sensorless' ? s[motor.S_TARGET] : s[motor.S_SETPOINT]).toFixed(0)}), ` +
    `exit ${report.exitCode}${values.report === undefined ? '' : `, report ${values.report}`}`,
);
process.exitCode = report.exitCode;
