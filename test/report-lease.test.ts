/**
 * The run report's `lease` section as `hardtick check` / `hardtick report` read it: a sound
 * section loads and is rendered (Markdown, HTML, the end-of-run summary line); one no run
 * can produce (tokens not increasing, a `lost` naming another term, transitions out of
 * order, negative times) is refused as inconsistent, with the field's path.
 */
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { describeLeaseSection, leaseSectionProblems } from '../src/report/lease.js';
import { parseRunReport } from '../src/report/read.js';
import { renderHtml } from '../src/report/render/html.js';
import { renderMarkdown } from '../src/report/render/md.js';
import { makeReportJson } from './helpers/check-report-fixture.js';

interface Transition {
  at: string;
  sinceStartNs: number;
  kind: string;
  token: number | null;
  reason: string | null;
}

/** A primary that led (token 12), was paused past its lease, and stood by again. */
const TRANSITIONS: Transition[] = [
  { at: '2026-01-01T00:00:00.001Z', sinceStartNs: 1_000_000, kind: 'standby', token: null, reason: null },
  { at: '2026-01-01T00:00:00.009Z', sinceStartNs: 9_000_000, kind: 'leader', token: 12, reason: null },
  { at: '2026-01-01T00:00:02.500Z', sinceStartNs: 2_500_000_000, kind: 'lost', token: 12, reason: 'expired' },
  {
    at: '2026-01-01T00:00:02.500Z',
    sinceStartNs: 2_500_100_000,
    kind: 'passive',
    token: null,
    reason: 'expired',
  },
  { at: '2026-01-01T00:00:03.500Z', sinceStartNs: 3_500_000_000, kind: 'standby', token: null, reason: null },
];
const [standby, leader, lost] = TRANSITIONS as [Transition, Transition, Transition];

const LEASE = {
  key: '/plant/motor-1/leader',
  candidate: 'pi-left',
  ttlNs: 1e9,
  transitions: TRANSITIONS,
  transitionsDropped: 0,
  leadingNs: 1_491_000_000,
  standbyNs: 2_509_000_000,
  standbyFrames: 101,
  tokens: [12],
  errors: 0,
};

const withLease = (lease: unknown) => makeReportJson([{ name: 'act' }], { durationNs: 4_000_000_000, lease });

describe('the report lease section', () => {
  it('loads and renders: Markdown and HTML sections with every transition, the summary line', () => {
    const report = parseRunReport(withLease(LEASE), 'run.json');
    const line = describeLeaseSection(report.lease!);
    expect(line).toBe(
      'lease /plant/motor-1/leader as pi-left: leading 1.49s (token 12), standby 2.51s (101 frame(s) without tasks), 5 transition(s), standby at the end',
    );
    const md = renderMarkdown(report);
    expect(md).toContain(`### Lease (hot standby)\n\n${line}.\n\n`);
    expect(md).toContain('| at | role | token | reason |');
    expect(md).toContain('| +9ms | leader | 12 |  |');
    expect(md).toContain('| +2.5s | lost | 12 | expired |');
    const html = renderHtml(report);
    expect(html).toContain('<h2 id="lease">Lease (hot standby)</h2>');
    expect(html).toContain(`<p>${line}.</p>`);
    expect(html).toContain('<td class="l">lost</td>');
  });

  it('a report without the section renders without it', () => {
    const report = parseRunReport(makeReportJson([{ name: 'act' }]), 'run.json');
    expect(report.lease).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain('Lease');
    expect(renderHtml(report)).not.toContain('id="lease"');
  });

  it('refuses a section no run can produce, naming the field', () => {
    const bad = {
      ...LEASE,
      tokens: [12, 9],
      standbyNs: -5,
      transitions: [leader, standby, { ...lost, token: 7 }, { ...leader, sinceStartNs: 3e9, token: 40 }],
    };
    expect(leaseSectionProblems(bad)).toEqual([
      { path: 'standbyNs', message: 'expected a number ≥ 0, got -5' },
      { path: 'tokens[1]', message: 'token 9 after 12: a later term always has a larger token' },
      { path: 'transitions[1].sinceStartNs', message: "1000000 is before the previous transition's 9000000" },
      { path: 'transitions[2].token', message: 'lost token 7, but the term leading before it was 12' },
      { path: 'transitions[3].token', message: 'leader token 40 is not among tokens [12, 9]' },
    ]);
    try {
      parseRunReport(withLease(bad), 'run.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HardtickError);
      expect((error as HardtickError).code).toBe('report_inconsistent');
      expect((error as HardtickError).message.split('\n')[0]).toBe(
        'run.json: not a consistent report: lease.standbyNs: expected a number ≥ 0, got -5',
      );
      expect((error as HardtickError).issues).toContain(
        'lease.transitions[2].token: lost token 7, but the term leading before it was 12',
      );
    }
  });

  it('refuses a malformed section with the path and what was expected', () => {
    try {
      parseRunReport(withLease({ ...LEASE, transitions: [{ ...standby, kind: 'follower' }] }), 'run.json');
      expect.unreachable();
    } catch (error) {
      expect((error as HardtickError).code).toBe('report_invalid');
      expect((error as HardtickError).issues[0]).toMatch(/^lease\.transitions\[0\]\.kind: /);
    }
  });
});
