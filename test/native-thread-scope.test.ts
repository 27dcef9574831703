/**
 * Per-thread real-time scope: SCHED_FIFO and CPU affinity set in a worker apply to that
 * worker's thread only; the main thread stays SCHED_OTHER with its CPUs. mlockall works as
 * root, and without root says why when the memlock limit refuses it. FIFO is only ever
 * set, read and reset: never spin under SCHED_FIFO (the kernel's RT throttling stalls a
 * thread that spins at FIFO for a share of every second).
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { applyThreadRealtime, defaultNativePath, loadNative } from '../src/native/index.js';
import { requires } from './helpers/requirements.js';

/** The unprivileged user (uid and gid 65534 on Debian). */
const NOBODY = 65534;

/** CommonJS worker body: loads the addon by path and runs one step per message. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const b = require(workerData.path);
parentPort.on('message', (step) => {
  try {
    if (step === 'fifo') parentPort.postMessage({ rc: b.setThreadScheduler('fifo', 10), sched: b.getThreadScheduler(), tid: b.threadId() });
    else if (step === 'reset') parentPort.postMessage({ rc: b.setThreadScheduler('other', 0), sched: b.getThreadScheduler() });
    else if (step === 'cpu0') parentPort.postMessage({ rc: b.setThreadAffinity([0]), cpus: b.getThreadAffinity() });
    else parentPort.postMessage({ error: 'unknown step' });
  } catch (e) { parentPort.postMessage({ error: String(e) }); }
});
`;

function ask(worker: Worker, step: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(step);
  });
}

describe.runIf(process.platform === 'linux')('native thread scope', requires('native'), () => {
  it('SCHED_FIFO set in a worker applies to that thread only, and is reset', requires('root'), async () => {
    const b = loadNative();
    expect(b).not.toBeNull();
    const mainBefore = b!.getThreadScheduler();
    expect(mainBefore.policy).toBe('other');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: defaultNativePath() } });
    try {
      const set = await ask(worker, 'fifo');
      expect(set).toMatchObject({ rc: 0, sched: { policy: 'fifo', priority: 10 } });
      expect(set.tid).not.toBe(b!.threadId());
      // The main thread is untouched while the worker is FIFO.
      expect(b!.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
      const reset = await ask(worker, 'reset');
      expect(reset).toMatchObject({ rc: 0, sched: { policy: 'other', priority: 0 } });
    } finally {
      await worker.terminate();
    }
  });

  it('setThreadAffinity([0]) in a worker pins that thread only', async () => {
    const b = loadNative()!;
    const mainCpus = b.getThreadAffinity();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: defaultNativePath() } });
    try {
      const r = await ask(worker, 'cpu0');
      expect(r).toEqual({ rc: 0, cpus: [0] });
      expect(b.getThreadAffinity()).toEqual(mainCpus);
    } finally {
      await worker.terminate();
    }
  });

  it(
    'applyThreadRealtime applies priority and cpus to the calling thread (then restored)',
    requires('root'),
    () => {
      const b = loadNative()!;
      const cpus = b.getThreadAffinity();
      try {
        const steps = applyThreadRealtime({ priority: 10, cpus: [cpus[0]!], binding: b });
        expect(steps).toEqual([
          { step: 'cpus', status: 'applied', reason: null, errno: null },
          { step: 'priority', status: 'applied', reason: null, errno: null },
        ]);
        expect(b.getThreadScheduler()).toEqual({ policy: 'fifo', priority: 10 });
      } finally {
        // Reset at once: nothing runs at FIFO beyond these two calls.
        expect(b.setThreadScheduler('other', 0)).toBe(0);
        expect(b.setThreadAffinity(cpus)).toBe(0);
      }
      expect(b.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
    },
  );

  /** Runs mlockall (and munlockall after a success) in a child process, as `uid` when given. */
  function mlockallInChild(uid?: number): { rc: number; reason: string | null; un: number | null } {
    const script = `
      const b = require(process.argv[1]);
      const rc = b.mlockall();
      const out = { rc, reason: rc === 0 ? null : b.strerror(rc), un: rc === 0 ? b.munlockall() : null };
      process.stdout.write(JSON.stringify(out));
    `;
    const ids = uid === undefined ? {} : { uid, gid: uid };
    const r = spawnSync(process.execPath, ['-e', script, defaultNativePath()], { encoding: 'utf8', ...ids });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { rc: number; reason: string | null; un: number | null };
  }

  it('mlockall as root: 0, then munlockall 0 (in a child process)', requires('root'), () => {
    expect(mlockallInChild()).toEqual({ rc: 0, reason: null, un: 0 });
  });

  it('mlockall unprivileged (as nobody when run as root): 0 when RLIMIT_MEMLOCK allows it, else ENOMEM/EPERM with its text', () => {
    const out = mlockallInChild(process.getuid?.() === 0 ? NOBODY : undefined);
    // The outcome depends on RLIMIT_MEMLOCK (and CAP_IPC_LOCK); either way the pair is consistent.
    const expected: Record<number, string> = {
      0: '',
      1: 'Operation not permitted',
      12: 'Cannot allocate memory',
    };
    expect(Object.keys(expected).map(Number)).toContain(out.rc);
    if (out.rc === 0) expect(out).toEqual({ rc: 0, reason: null, un: 0 });
    else expect(out).toEqual({ rc: out.rc, reason: expected[out.rc], un: null });
  });
});
