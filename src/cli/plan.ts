/**
 * `hardtick plan <config> [--json]`: build and check the schedule table of every mode.
 * Exit 0 when every mode is feasible, 1 when one is not, 2 on bad input.
 */
import {
  type Column,
  formatNs,
  formatTable,
  loadConfig,
  type PlanResult,
  planSchedule,
  type ResolvedConfig,
  type ResolvedMode,
} from '../index.js';
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

/** The JSON object `plan --json` prints (the documented contract; `mode` and `modes` are extensions). */
export interface PlanJson {
  feasible: boolean;
  hyperperiodNs: number;
  frameNs: number;
  frames: Array<{
    index: number;
    startNs: number;
    loadNs: number;
    slots: Array<{ task: string; job: number; slice: number; budgetNs: number }>;
  }>;
  slices: Record<string, number[]>;
  diagnostics: Array<{ code: string; message: string; task?: string }>;
}

/** Converts a plan to the contract's JSON shape (drops internal fields). */
export function planToJson(plan: PlanResult): PlanJson {
  return {
    feasible: plan.feasible,
    hyperperiodNs: plan.hyperperiodNs,
    frameNs: plan.frameNs,
    frames: plan.frames.map((f) => ({
      index: f.index,
      startNs: f.startNs,
      loadNs: f.loadNs,
      slots: f.slots.map((s) => ({ task: s.task, job: s.job, slice: s.slice, budgetNs: s.budgetNs })),
    })),
    slices: Object.fromEntries(Object.entries(plan.slices).map(([k, v]) => [k, [...v]])),
    diagnostics: plan.diagnostics.map((d) =>
      d.task === undefined
        ? { code: d.code, message: d.message }
        : { code: d.code, message: d.message, task: d.task },
    ),
  };
}

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

/** Options of {@link renderPlan}. */
export interface RenderPlanOptions {
  /** Frames of the table shown (the summary covers all). @default every frame */
  readonly frames?: number;
}

const BAR_WIDTH = 24;

const FRAME_COLUMNS: readonly Column[] = [
  { header: 'frame' },
  { header: 'start' },
  { header: 'load' },
  { header: 'load bar', align: 'left' },
  { header: 'slack' },
  { header: 'slots (task#job[.slice] budget)', align: 'left' },
];

/**
 * Human-readable rendering of one mode's plan: a summary (frames, busiest frame, minimum
 * slack, slots per task) and a table of the first `options.frames` frames with load bars.
 */
export function renderPlan(
  config: ResolvedConfig,
  mode: ResolvedMode,
  plan: PlanResult,
  options: RenderPlanOptions = {},
): string {
  const lines: string[] = [];
  const title = config.modes.length > 1 ? `${config.name} — mode ${mode.name}` : config.name;
  let utilization = 0;
  for (const t of mode.tasks) utilization += t.budgetNs / t.periodNs;
  lines.push(`${title}: ${mode.tasks.length} task(s), utilization ${(utilization * 100).toFixed(1)} %`);
  lines.push(
    `hyperperiod ${formatNs(plan.hyperperiodNs)}, frame ${plan.frameNs > 0 ? formatNs(plan.frameNs) : '—'}, ` +
      `${plan.frames.length} frame(s)`,
  );
  if (!plan.feasible) {
    lines.push('INFEASIBLE');
    for (const d of plan.diagnostics) lines.push(`  ${d.code}: ${d.message}`);
    return `${lines.join('\n')}\n\n`;
  }
  for (const task of Object.keys(plan.slices)) {
    lines.push(`sliced: ${task} into [${plan.slices[task]!.map((b) => formatNs(b)).join(', ')}]`);
  }
  lines.push('');
  const limit = Math.min(options.frames ?? Number.POSITIVE_INFINITY, plan.frames.length);
  const rows: string[][] = [];
  let minSlackNs = Number.POSITIVE_INFINITY;
  let busiest = plan.frames[0];
  let slots = 0;
  for (const frame of plan.frames) {
    const slackNs = plan.frameNs - frame.loadNs;
    if (slackNs < minSlackNs) minSlackNs = slackNs;
    if (busiest === undefined || frame.loadNs > busiest.loadNs) busiest = frame;
    slots += frame.slots.length;
    if (rows.length >= limit) continue;
    const filled = Math.round((frame.loadNs / plan.frameNs) * BAR_WIDTH);
    rows.push([
      String(frame.index),
      formatNs(frame.startNs),
      formatNs(frame.loadNs),
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`,
      formatNs(slackNs),
      frame.slots
        .map(
          (s) =>
            `${s.task}#${s.job}${Object.hasOwn(plan.slices, s.task) ? `.${s.slice}` : ''} ${formatNs(s.budgetNs)}`,
        )
        .join(', '),
    ]);
  }
  lines.push(formatTable(FRAME_COLUMNS, rows).trimEnd());
  const hidden = plan.frames.length - rows.length;
  if (hidden > 0) {
    lines.push(`… ${hidden} more frame(s) not shown (--frames N shows the first N, --all every one)`);
  }
  lines.push('');
  lines.push(`feasible: minimum frame slack ${formatNs(minSlackNs)}`);
  if (busiest !== undefined) {
    lines.push(
      `busiest frame ${busiest.index}: load ${formatNs(busiest.loadNs)} of ${formatNs(plan.frameNs)} (${((busiest.loadNs / plan.frameNs) * 100).toFixed(1)} %); ${slots} slot(s) in ${plan.frames.length} frame(s)`,
    );
  }
  for (const d of plan.diagnostics) lines.push(`  note ${d.code}: ${d.message}`);
  return `${lines.join('\n')}\n\n`;
}
