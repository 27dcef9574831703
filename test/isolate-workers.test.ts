/**
 * Isolated tasks with real worker threads on the real clock: same context and results as
 * in the loop thread, errors propagated, a task that never returns killed (alarm `killed`,
 * policy applied) and respawned while the loop's other tasks keep their deadlines, and
 * load errors reported like the in-thread loader's. Bounds are generous (a busy 2-core CI
 * box); the figures themselves are in bench/isolate.bench.ts.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/types.js';
import { HardtickError } from '../src/errors.js';
import {
  closeIsolatedTasks,
  isolatedTasks,
  K_COMPLETED,
  K_ERRORS,
  K_KILLS,
  K_RELEASES,
  K_UNAVAILABLE,
} from '../src/isolate/index.js';
import { selectClockAndWaiter } from '../src/native/select.js';
import { loadModes as loadPlannedModes } from '../src/run/loop-setup.js';
import { prepareRun } from '../src/run/prepare.js';
import { type AlarmRecordView, Executive, KIND_KILLED, KIND_OVERRUN } from '../src/runtime/index.js';
import { loadTaskRef } from '../src/tasks/load.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/isolate/', import.meta.url));
const MS = 1_000_000;

afterEach(async () => {
  await closeIsolatedTasks();
});

function config(tasks: Record<string, unknown>[], extra: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig({ name: 'iso-test', tasks, ...extra }, { baseDir: FIXTURES });
}

/** Plans `cfg` once and loads its modes on this thread (what the runner does). */
async function loadModes(cfg: ResolvedConfig) {
  const plan = await prepareRun(cfg);
  return loadPlannedModes(plan.config, plan.tables);
}

async function executive(cfg: ResolvedConfig, preferNative = true): Promise<Executive> {
  const plan = await prepareRun(cfg);
  const modes = await loadPlannedModes(plan.config, plan.tables);
  const { clock, waiter } = selectClockAndWaiter({ preferNative });
  return new Executive({ clock, waiter, modes, initialMode: plan.initialMode, alarmCapacity: 4096 });
}

/** Runs `exec` in 100 ms chunks until `done()` or `limitMs` of wall time. */
function runWhile(exec: Executive, done: () => boolean, limitMs: number): void {
  const t0 = performance.now();
  exec.start();
  while (!exec.stopped && !done() && performance.now() - t0 < limitMs)
    exec.runUntil(exec.nextReleaseNs() + 100 * MS);
}

const task = (name: string, run: string, extra: Record<string, unknown> = {}) => ({
  name,
  period: '4ms',
  budget: '2ms',
  run: `./tasks.mjs#${run}`,
  ...extra,
});

describe('isolated task: same context and results as in the loop thread', () => {
  for (const preferNative of [true, false]) {
    for (const isolate of [false, true]) {
      it(`${isolate ? 'isolated' : 'in-thread'}, ${preferNative ? 'native clock if built' : 'performance.now() clock'}: context checks pass, every 3rd run throws`, async () => {
        const exec = await executive(
          config(
            [
              task('check', 'checkContext', isolate ? { isolate: true, isolateGrace: '1s' } : {}),
              task('thrower', 'throwsEveryThird', {
                budget: '1ms',
                ...(isolate ? { isolate: true, isolateGrace: '1s' } : {}),
              }),
            ],
            { frame: '4ms' },
          ),
          preferNative,
        );
        runWhile(exec, () => exec.framesRun >= 100, 20_000);
        const [check, thrower] = exec.snapshot().tasks;
        expect(exec.framesRun).toBeGreaterThanOrEqual(100);
        // A wrong context (names, window, budget, clock origin) would throw: no error.
        expect(check?.errors, String(exec.lastError(0))).toBe(0);
        expect(check?.runs).toBe(check!.releases - check!.skipped);
        // Errors thrown in the worker are task errors, with the worker's name and message.
        expect(Math.abs(thrower!.errors - thrower!.runs / 3)).toBeLessThan(1);
        const last = exec.lastError(1) as Error;
        expect(last).toBeInstanceOf(Error);
        expect(last.name).toBe('RangeError');
        expect(last.message).toMatch(/^bad sample in job \d+$/);
        expect(exec.alarmTotal(KIND_KILLED)).toBe(0);
        if (isolate) {
          const [isoCheck, isoThrower] = isolatedTasks();
          expect(isoCheck?.counters[K_RELEASES]).toBe(check!.runs);
          expect(isoCheck?.counters[K_COMPLETED]).toBe(check!.runs);
          expect(isoCheck?.counters[K_UNAVAILABLE]).toBe(0);
          expect(isoThrower?.counters[K_ERRORS]).toBe(thrower!.errors);
        }
      }, 60_000);
    }
  }
});

describe('isolated task that never returns', () => {
  it('is killed at budget + grace (+ a bound), raises killed, is respawned and runs again; the other task keeps its deadlines', async () => {
    const exec = await executive(
      config(
        [
          { name: 'tick', period: '10ms', budget: '1ms', run: './tasks.mjs#tick' },
          {
            name: 'spin',
            period: '10ms',
            budget: '1ms',
            run: './tasks.mjs#spinOnThird',
            isolate: true,
            isolateGrace: '1ms',
          },
        ],
        { frame: '10ms' },
      ),
    );
    const iso = isolatedTasks()[0]!;
    const killedAfterNs: number[] = [];
    const listener = (a: AlarmRecordView): void => {
      if (a.kind === 'killed' && a.suppressed === 0) killedAfterNs.push(a.value);
    };
    // Until it was killed and has completed two releases in its respawned worker.
    let completedAtKill = -1;
    runWhile(
      exec,
      () => {
        exec.drainAlarms(listener);
        if (completedAtKill < 0 && iso.counters[K_KILLS]! > 0) completedAtKill = iso.counters[K_COMPLETED]!;
        return completedAtKill >= 0 && iso.counters[K_COMPLETED]! >= completedAtKill + 2;
      },
      30_000,
    );
    exec.drainAlarms(listener, true);
    const [tick, spin] = exec.snapshot().tasks;
    expect(iso.counters[K_KILLS]).toBeGreaterThanOrEqual(1);
    expect(exec.alarmTotal(KIND_KILLED)).toBe(iso.counters[K_KILLS]);
    // Ran again after the respawn (a fresh worker: its 1st and 2nd calls return).
    expect(iso.counters[K_COMPLETED]).toBeGreaterThanOrEqual(completedAtKill + 2);
    expect(iso.spawns).toBeGreaterThanOrEqual(2);
    // Never given up early; given up soon after budget + grace (2 ms) on a busy machine.
    expect(killedAfterNs.length).toBeGreaterThanOrEqual(1);
    for (const ns of killedAfterNs) {
      expect(ns).toBeGreaterThanOrEqual(2 * MS);
      expect(ns).toBeLessThan(2 * MS + 100 * MS);
    }
    // A kill is an overrun (the policy path), not a task error.
    expect(spin?.overruns).toBeGreaterThanOrEqual(iso.counters[K_KILLS]!);
    expect(spin?.errors).toBe(0);
    expect(exec.alarmTotal(KIND_OVERRUN)).toBeGreaterThanOrEqual(iso.counters[K_KILLS]!);
    // While the worker restarted, releases were skipped, not waited for: not runs, no
    // samples, each a deadline miss with cause "unavailable"; each kill a censored run.
    expect(iso.counters[K_UNAVAILABLE]).toBeGreaterThanOrEqual(1);
    expect(spin!.notRun.unavailable).toBe(iso.counters[K_UNAVAILABLE]);
    expect(spin!.runs).toBe(iso.counters[K_RELEASES]! - iso.counters[K_UNAVAILABLE]!);
    expect(spin!.censored).toBe(iso.counters[K_KILLS]);
    expect(spin!.execSamples?.count).toBe(spin!.runs - spin!.censored);
    expect(spin!.deadlineMisses).toBeGreaterThanOrEqual(spin!.notRun.unavailable);
    // The loop thread's task kept running and (nearly always) met its deadlines.
    expect(tick?.errors).toBe(0);
    expect(tick!.runs).toBeGreaterThanOrEqual(10);
    expect(tick!.deadlineMisses).toBeLessThanOrEqual(Math.max(3, tick!.runs * 0.05));
    // The supervisor's figures of the kill.
    const t = iso.timings();
    expect(t.terminateCallNs).toBeGreaterThan(0);
    expect(t.respawnNs).toBeGreaterThan(0);
  }, 60_000);

  it('applies the task policy: stop ends the loop with reason policy:stop:<task>', async () => {
    const exec = await executive(
      config(
        [
          {
            name: 'runaway',
            period: '10ms',
            budget: '1ms',
            run: './tasks.mjs#spinForever',
            isolate: true,
            isolateGrace: '0ms',
            overrun: { action: 'stop' },
          },
        ],
        { frame: '10ms' },
      ),
    );
    runWhile(exec, () => false, 10_000);
    expect(exec.stopped).toBe(true);
    expect(exec.stopReason).toBe('policy:stop:runaway');
    const snap = exec.snapshot();
    expect(snap.alarms.killed).toBe(1);
    expect(snap.alarms.overrun).toBe(1);
    expect(snap.alarms['task-error']).toBe(0);
    expect((exec.lastError(0) as HardtickError).code).toBe('task_killed');
    expect((exec.lastError(0) as Error).message).toBe(
      "task 'runaway' did not finish within its budget + isolateGrace (0 ns); its worker was terminated and is being respawned",
    );
  }, 30_000);
});

describe('isolated task: load errors', () => {
  const cases: [string, string][] = [
    ['not a function', 'notAFunction'],
    ['missing export', 'checkContex'],
  ];
  for (const [what, exportName] of cases) {
    it(`${what}: the worker reports the in-thread loader's code and message`, async () => {
      const cfg = config([task('bad', exportName, { isolate: true })]);
      const expected = await loadTaskRef({ name: 'bad' }, cfg.tasks[0]!.run).catch((e: unknown) => e);
      expect(expected).toBeInstanceOf(HardtickError);
      const got = await loadModes(cfg).catch((e: unknown) => e);
      expect(got).toBeInstanceOf(HardtickError);
      expect((got as HardtickError).code).toBe((expected as HardtickError).code);
      expect((got as HardtickError).message).toBe((expected as HardtickError).message);
      expect((got as HardtickError).task).toBe('bad');
    }, 30_000);
  }

  it('module not found: task_load_failed with the resolved path', async () => {
    const cfg = resolveConfig(
      {
        name: 'x',
        tasks: [{ name: 'bad', period: '4ms', budget: '1ms', run: './nope.mjs#f', isolate: true }],
      },
      { baseDir: FIXTURES },
    );
    const got = (await loadModes(cfg).catch((e: unknown) => e)) as HardtickError;
    expect(got.code).toBe('task_load_failed');
    expect(got.message).toBe(
      `task 'bad': cannot load './nope.mjs#f': module not found: ${FIXTURES}nope.mjs (the path is resolved against the config file's folder).`,
    );
  }, 30_000);
});
