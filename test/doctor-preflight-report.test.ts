/**
 * The doctor at the start of a run: `preflightDoctor` judges the steps as the run applied
 * them (nothing tried again), `collectEnvironment` stamps it into `environment.doctor`,
 * and `hardtick report` (md and html) shows the checks that did not pass.
 */
import { describe, expect, it } from 'vitest';
import { type DoctorReport, preflightDoctor } from '../src/doctor/index.js';
import { mergeRealtimeSteps } from '../src/realtime/apply.js';
import type { RealtimeRequest, RealtimeStepResult } from '../src/realtime/types.js';
import { collectEnvironment } from '../src/report/environment.js';
import { renderHtml } from '../src/report/render/html.js';
import { renderMarkdown } from '../src/report/render/md.js';
import { fixtureEnvironment, makeReport } from './helpers/check-report-fixture.js';

const request: RealtimeRequest = {
  priority: 80,
  cpus: null,
  lockMemory: false,
  cpuDmaLatencyUs: null,
  timerSlackNs: 1,
  nice: null,
};
const refusedPriority: RealtimeStepResult = {
  step: 'priority',
  requested: 80,
  status: 'refused',
  reason: 'EPERM: Operation not permitted',
  via: null,
  scope: 'worker',
};
const appliedSlack: RealtimeStepResult = {
  step: 'timerSlack',
  requested: 1,
  status: 'applied',
  reason: null,
  via: 'procfs',
  scope: 'worker',
};

describe('preflightDoctor', () => {
  const report = preflightDoctor({
    realtime: request,
    steps: mergeRealtimeSteps(request, [refusedPriority, appliedSlack]),
    config: '/srv/loop/hardtick.json',
  });

  it('judges the run’s own step results: a refused priority fails, a step not asked for warns', () => {
    expect(report.schema).toBe('hardtick.doctor/v1');
    expect(report.mode).toBe('preflight');
    expect(report.config).toBe('/srv/loop/hardtick.json');
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('rt-priority')).toMatchObject({ status: 'fail' });
    expect(byId.get('rt-priority')!.found).toMatch(
      /^SCHED_FIFO 80 refused: EPERM: Operation not permitted \(RLIMIT_RTPRIO (\d+|unlimited), (no )?CAP_SYS_NICE\)$/,
    );
    expect(byId.get('memory-lock')).toMatchObject({
      status: 'warn',
      found: 'not requested: the process memory is not locked',
      fix: `add "lockMemory": true to the config's "realtime" section`,
    });
    expect(byId.get('timer-slack')).toMatchObject({
      status: 'pass',
      found: 'applied via procfs (on the loop thread)',
    });
  });

  it('samples no steal window: only the share since boot', () => {
    const steal = report.checks.find((c) => c.id === 'steal')!;
    expect(steal.found).not.toContain('window');
    expect(steal.found).toMatch(/since boot/);
  });

  it('is quick enough for a run’s start (generous bound; the figure is in docs/doctor.md)', () => {
    expect(report.tookMs).toBeLessThan(500);
  });

  it('collectEnvironment stamps it into environment.doctor, and leaves the key out without one', () => {
    const base = { clock: 'native', waiter: 'native-abs', timerSlackApplied: true };
    expect(collectEnvironment({ ...base, doctor: report }).doctor).toBe(report);
    expect('doctor' in collectEnvironment(base)).toBe(false);
  });
});

function doctorFixture(checks: DoctorReport['checks']): DoctorReport {
  return {
    schema: 'hardtick.doctor/v1',
    mode: 'preflight',
    config: null,
    counts: {
      pass: checks.filter((c) => c.status === 'pass').length,
      warn: checks.filter((c) => c.status === 'warn').length,
      fail: checks.filter((c) => c.status === 'fail').length,
    },
    checks,
    tookMs: 2,
  };
}

const mixed = doctorFixture([
  { id: 'node-version', status: 'pass', found: 'v20.20.2', why: 'w', fix: null },
  {
    id: 'kernel-preemption',
    status: 'warn',
    found: 'PREEMPT_DYNAMIC | not RT',
    why: 'w',
    fix: 'sudo apt install linux-image-rt-amd64',
  },
  {
    id: 'rt-priority',
    status: 'fail',
    found: 'SCHED_FIFO 80 refused: EPERM',
    why: 'w',
    fix: "echo 'pi - rtprio 99' | sudo tee -a /etc/security/limits.d/90-hardtick.conf",
  },
]);

describe('hardtick report shows the doctor findings', () => {
  it('md: the checks that did not pass, failures first, with their fixes', () => {
    const md = renderMarkdown(
      makeReport([{ name: 'a' }], { environment: fixtureEnvironment({ doctor: mixed }) }),
    );
    expect(md).toContain(
      '\n### Machine checks (hardtick doctor)\n\n2 of 3 checks did not pass at the start of the run:\n\n' +
        '| status | check | found | fix |\n|:--|:--|:--|:--|\n' +
        "| fail | rt-priority | SCHED_FIFO 80 refused: EPERM | echo 'pi - rtprio 99' \\| sudo tee -a /etc/security/limits.d/90-hardtick.conf |\n" +
        '| warn | kernel-preemption | PREEMPT_DYNAMIC \\| not RT | sudo apt install linux-image-rt-amd64 |\n' +
        '\n### Environment\n',
    );
  });

  it('md: all passed in one line; no section for a report without findings', () => {
    const clean = doctorFixture([
      { id: 'node-version', status: 'pass', found: 'v20.20.2', why: 'w', fix: null },
    ]);
    expect(
      renderMarkdown(makeReport([{ name: 'a' }], { environment: fixtureEnvironment({ doctor: clean }) })),
    ).toContain('\n### Machine checks (hardtick doctor)\n\nAll 1 checks passed at the start of the run.\n');
    expect(renderMarkdown(makeReport([{ name: 'a' }]))).not.toContain('Machine checks');
  });

  it('html: a section with each status coloured', () => {
    const html = renderHtml(
      makeReport([{ name: 'a' }], { environment: fixtureEnvironment({ doctor: mixed }) }),
    );
    expect(html).toContain('<h2 id="doctor">Machine checks (hardtick doctor)</h2>');
    expect(html).toContain('<p>2 of 3 checks did not pass at the start of the run:</p>');
    expect(html).toContain(
      `<tr><td class="l"><span class="fail">fail</span></td><td class="l">rt-priority</td><td class="l">SCHED_FIFO 80 refused: EPERM</td><td class="l">echo 'pi - rtprio 99' | sudo tee -a /etc/security/limits.d/90-hardtick.conf</td></tr>`,
    );
    expect(renderHtml(makeReport([{ name: 'a' }]))).not.toContain('id="doctor"');
  });
});
