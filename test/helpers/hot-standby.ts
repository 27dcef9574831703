/**
 * Drives the hot-standby example's controllers for the etcd end-to-end tests and the
 * takeover benchmark: each is `hardtick run examples/hot-standby/hardtick.config.mjs`
 * (the built CLI, the config's `lease`, actuator-link.mjs forwarding to a fenced sink)
 * with its own `--candidate` and `--report`. Spawn, turn their lease and sink lines into
 * events (stamped when they arrive here), wait for one, SIGSTOP / SIGCONT, stop and read
 * the report. Needs a built dist/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../../src/report/run-report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One line a controller printed, as an event. */
export interface ControllerEvent {
  /** `campaigning`, `leader`, `lost`, `passive`, `first-accepted`, `rejected`. */
  readonly event: string;
  readonly name: string;
  /** Epoch ms when the line arrived here. */
  readonly atMs: number;
  readonly token?: number;
  readonly seq?: number;
  readonly reason?: string;
  readonly highest?: number;
}

/** A running controller process. */
export interface Controller {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly events: ControllerEvent[];
  /** Everything it printed (both streams). */
  output(): string;
  /** Resolves with the first event (from index `from`) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (e: ControllerEvent) => boolean, timeoutMs: number, from?: number): Promise<ControllerEvent>;
  /** SIGCONT + SIGTERM; resolves with its exit code and report (null if it wrote none). */
  stop(): Promise<{ readonly code: number | null; readonly report: RunReport | null }>;
}

/** Epoch ms on the same scale as the events' and the sink's `atMs`. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Options of {@link startController}. */
export interface ControllerOptions {
  readonly name: string;
  /** etcd endpoint (`HOT_STANDBY_ETCD`). */
  readonly etcd: string;
  /** Election key (`HOT_STANDBY_KEY`). */
  readonly key: string;
  /** The fenced sink's TCP port on 127.0.0.1 (`HOT_STANDBY_SINK`). */
  readonly sinkPort: number;
  /** Lease TTL, s (`HOT_STANDBY_TTL`). @default 1 */
  readonly ttlS?: number;
  /** Hold every write this long on its way to the sink (`HOT_STANDBY_LINK_DELAY_MS`). @default 0 */
  readonly linkDelayMs?: number;
  /** Skip `ctx.lease.valid()` (a controller that never checks). */
  readonly unguarded?: boolean;
}

/** The lines that are events, and what they carry. */
const PATTERNS: ReadonlyArray<
  readonly [RegExp, (m: RegExpExecArray) => Omit<ControllerEvent, 'name' | 'atMs'>]
> = [
  [/^lease: standby, campaigning/, () => ({ event: 'campaigning' })],
  [/^lease: leader as \S+ \(token (\d+)/, (m) => ({ event: 'leader', token: Number(m[1]) })],
  [
    /^lease: lost the term of token (\d+) \((\w+)\)/,
    (m) => ({ event: 'lost', token: Number(m[1]), reason: m[2]! }),
  ],
  [/^lease: passive \((\w+)\)/, (m) => ({ event: 'passive', reason: m[1]! })],
  [
    /^sink: first write accepted \(token (\d+), seq (\d+)\)/,
    (m) => ({ event: 'first-accepted', token: Number(m[1]), seq: Number(m[2]) }),
  ],
  [
    /^sink: rejected (\S+) \(token (\d+), seq (\d+); highest (-?\d+)\)/,
    (m) => ({
      event: 'rejected',
      reason: m[1]!,
      token: Number(m[2]),
      seq: Number(m[3]),
      highest: Number(m[4]),
    }),
  ],
];

/** Spawns one controller (`hardtick run` on the example's config). */
export function startController(o: ControllerOptions): Controller {
  const dir = mkdtempSync(join(tmpdir(), `hardtick-hs-${o.name}-`));
  const reportFile = join(dir, 'report.json');
  const proc = spawn(
    process.execPath,
    [
      'dist/cli/main.js',
      'run',
      'examples/hot-standby/hardtick.config.mjs',
      '--duration',
      '0',
      '--candidate',
      o.name,
      '--channels',
      'examples/hot-standby/actuator-link.mjs',
      '--report',
      reportFile,
      '--quiet',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOT_STANDBY_ETCD: o.etcd,
        HOT_STANDBY_KEY: o.key,
        HOT_STANDBY_SINK: `127.0.0.1:${o.sinkPort}`,
        HOT_STANDBY_TTL: `${o.ttlS ?? 1}s`,
        HOT_STANDBY_LINK_DELAY_MS: String(o.linkDelayMs ?? 0),
        HARDTICK_HOT_STANDBY_UNGUARDED: o.unguarded === true ? '1' : '0',
      },
    },
  );
  const events: ControllerEvent[] = [];
  const waiters = new Set<() => void>();
  let all = '';
  const pending = { out: '', err: '' };
  const take = (stream: 'out' | 'err', d: string): void => {
    all += d;
    const lines = (pending[stream] + d).split('\n');
    pending[stream] = lines.pop()!;
    const atMs = epochMs();
    for (const line of lines) {
      for (const [re, fields] of PATTERNS) {
        const m = re.exec(line);
        if (m !== null) events.push({ ...fields(m), name: o.name, atMs });
      }
    }
    for (const w of waiters) w();
  };
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (d: string) => take('out', d));
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (d: string) => take('err', d));
  let exitCode: number | null = null;
  let exited = false;
  proc.once('exit', (code) => {
    exited = true;
    exitCode = code;
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
          reject(new Error(`${o.name} exited (code ${exitCode}) before the awaited event; output:\n${all}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${o.name}: no matching event within ${timeoutMs} ms; output:\n${all}`));
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
    output: () => all,
    waitFor,
    stop: async () => {
      if (!exited) {
        proc.kill('SIGCONT');
        proc.kill('SIGTERM');
        const hardKill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await new Promise<void>((r) => (exited ? r() : proc.once('exit', () => r())));
        clearTimeout(hardKill);
      }
      let report: RunReport | null = null;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
      } catch {
        report = null;
      }
      rmSync(dir, { recursive: true, force: true });
      return { code: exitCode, report };
    },
  };
}
