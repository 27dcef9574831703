/**
 * The built CLI in a child process, as a user or a CI job runs it (`node dist/cli/main.js`;
 * `npm run build` first): exit code, signal, stdout, stderr, and for `run` the report it
 * wrote. `hardtickSync` for quick commands; `hardtick` (async) lets a test start several
 * runs at once: a run mostly sleeps between frames, so side by side they take the time of
 * the longest instead of the sum.
 */
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../../src/report/run-report.js';
import { scratchDir } from './tiny-config.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI. */
export const CLI = join(ROOT, 'dist/cli/main.js');

/** How to start the CLI. */
export interface CliOptions {
  /** @default the repository root */
  readonly cwd?: string;
  /** Merged over this process's environment (undefined removes a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Killed (SIGKILL) after this long. @default 60 000 ms */
  readonly timeoutMs?: number;
  /** Node options before the script, e.g. `['--import', 'tsx']`. @default none */
  readonly nodeArgs?: readonly string[];
}

/** What a CLI run did. */
export interface CliResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line and both streams, for an assertion's message. */
  readonly transcript: string;
}

function env(options: CliOptions): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function transcript(args: readonly string[], stdout: string, stderr: string, end: string): string {
  return `$ hardtick ${args.join(' ')}\n${stdout}${stderr}(${end})`;
}

/** Runs `hardtick <args>` to completion (blocking). */
export function hardtickSync(args: readonly string[], options: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: env(options),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  const end = r.signal === null ? `exit ${r.status}` : `signal ${r.signal}`;
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    transcript: transcript(args, r.stdout, r.stderr, end),
  };
}

/** Runs `hardtick <args>` without blocking this process. */
export function hardtick(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? ROOT,
    env: env(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const end = signal === null ? `exit ${code}` : `signal ${signal}`;
      resolve({ code, signal, stdout, stderr, transcript: transcript(args, stdout, stderr, end) });
    });
  });
}

/** A `hardtick run` and the report it wrote. */
export interface RunResult extends CliResult {
  readonly reportFile: string;
  /** The parsed report; null when the run wrote none. */
  readonly report: RunReport | null;
}

/**
 * `hardtick run <config> <args> --report <file>` (async): the file is a fresh one in a
 * scratch directory unless `reportFile` names one.
 */
export async function hardtickRun(
  config: string,
  args: readonly string[],
  options: CliOptions & { readonly reportFile?: string } = {},
): Promise<RunResult> {
  const reportFile = options.reportFile ?? join(scratchDir('hardtick-run-'), 'report.json');
  const r = await hardtick(['run', config, ...args, '--report', reportFile], options);
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport) : null;
  return { ...r, reportFile, report };
}
