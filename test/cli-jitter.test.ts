import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { jitterCommand } from '../src/cli/jitter.js';
import { main } from '../src/cli/main.js';
import { requires } from './helpers/requirements.js';

describe('hardtick jitter', () => {
  it('--json prints the documented shape (plus extension keys) and exits 0', async () => {
    const io = captureIo();
    const code = await jitterCommand(
      ['--period', '1ms', '--duration', '200ms', '--waiter', 'hybrid', '--json'],
      io,
    );
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(io.stdout);
    expect(json.periodNs).toBe(1_000_000);
    expect(Number.isInteger(json.count)).toBe(true);
    expect(json.count + json.missedPeriods).toBe(200);
    expect(Object.keys(json.latenessNs)).toEqual(['min', 'p50', 'p99', 'p999', 'max']);
    const l = json.latenessNs;
    for (const v of Object.values(l)) expect(typeof v).toBe('number');
    expect(l.min).toBeGreaterThanOrEqual(0);
    expect(l.min <= l.p50 && l.p50 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max).toBe(true);
    expect(json.backend).toMatchObject({ clock: 'performance.now', waiter: 'hybrid', marginNs: 200_000 });
    expect(typeof json.backend.timerSlackApplied).toBe('boolean');
  });

  it('prints a human table with the backend and timer slack by default', async () => {
    const io = captureIo();
    const code = await jitterCommand(
      ['--period', '500us', '--duration', '100ms', '--margin', '100us', '--waiter', 'hybrid'],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/release lateness at a 500\.0 µs period: \d+ releases/);
    expect(io.stdout).toMatch(/lateness \(µs\)\s+min\s+p50\s+p99\s+p99\.9\s+max\s+mean/);
    expect(io.stdout).toContain('clock: performance.now');
    expect(io.stdout).toContain('waiter: hybrid (Atomics.wait, then spin the last 100.0 µs)');
    expect(io.stdout).toMatch(/timer slack: (lowered to 1 ns|not lowered \(.+\))/);
  });

  /** `jitter --json` with the default waiter, with HARDTICK_NATIVE set to `native` meanwhile. */
  async function autoBackend(native: string | undefined): Promise<Record<string, unknown>> {
    const saved = process.env.HARDTICK_NATIVE;
    if (native === undefined) delete process.env.HARDTICK_NATIVE;
    else process.env.HARDTICK_NATIVE = native;
    try {
      const io = captureIo();
      expect(await jitterCommand(['--period', '1ms', '--duration', '50ms', '--json'], io)).toBe(0);
      return JSON.parse(io.stdout).backend;
    } finally {
      if (saved === undefined) delete process.env.HARDTICK_NATIVE;
      else process.env.HARDTICK_NATIVE = saved;
    }
  }

  it(
    '--waiter auto (the default) uses the native pair when the addon loads',
    requires('native'),
    async () => {
      expect(await autoBackend(undefined)).toMatchObject({
        clock: 'native',
        waiter: 'native-abs',
        marginNs: 100_000,
      });
    },
  );

  it('--waiter auto falls back to performance.now + hybrid when the addon is off', async () => {
    expect(await autoBackend('0')).toMatchObject({
      clock: 'performance.now',
      waiter: 'hybrid',
      marginNs: 200_000,
    });
  });

  it('--waiter native fails with exit 2 and the reason when the addon is disabled', async () => {
    const saved = process.env.HARDTICK_NATIVE;
    process.env.HARDTICK_NATIVE = '0';
    try {
      const io = captureIo();
      expect(await jitterCommand(['--waiter', 'native', '--duration', '10ms'], io)).toBe(2);
      expect(io.stderr).toContain(
        '--waiter native: the native addon is not available (disabled by HARDTICK_NATIVE=0)',
      );
    } finally {
      if (saved === undefined) delete process.env.HARDTICK_NATIVE;
      else process.env.HARDTICK_NATIVE = saved;
    }
  });

  it('accepts --waiter sleep and a bare number of ms', async () => {
    const io = captureIo();
    expect(
      await jitterCommand(['--period', '2', '--duration', '20ms', '--waiter', 'sleep', '--json'], io),
    ).toBe(0);
    const json = JSON.parse(io.stdout);
    expect(json.periodNs).toBe(2_000_000);
    expect(json.backend.waiter).toBe('sleep');
  });

  it('--help prints the options and exits 0 (through the dispatcher too)', async () => {
    const io = captureIo();
    expect(await jitterCommand(['--help'], io)).toBe(0);
    expect(io.stdout).toContain(
      'Usage: hardtick jitter [--period 1ms] [--duration 10s] [--margin D] [--waiter auto]',
    );
    expect(io.stdout).toContain('--waiter W');
    const io2 = captureIo();
    expect(await main(['jitter', '-h'], io2)).toBe(0);
    expect(io2.stdout).toBe(io.stdout);
  });

  // Duration wording after "got …" comes from src/config/duration.ts (the config's parser,
  // shared so the CLI and config files agree): pin the prefix, which is the contract here.
  const BAD: Array<[string[], string]> = [
    [['--period', 'abc'], '--period: expected a positive duration like "5ms", got "abc"'],
    [['--period', '0ms'], '--period: expected a positive duration like "5ms", got "0ms"'],
    [['--duration', '5parsecs'], '--duration: expected a positive duration like "5ms", got "5parsecs"'],
    [['--margin=-1us'], '--margin: expected a non-negative duration like "0ms" or "2ms", got "-1us"'],
    [['--period', '10ms', '--duration', '5ms'], '--duration (5ms) must be at least one --period (10ms)'],
    [['--waiter', 'nap'], '--waiter: expected auto, native, hybrid, sleep or spin, got "nap"'],
    [['extra'], 'unexpected argument "extra" (jitter takes only options)'],
    [['--duration', '-5s'], '--duration: expected a positive duration like "5ms", got "-5s"'],
    [['--duration', '1s', '--duration', '2s'], '--duration given twice (1s, then 2s); give it once'],
    [['--durration', '2s'], 'unknown option --durration (did you mean --duration?)'],
    [['--json=yes'], '--json takes no value, got --json=yes'],
    [['--period'], '--period needs a value'],
  ];
  for (const [argv, message] of BAD) {
    it(`exits 2 with a clear message: ${argv.join(' ')}`, async () => {
      const io = captureIo();
      expect(await jitterCommand(argv, io)).toBe(2);
      expect(io.stdout).toBe('');
      expect(io.stderr.startsWith(`hardtick jitter: ${message}`), io.stderr).toBe(true);
      expect(io.stderr.endsWith("\nRun 'hardtick jitter --help' for the options.\n")).toBe(true);
    });
  }

  it('exits 2 on an unknown option, with a did-you-mean', async () => {
    const io = captureIo();
    expect(await jitterCommand(['--perod', '1ms'], io)).toBe(2);
    expect(io.stderr).toBe(
      "hardtick jitter: unknown option --perod (did you mean --period?)\nRun 'hardtick jitter --help' for the options.\n",
    );
  });
});
