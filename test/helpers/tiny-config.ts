/**
 * Small configs written to disk for tests that load or run them: a scratch directory
 * (removed when the test process exits), a config file and its task module beside it, so
 * `run: "./tasks.mjs#name"` resolves as it would for a user.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch: string[] = [];
process.once('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when this process exits. */
export function scratchDir(prefix = 'hardtick-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** What {@link writeTinyConfig} writes. */
export interface TinyConfigSpec {
  /** The config object (written as JSON). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The task module's source (lines are joined with newlines). @default none written */
  readonly tasks?: string | readonly string[];
  /** Directory to write into. @default a fresh {@link scratchDir} */
  readonly dir?: string;
  /** Config file name. @default 'hardtick.json' */
  readonly file?: string;
  /** Task module file name. @default 'tasks.mjs' */
  readonly tasksFile?: string;
}

/** Where {@link writeTinyConfig} put things. */
export interface TinyConfig {
  readonly dir: string;
  readonly configFile: string;
  readonly tasksFile: string;
}

/** Writes a config (and its task module) and returns the paths. */
export function writeTinyConfig(spec: TinyConfigSpec): TinyConfig {
  const dir = spec.dir ?? scratchDir('hardtick-config-');
  const configFile = join(dir, spec.file ?? 'hardtick.json');
  const tasksFile = join(dir, spec.tasksFile ?? 'tasks.mjs');
  if (spec.tasks !== undefined) writeTaskModule(dir, spec.tasks, spec.tasksFile);
  writeFileSync(configFile, `${JSON.stringify(spec.config, null, 2)}\n`);
  return { dir, configFile, tasksFile };
}

/** Writes a task module (lines joined with newlines) into `dir`; returns its path. */
export function writeTaskModule(dir: string, source: string | readonly string[], file = 'tasks.mjs'): string {
  const path = join(dir, file);
  writeFileSync(path, `${typeof source === 'string' ? source : source.join('\n')}\n`);
  return path;
}

/** A task entry running `./<module>#<name>`, plus any extra keys. */
export function taskEntry(
  name: string,
  period: string,
  budget: string,
  extra: Readonly<Record<string, unknown>> = {},
  module = './tasks.mjs',
): Record<string, unknown> {
  return { name, period, budget, run: `${module}#${name}`, ...extra };
}
