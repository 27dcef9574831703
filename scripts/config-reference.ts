/**
 * The config reference in docs/config.md, generated: `npm run docs:config` rewrites the part
 * between the markers; `--check` exits 1 when docs/config.md is out of date (the test does the
 * same). The text above the start marker is written by hand and kept as it is. The reference
 * is passed through biome's Markdown formatter so `npm run lint` accepts it as written.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configReferenceMarkdown, REFERENCE_END, REFERENCE_START } from '../src/config/reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The page that holds the reference, relative to the repository root. */
export const CONFIG_PAGE = 'docs/config.md';

/** The generated reference, formatted as biome formats Markdown. */
export function formattedReference(): string {
  return execFileSync(`${root}node_modules/.bin/biome`, ['format', `--stdin-file-path=${CONFIG_PAGE}`], {
    input: configReferenceMarkdown(),
    encoding: 'utf8',
  });
}

/** `page` with the region between the markers replaced by `reference`. */
export function pageWithReference(page: string, reference: string): string {
  const start = page.indexOf(REFERENCE_START);
  const end = page.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(
      `${CONFIG_PAGE}: the markers ${REFERENCE_START} … ${REFERENCE_END} are missing or out of order`,
    );
  }
  return `${page.slice(0, start + REFERENCE_START.length)}\n\n${reference}\n${page.slice(end)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = `${root}${CONFIG_PAGE}`;
  const page = readFileSync(path, 'utf8');
  const next = pageWithReference(page, formattedReference());
  if (process.argv.includes('--check')) {
    if (next !== page) {
      process.stderr.write(
        `${CONFIG_PAGE}: the config reference is out of date; run \`npm run docs:config\`\n`,
      );
      process.exit(1);
    }
  } else if (next !== page) {
    writeFileSync(path, next);
    process.stdout.write(`${CONFIG_PAGE}: config reference updated\n`);
  }
}
