/**
 * A real, throw-away etcd for the lease tests: `startEtcd()` runs the `etcd` binary
 * (Debian package `etcd-server`; `.ci/run` installs it) on two free loopback ports with a
 * temporary data dir, waits until `/health` says true, and returns a handle that can
 * stop, restart (same data dir and ports: leases and keys survive) and remove it.
 *
 * Timing: `--heartbeat-interval 25 --election-timeout 250` makes etcd's minimum lease TTL
 * 1 s (etcd raises any TTL below 1.5 × election-timeout ticks × heartbeat to that, rounded
 * up to whole seconds; with the defaults it would be 2 s), so the tests can use TTL 1 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL } from './requirements.js';

/** A running (or stopped) test etcd. */
export interface TestEtcd {
  /** `127.0.0.1:<client port>`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** The etcd process's stderr so far (its log), for failure messages. */
  log(): string;
  /** Stops etcd (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data dir; resolves when healthy. */
  start(): Promise<void>;
  /** Stops it and deletes the data dir. */
  dispose(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released; a tiny race is accepted in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a test etcd (see the module note). Rejects when it is not healthy within 15 s. */
export async function startEtcd(): Promise<TestEtcd> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hardtick-etcd-'));
  let child: ChildProcess | null = null;
  let log = '';
  const args = [
    '--name',
    'hardtick-test',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    `http://127.0.0.1:${clientPort}`,
    '--advertise-client-urls',
    `http://127.0.0.1:${clientPort}`,
    '--listen-peer-urls',
    `http://127.0.0.1:${peerPort}`,
    '--initial-advertise-peer-urls',
    `http://127.0.0.1:${peerPort}`,
    '--initial-cluster',
    `hardtick-test=http://127.0.0.1:${peerPort}`,
    '--heartbeat-interval',
    '25',
    '--election-timeout',
    '250',
    '--log-level',
    'warn',
  ];
  const start = async (): Promise<void> => {
    const proc = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d) => {
      log += String(d);
      if (log.length > 200_000) log = log.slice(-100_000);
    });
    let exited = false;
    let spawnError: Error | null = null;
    proc.once('exit', () => (exited = true));
    proc.once('error', (e) => (spawnError = e));
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (spawnError !== null) {
        throw new Error(`cannot start etcd: ${(spawnError as Error).message}; install: ${INSTALL.etcd}`);
      }
      if (exited) throw new Error(`etcd exited during start-up:\n${log}`);
      if (await healthy(clientPort)) return;
      await sleep(50);
    }
    proc.kill('SIGKILL');
    throw new Error(`etcd not healthy within 15 s:\n${log}`);
  };
  const stop = async (): Promise<void> => {
    const proc = child as ChildProcess | null;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };
  await start();
  return {
    endpoint: `127.0.0.1:${clientPort}`,
    dataDir,
    log: () => log,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
