/**
 * Every hostile input named in issue 18 (test/fuzz/corpus.ts), as a regression case: each
 * ends within a few seconds with its exact exit code and message. Before the fixes these
 * crashed (exit 70 with a stack trace, or V8 aborting), ran for tens of seconds and
 * gigabytes, or were silently accepted. Cases that need a real process (pipes, `run`)
 * spawn the built CLI; the rest run in-process through `main`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { type HostileCase, hostileCases, writeCase } from './fuzz/corpus.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'hardtick-hostile-'));

/** Generous: the slowest case takes well under a second here, the bound is 5 s. */
const BOUND_MS = 5000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function inProcess(argv: string[]): Promise<Outcome> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs the built CLI; with `head`, reads 100 bytes of stdout and closes the pipe, like `| head -c 100`. */
function child(argv: string[], head: boolean): Promise<Outcome> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (head && stdout.length >= 100) p.stdout.destroy();
    });
    p.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    p.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function check(c: HostileCase, outcome: Outcome): void {
  expect({ code: outcome.code, stderr: outcome.stderr.slice(0, 2000) }).toMatchObject({
    code: c.expect.exit,
  });
  for (const text of c.expect.stderr ?? []) expect(outcome.stderr).toContain(text);
  for (const text of c.expect.stdout ?? []) expect(outcome.stdout).toContain(text);
  expect(outcome.stderr).not.toContain('internal error');
  expect(outcome.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
}

describe('issue 18 hostile inputs end cleanly, quickly, with their message', () => {
  for (const c of hostileCases()) {
    it(`${c.id}: ${c.why}`, async () => {
      const dir = join(root, c.id);
      const argv = writeCase(c, dir);
      const started = performance.now();
      const outcome =
        c.childOnly === true ? await child(argv, c.id.includes('epipe')) : await inProcess(argv);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      check(c, outcome);
      rmSync(dir, { recursive: true, force: true });
    });
  }
});

describe('outputs named in issue 18', () => {
  it('report -o onto its own input leaves the input untouched', async () => {
    const c = hostileCases().find((x) => x.id === 'report-o-own-input')!;
    const dir = join(root, 'untouched');
    const argv = writeCase(c, dir);
    const before = readFileSync(join(dir, 'r.json'), 'utf8');
    const outcome = await inProcess(argv);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      `hardtick report: cannot write ${join(dir, 'r.json')}: ${join(dir, 'r.json')} is the run report being read; refusing to overwrite it (write the output to another file)\n`,
    );
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe(before);
  });

  it('run refuses a module outside the project before importing it: the module never ran', async () => {
    const c = hostileCases().find((x) => x.id === 'run-trust-parent')!;
    const dir = join(root, 'run-untouched');
    const argv = writeCase(c, dir);
    const outcome = await child(argv, false);
    expect(outcome.code).toBe(2);
    expect(existsSync(join(dir, 'outside', 'ran'))).toBe(false);
  });
});
