/**
 * `hardtick doctor [config] [--json]`: what on this machine stands between it and a hard
 * loop, each finding with its fix. Parses and prints; the checks live in src/doctor.
 * Exit 0 when nothing fails, 1 when something does, 2 on bad input.
 */

import { formatDoctor, loadConfig, runDoctor } from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

const HELP = `Usage: hardtick doctor [config] [--json]

Checks what on this machine stands between it and a hard real-time loop: kernel
preemption, virtualisation and steal, CPU governor, clocksource, isolated CPUs, SCHED_FIFO,
RT limits and throttling, cgroup CPU quota, memory locking, swap, transparent huge pages,
/dev/cpu_dma_latency, timer slack, the native addon and Node. Real-time steps are tried
(on a short-lived thread, or undone at once), not guessed. Each finding says what was
found, why it matters and the command that fixes it.

With a config, each step its "realtime" section asks for is judged: refused is a failure.

Options:
  --json     print { schema, checks: [{ id, status, found, why, fix }], … } as JSON
  -h, --help this text

Exit codes: 0 nothing fails, 1 something fails, 2 bad input.
`;

const FLAGS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

/** Runs `hardtick doctor`. */
export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseFlags<typeof FLAGS>>;
  try {
    parsed = parseFlags(argv, FLAGS);
  } catch (error) {
    io.err(`hardtick doctor: ${(error as Error).message}\nRun 'hardtick doctor --help' for the options.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.err(`hardtick doctor: expected at most one config file, got ${positionals.length}\n\n${HELP}`);
    return 2;
  }
  const file = positionals[0];
  const config = file === undefined ? null : await loadConfig(file);
  const report = await runDoctor({ config });
  io.out(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report, file));
  return report.counts.fail > 0 ? 1 : 0;
}
