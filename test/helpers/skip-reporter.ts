/**
 * A vitest reporter that lists, after the run's summary, the tests skipped because this
 * machine lacks a component (see test/helpers/requirements.ts): one line per missing
 * component with the command that installs it, the number of tests and their files.
 * Runs beside the default reporter; prints nothing when nothing was skipped that way.
 */
import type { Reporter, TestModule } from 'vitest/node';

interface Group {
  tests: number;
  files: Set<string>;
}

/** Collects `meta.requirement` of skipped tests and prints them at the end of the run. */
export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const groups = new Map<string, Group>();
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const requirement = test.meta().requirement;
        if (requirement === undefined) continue;
        let g = groups.get(requirement);
        if (g === undefined) {
          g = { tests: 0, files: new Set() };
          groups.set(requirement, g);
        }
        g.tests++;
        g.files.add(module.relativeModuleId);
      }
    }
    if (groups.size === 0) return;
    let total = 0;
    for (const g of groups.values()) total += g.tests;
    const lines = [
      '',
      `Skipped for missing components: ${total} test(s); HARDTICK_TEST_STRICT=1 makes a missing component fail`,
    ];
    for (const [requirement, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  skip  ${requirement}  (${g.tests} test(s): ${[...g.files].sort().join(', ')})`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
