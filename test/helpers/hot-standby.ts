/**
 * Drives examples/hot-standby/controller.mjs processes for the etcd end-to-end tests and
 * the takeover benchmark: spawn, collect their JSON-line events, wait for one, SIGSTOP /
 * SIGCONT, stop. Needs a built dist/ (the controllers import the package).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One line a controller printed. */
export interface ControllerEvent {
  readonly event: string;
  readonly name: string;
  readonly atMs: number;
  readonly [k: string]: unknown;
}

/** A running controller process. */
export interface Controller {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly events: ControllerEvent[];
  /** Everything it wrote to stderr. */
  stderr(): string;
  /** Resolves with the first event (from index `from`) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (e: ControllerEvent) => boolean, timeoutMs: number, from?: number): Promise<ControllerEvent>;
  /** SIGTERM, then resolves with its `exit` event (or null if it died without one). */
  stop(): Promise<ControllerEvent | null>;
}

/** Epoch ms on the same scale as the controllers' and the sink's `atMs`. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Options of {@link startController}. */
export interface ControllerOptions {
  readonly name: string;
  readonly etcd: string;
  readonly key: string;
  readonly sinkPort: number;
  readonly ttlS?: number;
  readonly marginMs?: number;
  /** Ignore `ctx.lease.valid()` (a controller that never checks; fencing must stop it). */
  readonly unguarded?: boolean;
}

/** Spawns one controller. */
export function startController(o: ControllerOptions): Controller {
  const proc = spawn(
    process.execPath,
    [
      'examples/hot-standby/controller.mjs',
      '--name',
      o.name,
      '--etcd',
      o.etcd,
      '--key',
      o.key,
      '--ttl',
      String(o.ttlS ?? 1),
      '--margin',
      String(o.marginMs ?? 100),
      '--sink',
      `127.0.0.1:${o.sinkPort}`,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HARDTICK_HOT_STANDBY_UNGUARDED: o.unguarded ? '1' : '0' },
    },
  );
  const events: ControllerEvent[] = [];
  const waiters = new Set<() => void>();
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as ControllerEvent);
      } catch {
        err += `(stdout, not JSON) ${line}\n`;
      }
    }
    for (const w of waiters) w();
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (d: string) => (err += d));
  let exited = false;
  proc.once('exit', () => {
    exited = true;
    for (const w of waiters) w();
  });
  const waitFor = (pred: (e: ControllerEvent) => boolean, timeoutMs: number, from = 0) =>
    new Promise<ControllerEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.slice(from).find(pred);
        if (hit !== undefined) {
          done();
          resolve(hit);
        } else if (exited) {
          done();
          reject(new Error(`${o.name} exited before the awaited event; stderr:\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${o.name}: no matching event within ${timeoutMs} ms; events:\n${events.map((e) => JSON.stringify(e)).join('\n')}\nstderr:\n${err}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    name: o.name,
    proc,
    events,
    stderr: () => err,
    waitFor,
    stop: async () => {
      if (exited) return events.find((e) => e.event === 'exit') ?? null;
      proc.kill('SIGCONT');
      proc.kill('SIGTERM');
      const hardKill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await new Promise<void>((r) => (exited ? r() : proc.once('exit', () => r())));
      clearTimeout(hardKill);
      return events.find((e) => e.event === 'exit') ?? null;
    },
  };
}
