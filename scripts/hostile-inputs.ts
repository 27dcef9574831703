/**
 * Writes the hostile inputs of issue 18 (test/fuzz/corpus.ts) to a folder and times each
 * as a real `hardtick` run: exit code, wall time, peak RSS and the first line it printed
 * on stderr. A run past 30 s or 3 GB is killed (and shown as such), so the script is safe
 * to run against an older build that still blows up.
 *
 *   npx tsx scripts/hostile-inputs.ts [--out DIR] [--only ID-SUBSTRING] [--cli dist/cli/main.js]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hostileCases, writeCase } from '../test/fuzz/corpus.js';

const LIMIT_MS = 30_000;
const LIMIT_KB = 3 * 1024 * 1024;

interface Measured {
  readonly exit: string;
  readonly seconds: number;
  readonly peakMb: number;
  readonly stderr: string;
}

/** Peak RSS (VmHWM, kB) of a process, 0 when it is gone. */
function peakKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/** Runs `node cli ...argv`; a pipe case reads only 100 bytes of stdout, like `| head -c 100`. */
function measure(cli: string, argv: readonly string[], headOnly: boolean): Promise<Measured> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, cli, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdoutBytes = 0;
    let killed = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (headOnly && stdoutBytes >= 100) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 100_000) stderr += chunk.toString('utf8');
    });
    let peak = 0;
    const poll = setInterval(() => {
      let kids: number[] = [];
      try {
        kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter((s) => s !== '')
          .map(Number);
      } catch {}
      for (const pid of kids) peak = Math.max(peak, peakKb(pid));
      const ms = performance.now() - started;
      if (killed === '' && (ms > LIMIT_MS || peak > LIMIT_KB)) {
        killed = ms > LIMIT_MS ? `killed at ${LIMIT_MS / 1000} s` : `killed at ${LIMIT_KB / 1024 / 1024} GB`;
        for (const pid of kids) process.kill(pid, 'SIGKILL');
      }
    }, 50);
    child.on('close', (code) => {
      clearInterval(poll);
      const time = /TIME ([\d.]+) (\d+)\s*$/.exec(stderr);
      const text = stderr.replace(/TIME [\d.]+ \d+\s*$/, '').replace(/Command (exited|terminated).*\n/g, '');
      const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
      done({
        exit: killed !== '' ? killed : String(time === null ? code : code),
        seconds: time === null ? (performance.now() - started) / 1000 : Number(time[1]),
        peakMb: Math.max(peak, time === null ? 0 : Number(time[2])) / 1024,
        stderr: firstLine.length > 140 ? `${firstLine.slice(0, 140)}…` : firstLine,
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, only: { type: 'string' }, cli: { type: 'string' } },
  });
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'hardtick-hostile-'));
  const cli = resolve(values.cli ?? 'dist/cli/main.js');
  console.log(`cases in ${out}; cli ${cli}; limits ${LIMIT_MS / 1000} s, ${LIMIT_KB / 1024 / 1024} GB`);
  console.log('| case | exit | s | peak MB | stderr (first line) |\n|---|---|---|---|---|');
  for (const c of hostileCases()) {
    if (values.only !== undefined && !c.id.includes(values.only)) continue;
    const argv = writeCase(c, join(out, c.id));
    const m = await measure(cli, argv, c.id.includes('epipe'));
    console.log(
      `| ${c.id} | ${m.exit} | ${m.seconds.toFixed(2)} | ${m.peakMb.toFixed(0)} | ${m.stderr.replaceAll('|', '\\|')} |`,
    );
  }
}

await main();
