import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

  it("drains a channel that fills faster than the host's timed poll, when the loop rings (worker thread)", async () => {
    // 128 records of room, one record a 1 ms frame: the host's timer (every 250 ms) alone
    // would find the ring full and ~120 records lost each time. The loop rings the doorbell
    // once the ring is half full (it looks every 10 ms, and at the end of each drive), and
    // the host drains then: it has ~64 ms to answer. (The warm-up's compressed frames push
    // faster than any drain: what it loses is not counted.)
    const dir = mkdtempSync(join(tmpdir(), 'hardtick-bell-'));
    const worker = pathToFileURL(join(process.cwd(), 'dist/worker/index.js')).href;
    writeFileSync(
      join(dir, 'tasks.mjs'),
      `import { openChannel } from ${JSON.stringify(worker)};\n` +
        "const out = openChannel('small', { recordSize: 1, capacity: 128, direction: 'to-main' });\n" +
        'const rec = new Float64Array(1);\n' +
        'export function push(ctx) { rec[0] = ctx.frameIndex; out.tryPush(rec, 0); }\n',
    );
    // The measured run's records: its frame index restarts at 0 after the warm-up's.
    writeFileSync(
      join(dir, 'consumer.mjs'),
      [
        'const seen = { records: 0, lostBefore: 0, lost: 0 };',
        'globalThis.hardtickBellTest = seen;',
        'let prev = -1;',
        'export function setupChannels(hub) {',
        "  hub.on('small', (r) => {",
        "    if (r[0] < prev) { seen.records = 0; seen.lostBefore = hub.lost('small'); }",
        '    prev = r[0];',
        '    seen.records++;',
        "    seen.lost = hub.lost('small') - seen.lostBefore;",
        '  });',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'hardtick.json'),
      JSON.stringify({
        name: 'doorbell',
        tasks: [{ name: 'push', period: '1ms', budget: '200us', run: './tasks.mjs#push' }],
        alarms: { fatal: ['task-error'] },
      }),
    );
    const reportFile = join(dir, 'run.json');
    const io = captureIo();
    const code = await runCommand(
      [
        join(dir, 'hardtick.json'),
        '--duration',
        '1500ms',
        '--warmup',
        '100ms',
        '--quiet',
        '--allow-outside-project',
        '--report',
        reportFile,
        '--channels',
        join(dir, 'consumer.mjs'),
      ],
      io,
    );
    expect(code, io.stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { tasks: { runs: number }[] };
    const seen = (globalThis as { hardtickBellTest?: { records: number; lost: number } }).hardtickBellTest;
    expect(seen).toEqual({ records: report.tasks[0]!.runs, lostBefore: expect.any(Number), lost: 0 });
    expect(seen!.records).toBeGreaterThan(1000);
  });

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
