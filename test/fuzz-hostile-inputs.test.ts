/**
 * Seeded fuzzing of the input side (issue 18): generated configs, run reports and sample
 * files go through the real loader, planner, check and renderers, and each must end as a
 * clean error (a HardtickError with a code that belongs to that input) or be accepted and
 * hold up (an accepted plan passes the independent validator; an accepted report's figures
 * are consistent and every renderer draws it). Never a crash, a hang or a wrong acceptance.
 * Bounded to a few seconds; `npx tsx scripts/fuzz.ts` runs the long version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configTextArb, reportTextArb, samplesTextArb } from './fuzz/arbitraries.js';
import {
  classifyConfigText,
  classifyReportText,
  classifySamplesText,
  makeProject,
  type Outcome,
} from './fuzz/harness.js';

const SEED = 18;
const project = makeProject();

function holdsUp(outcome: Outcome): boolean {
  if (outcome.kind === 'clean' || outcome.kind === 'accepted') return true;
  throw new Error(`${outcome.kind}: ${outcome.detail}`);
}

describe('fuzzing hostile inputs (seeded)', () => {
  it('configs: a clean error or a plan that holds up', async () => {
    let n = 0;
    const seen = { clean: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(configTextArb, async (text) => {
        const outcome = await classifyConfigText(text, project, n++);
        if (outcome.kind === 'clean' || outcome.kind === 'accepted') seen[outcome.kind]++;
        return holdsUp(outcome);
      }),
      { seed: SEED, numRuns: 300 },
    );
    // Both classes are reached: the generators are not all-invalid or all-valid.
    expect(seen.clean).toBeGreaterThan(30);
    expect(seen.accepted).toBeGreaterThan(30);
  });

  it('run reports: a clean error or a consistent report that checks and renders', () => {
    let n = 0;
    const seen = { clean: 0, accepted: 0 };
    fc.assert(
      fc.property(reportTextArb, (text) => {
        const outcome = classifyReportText(text, project.dir, n++);
        if (outcome.kind === 'clean' || outcome.kind === 'accepted') seen[outcome.kind]++;
        return holdsUp(outcome);
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(seen.clean).toBeGreaterThan(20);
    expect(seen.accepted).toBeGreaterThan(20);
  });

  it('sample files: a clean error or finite pWCET figures', () => {
    fc.assert(
      fc.property(samplesTextArb, (text) => holdsUp(classifySamplesText(text))),
      { seed: SEED, numRuns: 40 },
    );
  });
});
