import { defineConfig } from 'vitest/config';
import { ALL_TESTS, INTEGRATION_TESTS, TIMING_TESTS } from './test/projects.js';

// Three projects (see test/projects.ts), run one after the other: `unit` on every core (pure
// CPU work, nothing timed), `integration` two files at a time (their assertions hold on a
// shared machine), then `timing` one file at a time (bounds that need the CPU).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default output, then the tests skipped for a missing component, one line each.
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [ALL_TESTS],
          exclude: [...INTEGRATION_TESTS, ...TIMING_TESTS],
          maxWorkers: '100%',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...INTEGRATION_TESTS],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: [...TIMING_TESTS],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
