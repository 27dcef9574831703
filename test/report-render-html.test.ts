/**
 * The HTML report as text: self-contained (no script, stylesheet link, image or URL other
 * than the SVG namespace), escaped, and saying so when a chart has no data (no pWCET, no
 * trace, no histogram). The browser test (report-html-browser.test.ts) checks rendering.
 */
import { describe, expect, it } from 'vitest';
import { empiricalExceedance, logBins, renderHtml, worstFrameNumbers } from '../src/report/render/html.js';
import { fixturePwcet, makeReport } from './helpers/check-report-fixture.js';

describe('HTML report (text)', () => {
  const html = renderHtml(
    makeReport(
      [
        { name: 'a<b>', pwcet: fixturePwcet(50_000) },
        { name: 'plain', histogram: [] },
      ],
      {
        config: { name: 'loop & "co"' },
      },
    ),
  );

  it('is self-contained: no script, no link, no src, no URL but the SVG namespace', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('escapes names; one section per task', () => {
    expect(html).toContain('<title>hardtick run report: loop &amp; &quot;co&quot;</title>');
    expect(html).toContain('<section class="task" id="task-0" data-task="a&lt;b&gt;">');
    expect(html).toContain('<section class="task" id="task-1" data-task="plain">');
    expect(html).not.toContain('a<b>');
  });

  it('says what is missing: no histogram, no pWCET, no trace', () => {
    expect(html).toContain('no execution-time histogram in this report');
    expect(html).toContain('no pWCET in this report');
    expect(html).toContain(
      'no trace in this report: run with <code>hardtick run --trace N --report FILE</code>',
    );
  });

  it('log bins, empirical exceedance and worst-frame order are exact', () => {
    expect(
      logBins(
        [
          [100, 101, 2],
          [101, 102, 3],
          [1000, 1010, 1],
        ],
        10,
      ),
    ).toEqual([
      [100, 10 ** 2.1, 5],
      [1000, 10 ** 3.1, 1],
    ]);
    expect(
      empiricalExceedance([
        [10, 20, 6],
        [20, 30, 3],
        [30, 40, 1],
      ]),
    ).toEqual([
      [10, 1],
      [20, 0.4],
      [30, 0.1],
    ]);
    const slots = [
      { frame: 1, task: 'a', startNs: 1_000_000, endNs: 1_900_000, flags: 0 },
      { frame: 2, task: 'a', startNs: 2_000_000, endNs: 2_100_000, flags: 1 },
      { frame: 3, task: 'a', startNs: 3_000_000, endNs: 3_500_000, flags: 0 },
    ];
    expect(worstFrameNumbers(slots)).toEqual([2, 1, 3]);
  });
});
