/**
 * Hard-real-time accounting on ManualClock, exact: every release of every task ran on time,
 * ran late, or did not run for one named cause (skip-next policy, catch-up, pause, an
 * isolated worker unavailable, cut off by the end of the run); a job not run by its
 * deadline is a deadline miss; the per-task and per-run identities hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import {
  accountEndingInto,
  Executive,
  type ExecutiveOptions,
  evidenceSize,
  KIND_DEADLINE_MISS,
  snapshotFromEvidence,
  type TaskFn,
  type TaskSnapshot,
} from '../src/runtime/index.js';
import { ManualClock, ManualWaiter } from '../src/time/clock.js';
import {
  CountingClock,
  F,
  makeMode,
  makeTable,
  makeTask,
  ScriptedWaiter,
  scripted,
} from './helpers/runtime-fixtures.js';

const T0 = 10 * F;

/** The accounting fields of a task snapshot. */
function acct(t: TaskSnapshot) {
  return {
    releases: t.releases,
    runs: t.runs,
    jobsRun: t.jobsRun,
    late: t.late,
    notRun: t.notRun,
    inFlight: t.inFlight,
    deadlineMisses: t.deadlineMisses,
    skipped: t.skipped,
    censored: t.censored,
  };
}

const none = { policy: 0, catchUp: 0, pause: 0, unavailable: 0, cutOff: 0 };

/** One task `A` (1 ms period and frame, budget `budgetNs`) running `fn` on a ManualClock, started at T0. */
function oneTask(
  clock: ManualClock,
  fn: TaskFn,
  budgetNs = 100_000,
  overrun: Parameters<typeof makeTask>[4] = {},
  options: Partial<ExecutiveOptions> = {},
): Executive {
  const tasks = [makeTask(0, 'A', F, budgetNs, overrun)];
  const exec = new Executive({
    clock,
    waiter: new ManualWaiter(clock),
    modes: [makeMode('main', makeTable(F, tasks, [[{ task: 0, job: 0 }]]), tasks, [fn])],
    ...options,
  });
  exec.start(T0);
  return exec;
}

/** releases = jobs run + not run (every cause) + in flight; skipped = policy + catch-up + pause. */
function identitiesHold(t: TaskSnapshot): void {
  const n = t.notRun;
  expect(t.releases).toBe(t.jobsRun + n.policy + n.catchUp + n.pause + n.unavailable + n.cutOff + t.inFlight);
  expect(t.skipped).toBe(n.policy + n.catchUp + n.pause);
}

describe('accounting: jobs not run, by cause', () => {
  it('catch-up: jobs of frames skipped because the loop ran late on its own work are misses (cause catch-up)', () => {
    // A (1 ms), B (2 ms): frames [A0 B0] [A1]; frame 1's A runs 3.6 frames, frames 2 and 3 are skipped.
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 4 * F), makeTask(1, 'B', 2 * F, 100_000)];
    const table = makeTable(F, tasks, [
      [
        { task: 0, job: 0 },
        { task: 1, job: 0 },
      ],
      [{ task: 0, job: 1 }],
    ]);
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [
        makeMode('main', table, tasks, [
          scripted(clock, [100_000, 3_600_000, 100_000]),
          scripted(clock, [10_000]),
        ]),
      ],
    });
    exec.start(T0);
    expect(exec.runFrames(4)).toBe(4); // frames 0, 1, 4, 5
    const s = exec.snapshot();
    expect(acct(s.tasks[0]!)).toEqual({
      releases: 6,
      runs: 4,
      jobsRun: 4,
      late: 1, // A1 completed at 4.6 F, its deadline 2 F
      notRun: { ...none, catchUp: 2 },
      inFlight: 0,
      deadlineMisses: 3,
      skipped: 2,
      censored: 0,
    });
    expect(acct(s.tasks[1]!)).toEqual({
      releases: 3,
      runs: 2,
      jobsRun: 2,
      late: 0,
      notRun: { ...none, catchUp: 1 },
      inFlight: 0,
      deadlineMisses: 1,
      skipped: 1,
      censored: 0,
    });
    // The deadline-miss total counts every missed job, the dropped ones included.
    expect(s.alarms['deadline-miss']).toBe(4);
    expect(exec.alarmTotal(KIND_DEADLINE_MISS)).toBe(4);
    expect(s.frames).toEqual({ count: 4, overruns: 1, skipped: 2, lostToPause: 0, cutOff: 0, standby: 0 });
    for (const t of s.tasks) identitiesHold(t);
  });

  it('pause: a 600 ms stall while the loop sleeps loses 600 frames: 600 misses with cause pause', () => {
    // One 10 µs task every 1 ms; the fourth wait wakes 600 ms late (a SIGSTOP in the wait).
    const clock = new CountingClock();
    const exec = oneTask(
      clock,
      scripted(clock, [10_000]),
      100_000,
      {},
      {
        waiter: new ScriptedWaiter(clock, [0, 0, 0, 600 * F, 0]),
      },
    );
    expect(exec.runFrames(6)).toBe(6); // frames 0, 1, 2, then 603 at once, 604, 605
    const s = exec.snapshot();
    expect(acct(s.tasks[0]!)).toEqual({
      releases: 606,
      runs: 6,
      jobsRun: 6,
      late: 0,
      notRun: { ...none, pause: 600 },
      inFlight: 0,
      deadlineMisses: 600,
      skipped: 600,
      censored: 0,
    });
    expect(s.frames).toEqual({
      count: 6,
      overruns: 0,
      skipped: 600,
      lostToPause: 600,
      cutOff: 0,
      standby: 0,
    });
    expect([s.alarms.pause, s.alarms['skipped-frames'], s.alarms['deadline-miss']]).toEqual([1, 1, 600]);
    // Per run: frames since the first release = run + skipped (±1).
    expect(Math.floor(s.elapsedNs / F)).toBe(605);
    expect(s.nextFrameIndex).toBe(s.frames.count + s.frames.skipped);
  });

  it('a stall inside a task is the loop running late on its own frame: the frames it costs are catch-up', () => {
    // Call 3 of A runs 600 ms (a SIGSTOP while the task runs looks exactly like this).
    const clock = new CountingClock();
    const exec = oneTask(
      clock,
      scripted(clock, [10_000, 10_000, 10_000, 600 * F, 10_000]),
      100_000,
      {},
      {
        waiter: new ScriptedWaiter(clock, [0]),
      },
    );
    exec.runFrames(6);
    const s = exec.snapshot();
    // Frame 3's A ends at 603.00 F: frames 4..602 skipped (599), 603 runs at once.
    expect(s.tasks[0]!.notRun).toEqual({ ...none, catchUp: 599 });
    expect(s.tasks[0]!.late).toBe(1);
    expect(s.tasks[0]!.deadlineMisses).toBe(600);
    expect(s.frames.lostToPause).toBe(0);
    expect(s.alarms.pause).toBe(1); // the lost time is still a pause alarm
    identitiesHold(s.tasks[0]!);
  });

  it('skip-next policy: the dropped job is a miss with cause policy', () => {
    const clock = new ManualClock();
    const exec = oneTask(clock, scripted(clock, [800_000, 100_000]), F / 2, {
      overrun: { action: 'skip-next' },
    });
    exec.runFrames(3);
    const s = exec.snapshot();
    expect(acct(s.tasks[0]!)).toEqual({
      releases: 3,
      runs: 2,
      jobsRun: 2,
      late: 0, // the overrunning run still ended before its deadline
      notRun: { ...none, policy: 1 },
      inFlight: 0,
      deadlineMisses: 1,
      skipped: 1,
      censored: 0,
    });
    expect(s.alarms['deadline-miss']).toBe(1);
  });

  it('unavailable: an isolated release with no worker is not a run, leaves no sample, and is a miss', () => {
    const clock = new ManualClock();
    const unavailable = new HardtickError('task_unavailable', "task 'A': no worker");
    let calls = 0;
    const fn: TaskFn = () => {
      calls++;
      clock.advance(1_000);
      if (calls === 2 || calls === 3) throw unavailable;
      clock.advance(9_000);
    };
    const exec = oneTask(clock, fn);
    exec.runFrames(4);
    const s = exec.snapshot();
    expect(acct(s.tasks[0]!)).toEqual({
      releases: 4,
      runs: 2,
      jobsRun: 2,
      late: 0,
      notRun: { ...none, unavailable: 2 },
      inFlight: 0,
      deadlineMisses: 2,
      skipped: 0,
      censored: 0,
    });
    // No ~0 ns executions: only the two real 10 µs runs are measured and sampled.
    expect(s.tasks[0]!.execNs).toMatchObject({ count: 2, min: 10_000, max: 10_000 });
    expect(s.tasks[0]!.execSamples?.count).toBe(2);
    expect([s.tasks[0]!.errors, s.alarms['task-error']]).toEqual([0, 0]);
    expect(exec.lastError(0)).toBeUndefined();
  });

  it('killed: the execution given up at budget + grace is censored, kept out of the pWCET samples', () => {
    const clock = new ManualClock();
    const killed = new HardtickError('task_killed', "task 'A' did not finish", { task: 'A' });
    let calls = 0;
    const fn: TaskFn = () => {
      calls++;
      if (calls === 2) {
        clock.advance(150_000);
        throw killed;
      }
      clock.advance(10_000);
    };
    const exec = oneTask(clock, fn);
    exec.runFrames(3);
    const t = exec.snapshot().tasks[0]!;
    expect([t.runs, t.censored, t.overruns, t.errors]).toEqual([3, 1, 1, 0]);
    expect(t.execNs).toMatchObject({ count: 3, max: 150_000 });
    expect(t.execSamples?.count).toBe(2);
    expect(exec.snapshot().alarms.killed).toBe(1);
  });

  it('a policy stop cuts off the rest of its frame: released, not run, no miss (deadlines ahead)', () => {
    const clock = new ManualClock();
    const tasks = [
      makeTask(0, 'A', F, 100_000),
      makeTask(1, 'B', F, 100_000, { overrun: { action: 'stop' } }),
      makeTask(2, 'C', F, 100_000),
    ];
    const table = makeTable(F, tasks, [
      [
        { task: 0, job: 0 },
        { task: 1, job: 0 },
        { task: 2, job: 0 },
      ],
    ]);
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [
        makeMode('main', table, tasks, [
          scripted(clock, [10_000]),
          scripted(clock, [10_000, 200_000]),
          scripted(clock, [10_000]),
        ]),
      ],
    });
    exec.start(T0);
    exec.runFrames(5);
    const s = exec.snapshot();
    expect(s.stopReason).toBe('policy:stop:B');
    expect(acct(s.tasks[2]!)).toEqual({
      releases: 2,
      runs: 1,
      jobsRun: 1,
      late: 0,
      notRun: { ...none, cutOff: 1 },
      inFlight: 0,
      deadlineMisses: 0,
      skipped: 0,
      censored: 0,
    });
    expect(s.frames).toMatchObject({ count: 2, cutOff: 0 });
  });

  it('a stop leaves no job in flight: a sliced job between its slices is cut off', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'S', 2 * F, 200_000)];
    const table = makeTable(F, tasks, [
      [{ task: 0, job: 0, slice: 0, budgetNs: 100_000, last: false }],
      [{ task: 0, job: 0, slice: 1, budgetNs: 100_000, last: true }],
    ]);
    let exec: Executive | null = null;
    let calls = 0;
    const fn: TaskFn = () => {
      calls++;
      clock.advance(10_000);
      if (calls === 3) exec!.requestStop(); // in frame 2: job 1's first slice
    };
    exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', table, tasks, [fn])],
    });
    exec.start(T0);
    exec.runFrames(10);
    const t = exec.snapshot().tasks[0]!;
    expect(acct(t)).toEqual({
      releases: 2,
      runs: 3,
      jobsRun: 1,
      late: 0,
      notRun: { ...none, cutOff: 1 },
      inFlight: 0,
      deadlineMisses: 0,
      skipped: 0,
      censored: 0,
    });
  });
});

describe('accounting: a loop stuck in a task, completed from its live evidence block', () => {
  it('the hung slot is a censored run, an overrun and a miss; the rest of the run is cut off', () => {
    // A (1 ms, budget 200 µs), B (2 ms): frames [A0 B0] [A1]. A hangs in frame 2; the
    // watchdog's verdict comes at its deadline (3 F) + 50 ms of grace.
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 200_000), makeTask(1, 'B', 2 * F, 200_000)];
    const table = makeTable(F, tasks, [
      [
        { task: 0, job: 0 },
        { task: 1, job: 0 },
      ],
      [{ task: 0, job: 1 }],
    ]);
    const live = new Float64Array(evidenceSize(2));
    let seen: Float64Array | null = null;
    let calls = 0;
    let exec: Executive | null = null;
    const a: TaskFn = () => {
      calls++;
      if (calls === 3) {
        seen = live.slice(); // what the host thread reads while the loop is stuck here
        return;
      }
      clock.advance(10_000);
      if (calls === 2) exec!.evidenceInto(live, 0); // the loop's last publication
    };
    exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', table, tasks, [a, scripted(clock, [10_000])])],
      liveEvidence: live,
    });
    exec.start(T0);
    exec.runFrames(3);
    const block = seen!;
    const layout = { modes: [{ name: 'main', tasks }] };
    const hungStartNs = T0 + 2 * F;
    const endNs = T0 + 3 * F + 50 * F;
    accountEndingInto(block, 0, layout, [table], { endNs, hungStartNs });
    const s = snapshotFromEvidence(block, 0, layout);
    expect(acct(s.tasks[0]!)).toEqual({
      releases: 3 + 51, // frames 0–2, then frames 3..53 (released by the verdict)
      runs: 3,
      jobsRun: 3,
      late: 1,
      notRun: { ...none, cutOff: 51 },
      inFlight: 0,
      deadlineMisses: 1 + 50, // the hung job, and frames 3..52 (frame 53's deadline is after the verdict)
      skipped: 0,
      censored: 1,
    });
    expect(s.tasks[0]!.overruns).toBe(1);
    // The distribution as last published (A0 only) plus the hung slot's lower bound.
    expect(s.tasks[0]!.execNs).toMatchObject({ count: 1 + 1, min: 10_000, max: 51 * F });
    expect(s.tasks[0]!.execMaxFrame).toBe(2);
    expect(acct(s.tasks[1]!)).toEqual({
      releases: 1 + 1 + 25, // B0; B1 after the hung slot in frame 2; frames 4, 6, …, 52
      runs: 1,
      jobsRun: 1,
      late: 0,
      notRun: { ...none, cutOff: 26 },
      inFlight: 0,
      deadlineMisses: 1 + 24, // B1 (deadline 4 F) and frames 4..50
      skipped: 0,
      censored: 0,
    });
    expect(s.frames).toEqual({ count: 2, overruns: 0, skipped: 0, lostToPause: 0, cutOff: 52, standby: 0 });
    expect(s.elapsedNs).toBe(53 * F);
    // Per run: ⌊elapsed / frame⌋ = frames run + skipped + cut off (±1).
    expect(s.frames.count + s.frames.skipped + s.frames.cutOff - Math.floor(s.elapsedNs / F)).toBe(1);
    expect([s.alarms['deadline-miss'], s.alarms.overrun]).toEqual([51 + 25, 1]);
  });

  it('a crash (no hung slot) cuts off the slot in progress too, and no execution is recorded for it', () => {
    const clock = new ManualClock();
    const tasks = [makeTask(0, 'A', F, 200_000)];
    const table = makeTable(F, tasks, [[{ task: 0, job: 0 }]]);
    const live = new Float64Array(evidenceSize(1));
    let seen: Float64Array | null = null;
    let calls = 0;
    const a: TaskFn = () => {
      if (++calls === 2) seen = live.slice();
      clock.advance(10_000);
    };
    const exec = new Executive({
      clock,
      waiter: new ManualWaiter(clock),
      modes: [makeMode('main', table, tasks, [a])],
      liveEvidence: live,
    });
    exec.start(T0);
    exec.runFrames(2);
    const block = seen!;
    const layout = { modes: [{ name: 'main', tasks }] };
    accountEndingInto(block, 0, layout, [table], { endNs: T0 + F + 500_000, hungStartNs: null });
    const t = snapshotFromEvidence(block, 0, layout).tasks[0]!;
    expect(acct(t)).toEqual({
      releases: 2,
      runs: 1,
      jobsRun: 1,
      late: 0,
      notRun: { ...none, cutOff: 1 },
      inFlight: 0,
      deadlineMisses: 0, // its deadline (2 F) was still ahead
      skipped: 0,
      censored: 0,
    });
  });
});

describe('a task that returns a thenable', () => {
  it('is a task error at its first call, with a message saying so; its rejection is handled', async () => {
    const clock = new ManualClock();
    const victim = async () => {
      throw new Error('async boom');
    };
    const exec = oneTask(clock, victim as unknown as TaskFn);
    exec.runFrames(1);
    expect(exec.snapshot().tasks[0]!.errors).toBe(1);
    const error = exec.lastError(0) as HardtickError;
    expect(error.code).toBe('task_returned_promise');
    expect(error.message).toMatch(
      /^task 'A' returned a Promise \(or another thenable\): a task is a synchronous function/,
    );
    exec.runFrames(2);
    expect(exec.snapshot().tasks[0]!.errors).toBe(3);
    // The rejections were handled: nothing reaches unhandledRejection (vitest fails the file otherwise).
    await new Promise((r) => setImmediate(r));
  });

  it('a plain return value is not an error', () => {
    const clock = new ManualClock();
    const exec = oneTask(clock, (() => 42) as unknown as TaskFn);
    exec.runFrames(2);
    expect(exec.snapshot().tasks[0]!.errors).toBe(0);
  });
});

describe('the identities hold whatever the loop meets (property)', () => {
  it('per task releases = run + not run + in flight, skipped = policy + catch-up + pause; per run frames (standby too) = time ±1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0, 0, 300_000, 2_500_000, 7_000_000, 40_000_000), {
          minLength: 5,
          maxLength: 40,
        }),
        fc.array(fc.constantFrom(10_000, 10_000, 150_000, 1_500_000, 9_000_000), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.constantFrom<ExecutiveOptions['catchUp']>(
          { policy: 'skip', maxFrames: 0 },
          { policy: 'run', maxFrames: 2 },
        ),
        fc.boolean(),
        // A lease gate (hot standby) leading or not frame by frame (it leads again in the
        // end, so the run goes on); no gate when empty.
        fc.array(fc.boolean(), { maxLength: 40 }),
        (late, execs, catchUp, skipNext, gate) => {
          const clock = new CountingClock();
          const leading = [...gate, true];
          let gateReads = 0;
          const tasks = [
            makeTask(0, 'A', F, 200_000, skipNext ? { overrun: { action: 'skip-next' } } : {}),
            makeTask(1, 'S', 2 * F, 400_000),
          ];
          const table = makeTable(F, tasks, [
            [
              { task: 0, job: 0 },
              { task: 1, job: 0, slice: 0, budgetNs: 200_000, last: false },
            ],
            [
              { task: 0, job: 1 },
              { task: 1, job: 0, slice: 1, budgetNs: 200_000, last: true },
            ],
          ]);
          const exec = new Executive({
            clock,
            waiter: new ScriptedWaiter(clock, late),
            modes: [makeMode('main', table, tasks, [scripted(clock, execs), scripted(clock, [20_000])])],
            ...(catchUp === undefined ? {} : { catchUp }),
            ...(gate.length === 0
              ? {}
              : { leaseGate: { leading: () => leading[gateReads++ % leading.length]! } }),
          });
          exec.start(T0);
          exec.runFrames(late.length);
          exec.requestStop();
          exec.runFrames(1);
          const s = exec.snapshot();
          let misses = 0;
          for (const t of s.tasks) {
            identitiesHold(t);
            expect(t.inFlight).toBe(0); // stopped: nothing left in flight
            const n = t.notRun;
            // Every job dropped is a miss; cut-off ones only when their deadline passed.
            const dropped = n.policy + n.catchUp + n.pause + n.unavailable;
            expect(t.deadlineMisses).toBeGreaterThanOrEqual(t.late + dropped);
            expect(t.deadlineMisses).toBeLessThanOrEqual(t.late + dropped + n.cutOff);
            misses += t.deadlineMisses;
          }
          expect(s.alarms['deadline-miss']).toBe(misses);
          const frames = s.frames.count + s.frames.skipped + s.frames.standby + s.frames.cutOff;
          expect(Math.abs(frames - Math.floor(s.elapsedNs / F))).toBeLessThanOrEqual(1);
        },
      ),
      { seed: 14, numRuns: 200 },
    );
  });
});
