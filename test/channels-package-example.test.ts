/**
 * The `hardtick/worker` entry as users import it (package self-reference, compiled dist/)
 * and examples/channels end to end: a 1 kHz task streams filtered samples to the main
 * thread, which prints a running mean; nothing is lost.
 *
 * Needs a built dist/ (`npm install` builds it through the `prepare` script; after editing
 * src/ run `npm run build`): without it the first test fails and says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports?: Record<string, unknown>;
};
const built = existsSync(new URL('../dist/worker/index.js', import.meta.url));

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('hardtick/worker (package self-reference)', () => {
  it('is declared in package.json exports and built in dist/', () => {
    expect(pkg.exports?.['./worker']).toEqual({
      types: './dist/worker/index.d.ts',
      import: './dist/worker/index.js',
    });
    expect(built, 'dist/worker/index.js is missing: run `npm run build`').toBe(true);
  });

  it('exports openChannel, listChannels, attachChannel, ChannelHub, and Pool and Ring for tasks', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "const m = await import('hardtick/worker'); console.log(Object.keys(m).sort().join(','));",
    ]);
    expect(out.trim()).toBe('ChannelHub,Pool,Ring,attachChannel,listChannels,openChannel');
  });

  it('shares one registry between the dist copy (task module) and the src copy (runtime under tsx)', () => {
    const out = node([
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      [
        "const dist = await import('hardtick/worker');",
        "const src = await import('./src/worker/channels.ts');",
        "const ring = dist.openChannel('shared', { recordSize: 2, capacity: 8, direction: 'to-main' });",
        "const again = src.openChannel('shared', { recordSize: 2, capacity: 8, direction: 'to-main' });",
        'console.log(JSON.stringify({ distinct: dist.openChannel !== src.openChannel, same: ring === again,',
        '  listed: src.listChannels().map((d) => d.name) }));',
      ].join('\n'),
    ]);
    expect(JSON.parse(out.trim())).toEqual({ distinct: true, same: true, listed: ['shared'] });
  });

  it('examples/channels streams every sample to the main thread, whose running mean is ≈ 2', () => {
    const out = node(['examples/channels/run.mjs', '2']);
    const lines = out.trim().split('\n');
    const last = lines.at(-1)!;
    const m = /^done: (\d+) frames, (\d+) samples received, (\d+) lost, mean\(filtered\)=([\d.]+)$/.exec(
      last,
    );
    expect(m, out).not.toBeNull();
    const [, frames, received, lost, mean] = m!.map(Number) as [number, number, number, number, number];
    expect(received, out).toBe(frames);
    expect(frames, out).toBeGreaterThan(1000);
    expect(lost, out).toBe(0);
    // The mean of a 5 Hz sine around 2.0 over ≥ 1 s of samples (whole periods ± a fraction).
    expect(Math.abs(mean - 2), out).toBeLessThan(0.1);
    expect(lines[0], out).toMatch(/^t=1\.0s samples=1000 mean\(filtered\)=\d\.\d{4} .* lost=0 gaps=0$/);
  });
});
