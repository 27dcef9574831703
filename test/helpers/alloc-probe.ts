/**
 * Test side of the allocation gates: runs a probe script (test/helpers/*-alloc-probe.ts) in
 * its own Node process, away from vitest's GC noise: `node [--expose-gc] --no-memory-reducer
 * [nodeArgs] --import tsx <probe> <args>`, and returns the last line it printed, parsed as
 * JSON. Async, so a test can start several probes at once: they measure allocation (GC
 * events, young-generation growth), which another process on the machine does not change.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './cli.js';

const exec = promisify(execFile);

/** How to run a probe. */
export interface ProbeOptions {
  /** Node options before `--import tsx` (e.g. `['--max-semi-space-size=1']`). @default none */
  readonly nodeArgs?: readonly string[];
  /** The probe's environment. @default this process's */
  readonly env?: NodeJS.ProcessEnv;
  /** @default 120 000 ms */
  readonly timeoutMs?: number;
  /**
   * Start with `--expose-gc` (the measuring probes force collections around the window);
   * false for a probe of the loop as the CLI runs it. @default true
   */
  readonly exposeGc?: boolean;
  /** Fail when the probe wrote anything to stderr (a warning, a deopt trace). @default false */
  readonly quietStderr?: boolean;
}

function argv(probe: string, args: readonly (string | number)[], options: ProbeOptions): string[] {
  return [
    ...(options.exposeGc === false ? [] : ['--expose-gc']),
    '--no-memory-reducer',
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    join('test/helpers', probe),
    ...args.map(String),
  ];
}

function lastJsonLine<T>(stdout: string, probe: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${probe} printed no JSON result; its output:\n${stdout}`);
  }
}

/** Runs `probe` (a file name in test/helpers) with `args`; resolves to its JSON result. */
export async function runProbe<T>(
  probe: string,
  args: readonly (string | number)[] = [],
  options: ProbeOptions = {},
): Promise<T> {
  const { stdout, stderr } = await exec(process.execPath, argv(probe, args, options), {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: options.env ?? process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (options.quietStderr === true && stderr !== '') throw new Error(`${probe} wrote to stderr:\n${stderr}`);
  return lastJsonLine<T>(stdout, probe);
}

/**
 * Starts `jobs` with at most `limit` running at a time (one per core: probes are
 * CPU-bound); returns one promise per job, settling when that job does. Rejections are
 * left to the caller's awaits, none is reported as unhandled meanwhile.
 */
export function inParallel<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T>[] {
  let next = 0;
  const settle: ((run: () => Promise<T>) => void)[] = [];
  const results = jobs.map(
    () =>
      new Promise<T>((resolve, reject) => {
        settle.push((run) => run().then(resolve, reject));
      }),
  );
  for (const r of results) r.catch(() => {});
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      settle[i]!(jobs[i]!);
      await results[i]!.catch(() => {});
    }
  };
  for (let l = 0; l < Math.min(limit, jobs.length); l++) void lane();
  return results;
}

/**
 * {@link runProbe}, and once more when `clean` says the first result showed GC or growth:
 * a real allocation on the measured path shows in every run, while a V8 recompile that a
 * loaded machine delays into the measured window happens once. The second result counts.
 */
export async function runProbeWithRetry<T>(
  probe: string,
  args: readonly (string | number)[],
  clean: (result: T) => boolean,
  options: ProbeOptions = {},
): Promise<T> {
  const first = await runProbe<T>(probe, args, options);
  return clean(first) ? first : runProbe<T>(probe, args, options);
}
