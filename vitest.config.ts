import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { ALL_TESTS, INTEGRATION_TESTS, TIMING_PAIR_TESTS, TIMING_TESTS } from './test/projects.js';

// Four projects (see test/projects.ts). `unit` and `integration` run together, as many
// files at a time as there are cores (at least two): unit tests are pure CPU work and
// integration tests hold on a shared machine. Then `timing`, one file at a time: its
// bounds need the CPU. Then `timing-pairs`, two at a time: real runs that mostly wait.
// (vitest runs projects of one group with one worker count.)
const WIDE = Math.max(2, availableParallelism());

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
          exclude: [...INTEGRATION_TESTS, ...TIMING_TESTS, ...TIMING_PAIR_TESTS],
          maxWorkers: WIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...INTEGRATION_TESTS],
          maxWorkers: WIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: [...TIMING_TESTS],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing-pairs',
          include: [...TIMING_PAIR_TESTS],
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
