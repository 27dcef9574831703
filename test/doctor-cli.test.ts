/**
 * `hardtick doctor` as users run it (`node dist/cli/main.js doctor`), in child processes
 * (the doctor really calls mlockall and SCHED_FIFO; the test runner's own process must
 * not be touched). Refusals are created for real: an unprivileged user (`setpriv` to
 * nobody when the tests run as root) with RLIMIT_RTPRIO 0 and RLIMIT_MEMLOCK 64 KiB
 * (`prlimit`), and a config asking for a CPU that does not exist.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_CHECK_IDS, type DoctorCheck, type DoctorReport } from '../src/doctor/index.js';
import { requires } from './helpers/requirements.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const isRoot = process.getuid?.() === 0;
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const canDropPrivileges = (!isRoot || has('setpriv')) && has('prlimit');
/** The user the unprivileged runs run as (fix texts name it). */
const UNPRIVILEGED_USER = isRoot ? 'nobody' : os.userInfo().username;

// Readable by nobody: a world-readable folder and files.
const dir = mkdtempSync(join(os.tmpdir(), 'hardtick-doctor-'));
chmodSync(dir, 0o755);
function writeConfig(name: string, realtime: Record<string, unknown>): string {
  const file = join(dir, name);
  const tasks = [{ name: 'control', period: '1ms', budget: '200us', run: './tasks.mjs#control' }];
  writeFileSync(file, JSON.stringify({ name, tasks, realtime }), { mode: 0o644 });
  return file;
}
const asksEverything = writeConfig('asks.json', { priority: 99, lockMemory: true, cpuDmaLatency: 0 });
const noSuchCpu = writeConfig('cpu.json', { cpu: 1023 });

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function doctor(args: readonly string[], unprivileged = false): Result {
  const command = [process.execPath, CLI, 'doctor', ...args];
  const wrapped = unprivileged
    ? [
        ...(isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : []),
        'prlimit',
        '--rtprio=0',
        '--memlock=65536',
        '--',
        ...command,
      ]
    : command;
  const r = spawnSync(wrapped[0]!, wrapped.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(r: Result): DoctorReport {
  return JSON.parse(r.stdout) as DoctorReport;
}

function find(report: DoctorReport, id: DoctorCheck['id']): DoctorCheck {
  const c = report.checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id}`);
  return c;
}

const limitsFix = (item: string, value: string, unit: string): string =>
  `echo '${UNPRIVILEGED_USER} - ${item} ${value}' | sudo tee -a /etc/security/limits.d/90-hardtick.conf, then log in again (a systemd service: ${unit})`;

describe('hardtick doctor --json on this machine', () => {
  let r: Result;
  let report: DoctorReport;
  beforeAll(() => {
    r = doctor(['--json']);
    report = json(r);
  });

  it('prints the contract: schema, every check with id/status/found/why/fix, counts; exit 0 without a config', () => {
    expect(r.stderr).toBe('');
    expect(Object.keys(report)).toEqual(['schema', 'mode', 'config', 'counts', 'checks', 'tookMs']);
    expect(report.schema).toBe('hardtick.doctor/v1');
    expect(report.mode).toBe('full');
    expect(report.config).toBeNull();
    expect(report.checks.map((c) => c.id)).toEqual([...DOCTOR_CHECK_IDS]);
    expect(report.checks.length).toBeGreaterThanOrEqual(8);
    for (const c of report.checks) {
      expect(Object.keys(c), c.id).toEqual(['id', 'status', 'found', 'why', 'fix']);
      expect(['pass', 'warn', 'fail'], c.id).toContain(c.status);
      expect(c.found.length, c.id).toBeGreaterThan(0);
      expect(c.why.length, c.id).toBeGreaterThan(40);
      if (c.status === 'pass') expect(c.fix, c.id).toBeNull();
      else expect(typeof c.fix === 'string' && c.fix.length > 10, `${c.id}: ${c.fix}`).toBe(true);
    }
    const count = (s: string) => report.checks.filter((c) => c.status === s).length;
    expect(report.counts).toEqual({ pass: count('pass'), warn: count('warn'), fail: count('fail') });
    // Without a config only an unsupported Node fails, and this Node is supported.
    expect(report.counts.fail).toBe(0);
    expect(r.code).toBe(0);
  });

  it('as root: SCHED_FIFO and mlockall are granted, and undone', requires('root'), () => {
    expect(find(report, 'rt-priority')).toMatchObject({
      status: 'pass',
      found: 'SCHED_FIFO 80 granted on a trial thread (then restored)',
      fix: null,
    });
    expect(find(report, 'memory-lock').status).toBe('pass');
    expect(find(report, 'memory-lock').found).toMatch(
      /^mlockall granted in \d+ ms \(VmLck \d+ MB\), then munlockall$/,
    );
  });
});

describe.runIf(canDropPrivileges)(`hardtick doctor as an unprivileged user (${UNPRIVILEGED_USER})`, () => {
  it('a config asking for priority 99 and mlockall fails with exit 1 and the limits to raise', () => {
    const r = doctor([asksEverything, '--json'], true);
    const report = json(r);
    expect(r.code).toBe(1);
    expect(report.config).toBe(asksEverything);
    expect(find(report, 'rt-priority')).toEqual({
      id: 'rt-priority',
      status: 'fail',
      found: 'SCHED_FIFO 99 refused: EPERM: Operation not permitted (RLIMIT_RTPRIO 0, no CAP_SYS_NICE)',
      why: expect.stringContaining('SCHED_FIFO'),
      fix: limitsFix('rtprio', '99', 'LimitRTPRIO=99'),
    });
    expect(find(report, 'rlimit-rtprio')).toMatchObject({
      status: 'fail',
      found: 'soft 0, hard 0, no CAP_SYS_NICE: SCHED_FIFO 99 is not allowed',
      fix: limitsFix('rtprio', '99', 'LimitRTPRIO=99'),
    });
    expect(find(report, 'memory-lock')).toMatchObject({
      status: 'fail',
      found: 'refused: mlockall: ENOMEM: Cannot allocate memory (RLIMIT_MEMLOCK 64 KiB, no CAP_IPC_LOCK)',
      fix: limitsFix('memlock', 'unlimited', 'LimitMEMLOCK=infinity'),
    });
    expect(find(report, 'rlimit-memlock')).toMatchObject({
      status: 'fail',
      found:
        'soft 64 KiB, hard 64 KiB, no CAP_IPC_LOCK: too small to lock a Node process (hundreds of MB mapped)',
      fix: limitsFix('memlock', 'unlimited', 'LimitMEMLOCK=infinity'),
    });
  });

  it.runIf(existsSync('/dev/cpu_dma_latency'))(
    'the root-only /dev/cpu_dma_latency the config holds fails, with the chown that fixes it',
    requires('root'),
    () => {
      const report = json(doctor([asksEverything, '--json'], true));
      expect(find(report, 'cpu-dma-latency')).toMatchObject({
        status: 'fail',
        found: 'refused: cannot open /dev/cpu_dma_latency: EACCES (permission denied)',
        fix: `sudo chown nobody /dev/cpu_dma_latency (until reboot; to keep it: echo 'KERNEL=="cpu_dma_latency", OWNER="nobody"' | sudo tee /etc/udev/rules.d/90-hardtick.rules)`,
      });
    },
  );

  it('without a config the same refusals only warn, and the exit code is 0', () => {
    const r = doctor(['--json'], true);
    const report = json(r);
    expect(r.code).toBe(0);
    expect(find(report, 'rt-priority')).toMatchObject({
      status: 'warn',
      found: 'SCHED_FIFO 80 refused: EPERM: Operation not permitted (RLIMIT_RTPRIO 0, no CAP_SYS_NICE)',
      fix: limitsFix('rtprio', '99', 'LimitRTPRIO=99'),
    });
    expect(find(report, 'memory-lock').status).toBe('warn');
  });
});

describe('hardtick doctor with a config asking for a CPU that does not exist', () => {
  it('fails cpu-affinity with what the kernel answered and the CPUs to pick from', () => {
    const r = doctor([noSuchCpu, '--json']);
    const report = json(r);
    const online = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
    const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    expect(r.code).toBe(1);
    expect(find(report, 'cpu-affinity')).toMatchObject({
      status: 'fail',
      found: `CPU 1023 refused: EINVAL: Invalid argument (online: ${online}, allowed here: ${allowed})`,
      fix: `set "cpu" in the config's "realtime" section to one of ${allowed}`,
    });
  });
});

describe('hardtick doctor: human output and bad input', () => {
  it('one aligned line per check, status first, then each fix under its warning or failure', () => {
    const r = doctor([noSuchCpu]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^hardtick doctor ${noSuchCpu}: \\d+ pass, \\d+ warn, [1-9]\\d* fail \\(\\d+ ms\\)$`),
    );
    expect(lines[2]).toMatch(/^status {2}check {2,}found$/);
    const rows = lines.slice(4, 4 + DOCTOR_CHECK_IDS.length);
    expect(rows.map((l) => l.split(/\s+/)[1])).toEqual([...DOCTOR_CHECK_IDS]);
    // Aligned: every row's check and finding start in the header's columns.
    const checkColumn = lines[2]!.indexOf('check');
    const foundColumn = lines[2]!.indexOf('found');
    for (const row of rows) {
      expect(row).toMatch(/^(pass|warn|fail) {2,}\S+ {2,}\S/);
      expect(row.slice(checkColumn - 2, checkColumn + 1), row).toMatch(/^ {2}\S$/);
      expect(row.slice(foundColumn - 2, foundColumn + 1), row).toMatch(/^ {2}\S$/);
    }
    const open = rows.filter((l) => !l.startsWith('pass')).length;
    expect(r.stdout).toContain('\nFixes:\n');
    expect(r.stdout.split('\n  fix: ')).toHaveLength(open + 1);
    expect(r.stdout).toContain(`\nfail cpu-affinity: `);
  });

  it('--help prints the usage with exit 0, and the command table lists doctor', () => {
    const help = doctor(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hardtick doctor \[config\] \[--json\]\n/);
    const usage = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(usage.stdout).toContain(
      '\n  doctor [config] [--json]                      what on this machine stands between it and\n',
    );
  });

  it('exit 2 with a message on an unknown flag, two configs, a missing or an invalid config', () => {
    const flag = doctor(['--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      "hardtick doctor: unknown option --bogus; the options are --json, --help\nRun 'hardtick doctor --help' for the options.\n",
    );
    const typo = doctor(['--jsn']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "hardtick doctor: unknown option --jsn (did you mean --json?)\nRun 'hardtick doctor --help' for the options.\n",
    );
    const twice = doctor(['--json', '--json']);
    expect(twice.code).toBe(2);
    expect(twice.stderr.startsWith('hardtick doctor: --json given twice; give it once\n')).toBe(true);
    const two = doctor([noSuchCpu, asksEverything]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^hardtick doctor: expected at most one config file, got 2\n/);
    const missing = doctor([join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `hardtick doctor: cannot read config file ${join(dir, 'nope.json')}: no such file or directory (ENOENT)\n`,
    );
    const invalid = writeConfig('invalid.json', { priority: 100 });
    const bad = doctor([invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `hardtick doctor: ${invalid}: 1 problem in config\n  realtime.priority: expected an integer from 1 to 99, got 100\n`,
    );
    expect(bad.stdout).toBe('');
  });
});
