/**
 * `hardtick plan <config> [--json]`: build and check the schedule table of every mode.
 * Exit 0 when every mode is feasible, 1 when one is not, 2 on bad input.
 */
import { loadConfig, type PlanJson, planSchedule, planToJson, renderPlan } from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

/** Frames of the table `hardtick plan` shows unless told otherwise. */
export const DEFAULT_FRAMES_SHOWN = 20;

const HELP = `Usage: hardtick plan <config> [--json] [--frames N | --all]

Builds the static schedule table (cyclic executive) for the config's task set(s) and checks
it: hyperperiod, frame size (Baker & Shaw constraints), and a job-to-frame assignment in
which every job gets its whole budget inside its release-to-deadline window.

Options:
  --json                   print the plan as one JSON object instead of a table
                           (every frame)
  --frames <n>             show the first <n> frames of the table (default ${DEFAULT_FRAMES_SHOWN});
                           the summary always covers every frame
  --all                    show every frame
  --allow-outside-project  let the config name task modules outside its project (the
                           nearest folder with a package.json); a config is code
  -h, --help               this text

Exit codes: 0 feasible, 1 infeasible (the reasons and suggested fixes are printed), 2 bad input.
`;

/** Runs `hardtick plan`. */
export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`hardtick plan: ${(error as Error).message}\nRun 'hardtick plan --help' for the options.\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.out(HELP);
    return 0;
  }
  const file = parsed.positionals[0];
  if (file === undefined || parsed.positionals.length > 1) {
    io.err(`hardtick plan: expected exactly one config file, got ${parsed.positionals.length}\n\n${HELP}`);
    return 2;
  }
  const shown = framesShown(parsed.values.frames, parsed.values.all === true);
  if (typeof shown === 'string') {
    io.err(`hardtick plan: ${shown}\nRun 'hardtick plan --help' for the options.\n`);
    return 2;
  }
  const config = await loadConfig(file, {
    allowOutsideProject: parsed.values['allow-outside-project'] === true,
  });
  const plans = config.modes.map((mode) => ({ mode, plan: planSchedule(mode, config.limits) }));
  const feasible = plans.every((p) => p.plan.feasible);
  if (parsed.values.json === true) {
    const main = plans[0]!;
    const json: PlanJson & { mode?: string; modes?: Array<PlanJson & { name: string }> } = planToJson(
      main.plan,
    );
    if (plans.length > 1) {
      json.mode = main.mode.name;
      json.modes = plans.map((p) => ({ name: p.mode.name, ...planToJson(p.plan) }));
    }
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const { mode, plan } of plans) io.out(renderPlan(config, mode, plan, { frames: shown }));
  }
  return feasible ? 0 : 1;
}

const FLAGS = {
  json: { type: 'boolean' },
  frames: { type: 'string' },
  all: { type: 'boolean' },
  'allow-outside-project': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function parse(argv: string[]) {
  return parseFlags(argv, FLAGS);
}

/** `--frames N` / `--all` → how many frames to show, or the error message. */
function framesShown(text: string | undefined, all: boolean): number | string {
  if (all && text !== undefined) return '--frames and --all: give one of them';
  if (all) return Number.POSITIVE_INFINITY;
  if (text === undefined) return DEFAULT_FRAMES_SHOWN;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1
    ? n
    : `--frames: expected a whole number of frames >= 1, got '${text}'`;
}
