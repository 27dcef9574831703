/**
 * Where `hardtick run` writes, and what it refuses before the run starts: the report is
 * written when stdout is a pipe closed early (`| head -1`: EPIPE ignored); `--report`
 * under /proc, into too many missing folders, or onto the config itself fails at once
 * (exit 2, the reason, no loop started); missing folders a few levels deep are created; a
 * `watchdog.failSafe` module that does not exist is a setup error in both thread modes.
 * The built CLI in child processes, a real shell pipe.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../src/report/run-report.js';
import { CLI, hardtick } from './helpers/cli.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

function okConfig(extra: Record<string, unknown> = {}): { dir: string; configFile: string } {
  return writeTinyConfig({
    config: { name: 'outputs', tasks: [taskEntry('tick', '5ms', '1ms')], alarms: { fatal: [] }, ...extra },
    tasks: ['const c = new Float64Array(1);', 'export function tick() { c[0]++; }'],
  });
}

const RUN = ['--duration', '300ms', '--warmup', '0', '--quiet'];

describe('hardtick run: outputs', () => {
  it('| head -1 (a real pipe closed after one line): the report is still written, exit 0', () => {
    const { dir, configFile } = okConfig();
    const reportFile = join(dir, 'piped.json');
    const command =
      `"${process.execPath}" "${CLI}" run "${configFile}" ${RUN.join(' ')} --report "${reportFile}" 2>"${dir}/err.txt" | head -1; ` +
      // $PIPESTATUS: the exit code of the first command of the pipe (hardtick's).
      'echo "exit $PIPESTATUS"';
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^hardtick run outputs: 1 mode\(s\), frame 5\.00ms, 300ms /);
    expect(lines[1]).toBe('exit 0');
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).not.toMatch(/EPIPE|Error/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    expect(report.stopReason).toBe('duration');
    expect(report.frames.count).toBeGreaterThan(20);
  });

  it('--report under /proc fails at once, before the loop starts', async () => {
    const { configFile } = okConfig();
    const started = performance.now();
    const r = await hardtick(['run', configFile, ...RUN, '--report', '/proc/x/y.json']);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.code, r.transcript).toBe(2);
    expect(r.stderr).toMatch(
      /^hardtick run: --report: cannot write \/proc\/x\/y\.json: cannot create the folder \/proc\/x \(E[A-Z]+: [^\n]*\)\n$/,
    );
    expect(r.stdout).toBe('');
  });

  it('--report into more missing folders than it creates fails at once; a few levels are created', async () => {
    const { dir, configFile } = okConfig();
    const deep = join(dir, 'a/b/c/d/e/f/g/h/i');
    const r = await hardtick(['run', configFile, ...RUN, '--report', join(deep, 'r.json')]);
    expect(r.code, r.transcript).toBe(2);
    expect(r.stderr).toBe(
      `hardtick run: --report: cannot write ${join(deep, 'r.json')}: more than 8 missing folders above it; create ${deep} first\n`,
    );
    expect(r.stdout).toBe('');
    const shallow = join(dir, 'x/y/z/r.json');
    const ok = await hardtick(['run', configFile, ...RUN, '--report', shallow]);
    expect(ok.code, ok.transcript).toBe(0);
    expect((JSON.parse(readFileSync(shallow, 'utf8')) as RunReport).schema).toBe('hardtick.run/v1');
  });

  it('--report naming the config itself is refused before the run; the config is untouched', async () => {
    const { configFile } = okConfig();
    const before = readFileSync(configFile, 'utf8');
    const r = await hardtick(['run', configFile, ...RUN, '--report', configFile]);
    expect(r.code, r.transcript).toBe(2);
    expect(r.stderr).toBe(
      `hardtick run: --report: cannot write ${configFile}: ${configFile} is the config; ` +
        'refusing to overwrite it (write the output to another file)\n',
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(configFile, 'utf8')).toBe(before);
  });

  it.each(['worker', 'main'])(
    'a watchdog.failSafe module that does not exist: setup error, exit 2 (%s)',
    async (thread) => {
      const { dir, configFile } = okConfig({ watchdog: { failSafe: './no-such-failsafe.mjs#safe' } });
      const reportFile = join(dir, 'r.json');
      const r = await hardtick(['run', configFile, ...RUN, '--thread', thread, '--report', reportFile]);
      expect(r.code, r.transcript).toBe(2);
      expect(r.stderr).toBe(
        `hardtick run: watchdog.failSafe: cannot load './no-such-failsafe.mjs#safe': module not found: ` +
          `${join(dir, 'no-such-failsafe.mjs')} (the path is resolved against the config file's folder)\n`,
      );
      expect(r.stdout).toBe('');
      expect(existsSync(reportFile)).toBe(false);
    },
  );
});
