/**
 * hardtick's own version, from its package.json: the same file whether this module runs
 * from `src/` (tests, tsx) or from `dist/` (the built package), both one level below the
 * package root. Read once, on first use.
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The `version` field of hardtick's package.json, or `unknown` when it cannot be read. */
export function packageVersion(): string {
  if (version !== undefined) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}
