import { defineConfig } from 'vitest/config';
import { ALL_TESTS, INTEGRATION_TESTS } from './test/projects.js';

// Two projects (see test/projects.ts), run one after the other: `unit` on every core (pure
// CPU work, nothing timed), then `integration` one file at a time, because its runs on the
// real clock share the machine with their own loop threads and child processes.
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
          exclude: [...INTEGRATION_TESTS],
          maxWorkers: '100%',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...INTEGRATION_TESTS],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
