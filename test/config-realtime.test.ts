import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

type Json = Record<string, unknown>;

const base = (realtime?: unknown): Json => ({
  name: 'rt',
  tasks: [{ name: 'a', period: '1ms', budget: '100us', run: './t.mjs#a' }],
  ...(realtime === undefined ? {} : { realtime }),
});

const resolve = (realtime?: unknown) => resolveConfig(base(realtime), { baseDir: '/project' }).realtime;

/** The problem lines of a rejected `realtime`. */
function problems(realtime: unknown): readonly string[] {
  try {
    resolveConfig(base(realtime), { file: 'hardtick.json', baseDir: '/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return (error as HardtickError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('config realtime: resolution', () => {
  it('requests only the timer slack (1 ns) when absent', () => {
    expect(resolve()).toEqual({
      priority: null,
      cpus: null,
      lockMemory: false,
      cpuDmaLatencyUs: null,
      timerSlackNs: 1,
      nice: null,
    });
    expect(resolve({})).toEqual(resolve());
  });

  it('resolves every key; cpu becomes a sorted list without duplicates', () => {
    expect(
      resolve({
        priority: 80,
        cpu: [3, 1, 3],
        lockMemory: true,
        cpuDmaLatency: 0,
        timerSlackNs: 1000,
        nice: -20,
      }),
    ).toEqual({
      priority: 80,
      cpus: [1, 3],
      lockMemory: true,
      cpuDmaLatencyUs: 0,
      timerSlackNs: 1000,
      nice: -20,
    });
    expect(resolve({ cpu: 1 }).cpus).toEqual([1]);
  });

  it('timerSlackNs: false leaves the slack alone (null = not requested)', () => {
    expect(resolve({ timerSlackNs: false }).timerSlackNs).toBeNull();
  });

  it('accepts the range ends', () => {
    expect(resolve({ priority: 1, nice: 19, cpu: 0 })).toMatchObject({ priority: 1, nice: 19, cpus: [0] });
    expect(resolve({ priority: 99, nice: -20, cpu: 1023, cpuDmaLatency: 2_000_000_000 })).toMatchObject({
      priority: 99,
      nice: -20,
      cpus: [1023],
      cpuDmaLatencyUs: 2_000_000_000,
    });
  });

  it('is frozen with the rest of the config', () => {
    const rt = resolve({ cpu: [1, 2] });
    expect(Object.isFrozen(rt)).toBe(true);
    expect(Object.isFrozen(rt.cpus)).toBe(true);
  });
});

describe('config realtime: errors name the path and the expectation', () => {
  it.each([
    [{ priority: 0 }, 'realtime.priority: expected an integer from 1 to 99, got 0'],
    [{ priority: 100 }, 'realtime.priority: expected an integer from 1 to 99, got 100'],
    [{ priority: 1.5 }, 'realtime.priority: expected an integer from 1 to 99, got 1.5'],
    [{ priority: '80' }, 'realtime.priority: expected an integer from 1 to 99, got "80"'],
    [{ nice: -21 }, 'realtime.nice: expected an integer from -20 to 19, got -21'],
    [{ nice: 20 }, 'realtime.nice: expected an integer from -20 to 19, got 20'],
    [{ cpuDmaLatency: -1 }, 'realtime.cpuDmaLatency: expected an integer from 0 to 2000000000, got -1'],
    [{ cpuDmaLatency: 0.5 }, 'realtime.cpuDmaLatency: expected an integer from 0 to 2000000000, got 0.5'],
    [{ timerSlackNs: 0 }, 'realtime.timerSlackNs: expected an integer from 1 to 1000000000, got 0'],
    [
      { timerSlackNs: true },
      'realtime.timerSlackNs: expected an integer from 1 to 1000000000 (ns), or false to leave the kernel default, got true',
    ],
    [{ lockMemory: 'yes' }, 'realtime.lockMemory: expected true or false, got "yes"'],
    [{ cpu: -1 }, 'realtime.cpu: expected an integer from 0 to 1023, got -1'],
    [{ cpu: 1024 }, 'realtime.cpu: expected an integer from 0 to 1023, got 1024'],
    [{ cpu: [1, -1] }, 'realtime.cpu[1]: expected an integer from 0 to 1023, got -1'],
    [{ cpu: [1, 'x'] }, 'realtime.cpu[1]: expected an integer from 0 to 1023, got "x"'],
    [{ cpu: [] }, 'realtime.cpu: expected at least one CPU number, e.g. [1]'],
    [
      { cpu: '1' },
      'realtime.cpu: expected a CPU number (an integer from 0 to 1023) or a non-empty list of them like [1, 3], got "1"',
    ],
    [{ prioriy: 80 }, 'realtime: unknown key "prioriy" (did you mean "priority"?)'],
    ['fast', 'realtime: expected an object, got "fast"'],
  ])('%j → %s', (realtime, message) => {
    expect(problems(realtime)).toEqual([message]);
  });

  it('lists every bad key at once', () => {
    expect(problems({ priority: 0, nice: 99 })).toEqual([
      'realtime.priority: expected an integer from 1 to 99, got 0',
      'realtime.nice: expected an integer from -20 to 19, got 99',
    ]);
  });
});
