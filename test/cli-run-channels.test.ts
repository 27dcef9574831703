import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { runCommand } from '../src/cli/run.js';

const CONFIG = 'examples/channels/hardtick.json';
const CONSUMER = 'examples/channels/consumer.mjs';

describe('hardtick run --channels', () => {
  for (const thread of ['worker', 'main'] as const) {
    it(`delivers the task channel's records to the --channels module's handler (${thread} thread)`, async () => {
      const io = captureIo();
      const code = await runCommand(
        [
          CONFIG,
          '--thread',
          thread,
          '--duration',
          '1500ms',
          '--warmup',
          '100ms',
          '--quiet',
          '--channels',
          CONSUMER,
        ],
        io,
      );
      expect(io.stderr).not.toContain('channel handler failed');
      expect(code).toBe(0);
      // consumer.mjs prints a running mean every 1000 samples; the task streams 1 per ms.
      expect(io.stdout).toMatch(/^t=\d+\.\ds samples=1000 mean\(filtered\)=\d\.\d{4} .* lost=0 gaps=0$/m);
      const summary = /channel 'samples' \(to-main\): (\d+) record\(s\), (\d+) lost/.exec(io.stdout);
      expect(summary, io.stdout).not.toBeNull();
      expect(Number(summary![1])).toBeGreaterThanOrEqual(1000);
      expect(Number(summary![2])).toBe(0);
    });
  }

  it('exits 2 naming the module and its exports when setupChannels is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardtick-channels-'));
    const file = join(dir, 'no-setup.mjs');
    writeFileSync(file, 'export const other = 1;\n');
    const io = captureIo();
    const code = await runCommand([CONFIG, '--duration', '100ms', '--quiet', '--channels', file], io);
    expect(code).toBe(2);
    expect(io.stderr).toContain(
      `--channels ${file}: expected the module to export a function setupChannels(hub, print), found no such export (exports: other)`,
    );
  });

  it('exits 2 when the --channels module cannot be loaded', async () => {
    const io = captureIo();
    const code = await runCommand(
      [CONFIG, '--duration', '100ms', '--quiet', '--channels', 'no/such/consumer.mjs'],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr).toContain('--channels no/such/consumer.mjs: cannot load ');
  });
});
