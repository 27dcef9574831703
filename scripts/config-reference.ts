/**
 * The README's config reference, generated: `npm run docs:config` rewrites the table between
 * the markers in README.md; `--check` exits 1 when README.md is out of date (the test does the same).
 * The table is passed through biome's Markdown formatter so `npm run lint` accepts it as written.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configReferenceMarkdown, REFERENCE_END, REFERENCE_START } from '../src/config/reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = `${root}README.md`;

/** The generated table, formatted as biome formats Markdown. */
export function formattedReference(): string {
  return execFileSync(`${root}node_modules/.bin/biome`, ['format', '--stdin-file-path=README.md'], {
    input: configReferenceMarkdown(),
    encoding: 'utf8',
  });
}

/** README.md with the region between the markers replaced by `table`. */
export function readmeWithReference(readme: string, table: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(
      `README.md: the markers ${REFERENCE_START} … ${REFERENCE_END} are missing or out of order`,
    );
  }
  return `${readme.slice(0, start + REFERENCE_START.length)}\n\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = readFileSync(readmePath, 'utf8');
  const next = readmeWithReference(readme, formattedReference());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md: the config reference is out of date; run `npm run docs:config`\n');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(readmePath, next);
    process.stdout.write('README.md: config reference updated\n');
  }
}
