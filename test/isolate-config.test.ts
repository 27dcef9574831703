/**
 * Config of isolated tasks: `isolate` and `isolateGrace` are validated with exact messages
 * and resolved to `ResolvedTask.isolation` (absent when not isolated); `killed` is an
 * alarm kind `alarms.fatal` accepts.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/load.js';
import { defaultIsolateGraceNs } from '../src/config/schema.js';
import { HardtickError } from '../src/errors.js';
import { ALARM_KINDS, KIND_KILLED } from '../src/runtime/index.js';

type Json = Record<string, unknown>;

const task = (overrides: Json = {}): Json => ({
  name: 'plan',
  period: '10ms',
  budget: '2ms',
  run: './tasks.mjs#plan',
  ...overrides,
});

const resolve = (tasks: Json[], extra: Json = {}) =>
  resolveConfig({ name: 'iso', tasks, ...extra }, { file: 'hardtick.json', baseDir: '/project' });

function problems(tasks: Json[], extra: Json = {}): readonly string[] {
  try {
    resolve(tasks, extra);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return (error as HardtickError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('isolate / isolateGrace in the config', () => {
  it('resolves isolate: true with an explicit grace in ns', () => {
    const config = resolve([task({ isolate: true, isolateGrace: '750us' })]);
    expect(config.tasks[0]?.isolation).toEqual({ graceNs: 750_000 });
  });

  it('defaults the grace to half the budget, at least 100 µs', () => {
    expect(resolve([task({ isolate: true })]).tasks[0]?.isolation).toEqual({ graceNs: 1_000_000 });
    expect(resolve([task({ isolate: true, budget: '120us' })]).tasks[0]?.isolation).toEqual({
      graceNs: 100_000,
    });
    expect(defaultIsolateGraceNs(3_000_001)).toBe(1_500_001);
    expect(defaultIsolateGraceNs(1)).toBe(100_000);
  });

  it('accepts a zero grace (kill at the budget)', () => {
    expect(resolve([task({ isolate: true, isolateGrace: 0 })]).tasks[0]?.isolation).toEqual({ graceNs: 0 });
  });

  it('leaves non-isolated tasks without an isolation field (isolate absent or false)', () => {
    const config = resolve([task(), task({ name: 'b', isolate: false })]);
    expect('isolation' in config.tasks[0]!).toBe(false);
    expect('isolation' in config.tasks[1]!).toBe(false);
  });

  it('rejects a non-boolean isolate', () => {
    expect(problems([task({ isolate: 'yes' })])).toEqual([
      'tasks[0].isolate: expected true or false, got "yes"',
    ]);
  });

  it('rejects a bad isolateGrace with the duration message', () => {
    expect(problems([task({ isolate: true, isolateGrace: '-1ms' })])).toEqual([
      'tasks[0].isolateGrace: expected a non-negative duration like "0ms" or "2ms", got "-1ms"',
    ]);
  });

  it('rejects isolateGrace without isolate: true', () => {
    expect(problems([task({ isolateGrace: '1ms' })])).toEqual([
      'tasks[0].isolateGrace: only used when "isolate" is true; set "isolate": true or remove it',
    ]);
    expect(problems([task({ isolate: false, isolateGrace: '1ms' })])).toEqual([
      'tasks[0].isolateGrace: only used when "isolate" is true; set "isolate": true or remove it',
    ]);
  });

  it('suggests isolate for a misspelt key', () => {
    expect(problems([task({ isolated: true })])[0]).toMatch(/^tasks\[0\]: unknown key "isolated".*"isolate"/);
  });

  it('checks isolate in further modes too', () => {
    expect(problems([task()], { modes: { safe: { tasks: [task({ isolateGrace: 2 })] } } })).toEqual([
      'modes.safe.tasks[0].isolateGrace: only used when "isolate" is true; set "isolate": true or remove it',
    ]);
  });

  it('has the alarm kind "killed" (id 9), accepted in alarms.fatal', () => {
    expect(ALARM_KINDS[KIND_KILLED]).toBe('killed');
    expect(resolve([task()], { alarms: { fatal: ['killed'] } }).alarms.fatal).toEqual(['killed']);
  });
});
