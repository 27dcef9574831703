/**
 * The documentation points only at what the repository holds: every relative link in
 * README.md and docs/**.md resolves (the file, and the #anchor to one of its headings), and
 * no file in src/, test/, bench/, docs/, examples/, scripts/ or native/ cites a Markdown
 * file that does not exist, or names a repository path in a comment that does not exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'golden', '.git']);
/** Generated, not written: the API reference typedoc puts in docs/api (git ignores it). */
const GENERATED = new Set([join(ROOT, 'docs/api')]);
const TEXT = /\.(ts|mts|mjs|js|c|h|md|sh|yml|yaml)$/;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !GENERATED.has(path)) walk(path, out);
    } else if (TEXT.test(e.name)) out.push(path);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown file offers (headings outside code blocks; repeats get -1, -2 …). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m === null) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets of a Markdown file (inline and reference style), outside code. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      targets.push(m[1]!);
    const ref = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (ref !== null) targets.push(ref[1]!);
  }
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Why a link from `file` to `target` does not resolve, or null when it does. */
function brokenLink(file: string, target: string): string | null {
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
  if (!existsSync(path)) return `no such file ${relative(ROOT, path)}`;
  if (anchor === undefined || anchor === '') return null;
  if (!path.endsWith('.md') || statSync(path).isDirectory()) return null;
  return anchors(readFileSync(path, 'utf8')).has(anchor)
    ? null
    : `no heading #${anchor} in ${relative(ROOT, path)}`;
}

const SELF = fileURLToPath(import.meta.url);

/** A comment line of a source file, or a line of a Markdown file (code spans are dropped later). */
function isProse(file: string, line: string): boolean {
  return file.endsWith('.md') || /^\s*(\/\/|\/?\*|#)/.test(line);
}

const markdownDocs = [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))];
const cited = ['src', 'test', 'bench', 'docs', 'examples', 'scripts', 'native'].flatMap((d) =>
  walk(join(ROOT, d)),
);

describe('documentation links', () => {
  it('the slugger and link finder agree with GitHub on the cases the docs use', () => {
    expect(slug('CI: `hardtick check` and `hardtick report`')).toBe('ci-hardtick-check-and-hardtick-report');
    expect(slug('Leases and fencing (hot standby over etcd)')).toBe(
      'leases-and-fencing-hot-standby-over-etcd',
    );
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n### Tuning a machine (a Pi)\n')]).toEqual([
      'a',
      'a-1',
      'tuning-a-machine-a-pi',
    ]);
    expect(
      linkTargets('[x](docs/cli.md#run) ![i](img.png "t") [web](https://x.y) `[no](code.md)`\n[r]: ./a.md\n'),
    ).toEqual(['docs/cli.md#run', 'img.png', './a.md']);
  });

  it('every relative link in README.md and docs/ resolves, #anchors included', () => {
    const broken: string[] = [];
    for (const file of markdownDocs) {
      for (const target of linkTargets(readFileSync(file, 'utf8'))) {
        const why = brokenLink(file, target);
        if (why !== null) broken.push(`${relative(ROOT, file)}: (${target}) ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('citations', () => {
  it('no source, test, bench, doc or example cites a Markdown file the repository does not hold', () => {
    const broken: string[] = [];
    const md = /(?<![\w/.$-])((?:\.{1,2}\/)?[\w-][\w./-]*\.md)\b/g;
    for (const file of cited) {
      if (file === SELF) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        // A document named in prose or a comment; a DESIGN.md-style name anywhere (help text
        // too). A lower-case name in code is an output file (summary.md), not a citation.
        const prose = isProse(file, line) ? line.replace(/`[^`]*`/g, '') : '';
        const named = [...line.matchAll(md)].filter((m) =>
          /^[A-Z][A-Z0-9_-]*\.md$/.test(m[1]!.split('/').at(-1)!),
        );
        for (const m of [...prose.matchAll(md), ...named]) {
          const cite = m[1]!;
          if (existsSync(resolve(dirname(file), cite)) || existsSync(join(ROOT, cite))) continue;
          broken.push(`${relative(ROOT, file)}: ${cite}`);
        }
      }
    }
    expect([...new Set(broken)]).toEqual([]);
  });

  it('a repository path named in a comment exists (src/x.js may name src/x.ts)', () => {
    const broken: string[] = [];
    const path =
      /(?<![\w/.$-])((?:src|test|bench|docs|examples|scripts|native|schema)\/[\w./-]*\w\.(?:ts|mjs|js|c|json|md|sh|yml))\b/g;
    for (const file of cited) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (file === SELF || file.endsWith('.md') || !isProse(file, line)) continue;
        for (const m of line.matchAll(path)) {
          const cite = m[1]!;
          const candidates = [cite, cite.replace(/\.js$/, '.ts'), cite.replace(/^dist\//, 'src/')];
          if (candidates.some((c) => existsSync(join(ROOT, c)))) continue;
          broken.push(`${relative(ROOT, file)}: ${cite}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
