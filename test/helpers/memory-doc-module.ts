/**
 * The task module shown in docs/memory.md, as a file that can be imported: the page's first
 * `js` code block, written to a temporary `tasks.mjs` with `'hardtick/worker'` pointed at
 * this checkout's sources. The test runs the documentation itself, so the page cannot drift.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```js block of docs/memory.md. */
export function docTaskModuleSource(): string {
  const page = readFileSync(join(ROOT, 'docs/memory.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(page)?.[1];
  if (block === undefined) throw new Error('docs/memory.md has no ```js block');
  return block;
}

/** Writes the block to a temporary `tasks.mjs` importing src/worker/index.ts; returns its path. */
export function writeDocTaskModule(): string {
  const worker = pathToFileURL(join(ROOT, 'src/worker/index.ts')).href;
  const source = docTaskModuleSource().replace(`from 'hardtick/worker'`, `from '${worker}'`);
  if (!source.includes(worker)) throw new Error("the docs/memory.md block does not import 'hardtick/worker'");
  const file = join(mkdtempSync(join(tmpdir(), 'hardtick-memory-doc-')), 'tasks.mjs');
  writeFileSync(file, source);
  return file;
}

/** The exports of the documented module. */
export interface DocTasks {
  input: Float64Array;
  output: Float64Array;
  sense(ctx: { releaseNs: number }): void;
  control(ctx: { releaseNs: number }): void;
  actuate(): void;
}
