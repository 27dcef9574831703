/**
 * Runs a child-process allocation probe (`test/helpers/*-alloc-probe.ts` style) the way every
 * allocation gate does: `node --expose-gc --no-memory-reducer --import tsx <script> …args`,
 * from the repository root, and returns its last output line parsed as JSON.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The probe's last JSON line; `script` is relative to the repository root. */
export function runAllocProbe<T>(script: string, args: readonly string[], timeoutMs = 60_000): T {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--no-memory-reducer', '--import', 'tsx', script, ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
