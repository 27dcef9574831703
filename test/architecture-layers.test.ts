/**
 * The source's layers hold: every relative import in src/ (type-only ones included) goes to
 * the same layer or one below it, there is no import circle (between files or between
 * folders), and src/cli reaches the library only through the package's public entries. The
 * layers, bottom up (docs/architecture.md draws them):
 *
 *   errors, version, v8-flags · time, stats, memory · config · plan, native, realtime, pwcet · runtime, worker
 *   · gc, watchdog, lease, isolate, tasks · report, metrics, doctor · run · src/index.ts · cli
 *
 * A new folder fails here until it is given a layer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** Layer of each folder of src/ (and of src/errors.ts and src/index.ts). */
const LAYERS: Readonly<Record<string, number>> = {
  errors: 0,
  'v8-flags': 0,
  version: 0,
  time: 1,
  stats: 1,
  memory: 1,
  config: 2,
  plan: 3,
  native: 3,
  realtime: 3,
  pwcet: 3,
  runtime: 4,
  worker: 4,
  gc: 5,
  watchdog: 5,
  lease: 5,
  isolate: 5,
  tasks: 5,
  report: 6,
  metrics: 6,
  doctor: 6,
  run: 7,
  entry: 8,
  cli: 9,
};

/**
 * Public entries src/cli may import; v8-flags.ts too, because the CLI sets the V8 flags
 * before the library's modules load (src/cli/early.ts).
 */
const CLI_MAY_IMPORT = new Set(['index.ts', 'worker/index.ts', 'v8-flags.ts']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `foo/bar.ts` → `foo`; `errors.ts` → `errors`; `index.ts` → `entry`. */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts.length > 1) return parts[0]!;
  return file === 'index.ts' ? 'entry' : file.replace(/\.ts$/, '');
}

/** Relative imports of a source file (static, re-exports, dynamic with a literal), as src paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...text.matchAll(/\bfrom\s+'(\.[^']+)'/g),
    ...text.matchAll(/\bimport\s*\(\s*'(\.[^']+)'\s*\)/g),
    ...text.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
  ].map((m) => m[1]!);
  return specs.map((spec) =>
    relative(SRC, resolve(dirname(join(SRC, file)), spec.replace(/\.js$/, '.ts')))
      .split(sep)
      .join('/'),
  );
}

/** Strongly connected components of more than one node (Tarjan), each as a sorted list. */
function circles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

function problems(): string[] {
  const files = sourceFiles(SRC).map((f) => relative(SRC, f).split(sep).join('/'));
  const fileGraph = new Map<string, Set<string>>();
  const folderGraph = new Map<string, Set<string>>();
  const found: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    const fromLayer = LAYERS[from];
    if (fromLayer === undefined) found.push(`no layer for folder '${from}' (${file})`);
    const targets = importsOf(file);
    fileGraph.set(file, new Set(targets));
    for (const target of targets) {
      const to = folderOf(target);
      const toLayer = LAYERS[to];
      if (to !== from) {
        if (!folderGraph.has(from)) folderGraph.set(from, new Set());
        folderGraph.get(from)!.add(to);
      }
      if (from === 'cli' && to !== 'cli' && !CLI_MAY_IMPORT.has(target))
        found.push(`cli imports an internal module: ${file} → ${target}`);
      if (fromLayer !== undefined && toLayer !== undefined && toLayer > fromLayer)
        found.push(`import up the layers: ${file} (${from}, ${fromLayer}) → ${target} (${to}, ${toLayer})`);
    }
  }
  for (const c of circles(fileGraph)) found.push(`file circle: ${[...c, c[0]].join(' → ')}`);
  for (const c of circles(folderGraph)) found.push(`folder circle: ${[...c, c[0]].join(' → ')}`);
  return found;
}

describe('source layers', () => {
  const found = problems();

  it('no import runs up the layers, no circle, src/cli through the public entry only', () => {
    expect(found).toEqual([]);
  });

  it('the CLI sets the V8 flags before any other module of the library loads', () => {
    // ES modules load a whole static graph before they evaluate any of it, and then
    // evaluate it depth-first in import order: main.ts's first import must run first and
    // reach nothing but node:v8, and the library must come in by dynamic import only
    // (src/v8-flags.ts says why).
    const main = readFileSync(join(SRC, 'cli/main.ts'), 'utf8');
    const staticImports = [...main.matchAll(/^import\s[^;]*?'([^']+)';/gm)].map((m) => m[1]);
    expect(staticImports).toEqual(['./early.js', './io.js', './io.js']);
    expect(importsOf('cli/io.ts')).toEqual([]);
    expect(importsOf('cli/early.ts')).toEqual(['v8-flags.ts']);
    expect(readFileSync(join(SRC, 'v8-flags.ts'), 'utf8').match(/\bfrom\s+'[^']+'/g)).toEqual([
      "from 'node:v8'",
    ]);
  });

  it('the scanner sees imports: src/run/run.ts reaches prepare.ts, src/cli/run.ts the entry', () => {
    expect(importsOf('run/run.ts')).toContain('run/prepare.ts');
    expect(importsOf('cli/run.ts')).toContain('index.ts');
  });
});
