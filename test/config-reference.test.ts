import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formattedReference, readmeWithReference } from '../scripts/config-reference.js';
import { configReferenceRows } from '../src/config/reference.js';

describe('config reference (README, generated from the schema)', () => {
  it('documents every key of the config schema', () => {
    const rows = configReferenceRows();
    expect(rows.filter((r) => r.description === '').map((r) => r.key)).toEqual([]);
    const keys = rows.map((r) => r.key);
    for (const key of [
      'name',
      'tasks[].budget',
      'tasks[].overrun.action',
      'alarms.pauseThreshold',
      'watchdog.grace',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('renders durations, unions and defaults readably', () => {
    const byKey = new Map(configReferenceRows().map((r) => [r.key, r]));
    expect(byKey.get('tasks[].period')).toMatchObject({ type: 'duration', defaultValue: 'required' });
    expect(byKey.get('frame')).toMatchObject({ type: '"auto" \\| duration', defaultValue: '`"auto"`' });
    expect(byKey.get('realtime.priority')?.type).toBe('integer 1–99');
    expect(byKey.get('alarms.fatal')?.description).toContain('One of: `overrun`, `deadline-miss`');
  });

  it('is up to date in README.md (run `npm run docs:config` after changing the schema)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readmeWithReference(readme, formattedReference())).toBe(readme);
  });

  it('refuses a README without the markers', () => {
    expect(() => readmeWithReference('# no markers\n', 'x')).toThrow(/markers .* are missing/);
  });
});
