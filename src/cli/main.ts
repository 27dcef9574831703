#!/usr/bin/env node
/**
 * `hardtick` command-line entry. Each subcommand lives in its own module and returns
 * its exit code; this file only dispatches and prints usage.
 */
// First: the V8 flags, before the library loads. ES modules load (parse and compile) the
// whole static graph before they evaluate any of it, so the library is imported only
// dynamically, after them: statically it would be loaded, and the main isolate could do
// its first mark-compact, before the flags were set (src/v8-flags.ts).
import './early.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

const USAGE = `hardtick — a hard-deadline cyclic executive for Node.js

Usage: hardtick <command> [options]

Commands:
  plan <config> [--json]                        build and check the schedule table
  run <config> [--duration 10s] [--report FILE] run the executive on the real clock
  jitter [--period 1ms] [--duration 10s] [--json]
                                                measure this machine's release lateness
  check <run.json> [--baseline FILE] [--format junit|md|json]
                                                CI gate: budgets, misses, regressions
  report <run.json> --format md|html|junit|trace [-o FILE]
                                                render a run report as evidence
  pwcet <samples|run.json> [--task NAME] [--budget D] [--json]
                                                probabilistic WCET (extreme-value fit)
  doctor [config] [--json]                      what on this machine stands between it and
                                                a hard loop, each finding with its fix

Run 'hardtick <command> --help' for a command's options.
Exit codes: 0 success, 1 failed check (infeasible, fatal alarms, a failing doctor check), 2 bad input.
`;

/**
 * Printed under an internal error (exit 70). Bad input never ends here: it is a
 * HardtickError with a code (exit 2), so exit 70 is a bug in hardtick itself.
 */
export const INTERNAL_ERROR_REQUEST =
  'hardtick: this is a bug in hardtick, not a problem with your input: please report it with the command you ran and the files it read.';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS = new Map<string, () => Promise<Command>>([
  ['plan', async () => (await import('./plan.js')).planCommand],
  ['run', async () => (await import('./run.js')).runCommand],
  ['jitter', async () => (await import('./jitter.js')).jitterCommand],
  ['check', async () => (await import('./check.js')).checkCommand],
  ['report', async () => (await import('./report.js')).reportCommand],
  ['pwcet', async () => (await import('./pwcet.js')).pwcetCommand],
  ['doctor', async () => (await import('./doctor.js')).doctorCommand],
]);

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const { HardtickError, packageVersion } = await import('../index.js');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS.get(name);
  if (load === undefined) {
    io.err(`hardtick: unknown command '${name}'. Commands: ${[...COMMANDS.keys()].join(', ')}.\n`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof HardtickError) {
      io.err(`hardtick ${name}: ${error.message}\n`);
      return error.code === 'schedule_infeasible' ? 1 : 2;
    }
    throw error;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /\/cli\/main\.[jt]s$/.test(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `hardtick: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` +
          `${INTERNAL_ERROR_REQUEST}\n`,
      );
      process.exitCode = 70;
    },
  );
}
