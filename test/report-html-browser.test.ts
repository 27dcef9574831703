/**
 * The HTML report in a real headless browser (Debian `chromium`, driven by playwright-core;
 * see test/helpers/chromium.ts): for a report from a real `hardtick run --trace` and for a
 * hand-built one with pWCET, the page loads from `file://` with no console error, no page
 * error and no request besides the file itself (self-contained), and renders every task:
 * its section, a histogram with bars and the budget line, an exceedance curve (and the pWCET
 * points, or the "no pWCET" note), plus the lateness chart, the worst-frames timeline and
 * every alarm kind of the report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePwcet, makeReportJson, tempDir, writeJson } from './helpers/check-report-fixture.js';
import { type HeadlessChromium, launchChromium } from './helpers/chromium.js';
import { hardtickSync } from './helpers/cli.js';
import { requires } from './helpers/requirements.js';

const dir = tempDir('hardtick-html-');
let browser: HeadlessChromium;

function cli(...args: string[]): void {
  const r = hardtickSync(args);
  expect(r.code, r.transcript).toBe(0);
}

interface PageFacts {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
  tasks: {
    name: string;
    bars: number;
    budgetLines: number;
    histogramWidth: number;
    exceedancePaths: number;
    pwcetPoints: number;
    noPwcetNote: boolean;
  }[];
  latenessBars: number;
  timelineSlots: number;
  overrunSlots: number;
  alarmKinds: string[];
}

async function openReport(htmlFile: string): Promise<PageFacts> {
  const page = await browser.context.newPage();
  const url = pathToFileURL(htmlFile).href;
  const facts: PageFacts = {
    consoleErrors: [],
    pageErrors: [],
    foreignRequests: [],
    tasks: [],
    latenessBars: 0,
    timelineSlots: 0,
    overrunSlots: 0,
    alarmKinds: [],
  };
  page.on('console', (m) => {
    if (m.type() === 'error') facts.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => facts.pageErrors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url) facts.foreignRequests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  // Runs in the page (a string: this project compiles without the DOM library).
  const dom = (await page.evaluate(`(() => {
    const q = (root, sel) => Array.from(root.querySelectorAll(sel));
    return {
      tasks: q(document, 'section.task').map((s) => {
        const hist = s.querySelector('svg.histogram');
        return {
          name: s.getAttribute('data-task') ?? '',
          bars: q(s, 'svg.histogram rect.bar').length,
          budgetLines: q(s, 'line.budget').length,
          histogramWidth: hist === null ? 0 : hist.getBoundingClientRect().width,
          exceedancePaths: q(s, 'svg.exceedance path.emp').length,
          pwcetPoints: q(s, 'svg.exceedance circle.pwp').length,
          noPwcetNote: (s.textContent ?? '').includes('no pWCET in this report'),
        };
      }),
      latenessBars: q(document, 'svg.lateness rect.bar').length,
      timelineSlots: q(document, 'svg.timeline rect.slot').length,
      overrunSlots: q(document, 'svg.timeline rect.slot-over').length,
      alarmKinds: q(document, '#alarms + table tbody tr td:first-child').map((td) => td.textContent ?? ''),
    };
  })()`)) as Omit<PageFacts, 'consoleErrors' | 'pageErrors' | 'foreignRequests'>;
  await page.close();
  return { ...facts, ...dom };
}

describe('HTML report in headless Chromium', requires('chromium'), () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('a real run (demo, --trace): every task rendered, no console error, no network', async () => {
    const reportFile = join(dir, 'demo.json');
    cli(
      'run',
      'examples/demo/hardtick.json',
      '--duration',
      '1s',
      '--warmup',
      '200ms',
      '--trace',
      '100',
      '--quiet',
      '--report',
      reportFile,
    );
    const htmlFile = join(dir, 'demo.html');
    cli('report', reportFile, '--format', 'html', '-o', htmlFile);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      tasks: { name: string; execNs: { count: number } }[];
      alarms: Record<string, number>;
    };
    const facts = await openReport(htmlFile);
    expect(facts.consoleErrors).toEqual([]);
    expect(facts.pageErrors).toEqual([]);
    expect(facts.foreignRequests).toEqual([]);
    expect(facts.tasks.map((t) => t.name)).toEqual(report.tasks.map((t) => t.name));
    for (const t of facts.tasks) {
      expect(t.bars, t.name).toBeGreaterThan(0);
      expect(t.budgetLines, t.name).toBe(2);
      expect(t.histogramWidth, t.name).toBeGreaterThan(100);
      expect(t.exceedancePaths, t.name).toBe(1);
    }
    expect(facts.latenessBars).toBe(5);
    expect(facts.timelineSlots).toBeGreaterThan(0);
    expect(facts.alarmKinds).toEqual(Object.keys(report.alarms));
  }, 90_000);

  it('a report with pWCET, an overrun in the trace and a kind this build does not list', async () => {
    const reportFile = writeJson(
      dir,
      'fixture.json',
      makeReportJson(
        [
          { name: 'control', budgetNs: 200_000, max: 150_000, pwcet: fixturePwcet(120_000) },
          { name: 'log <raw>', budgetNs: 100_000, max: 120_000, overruns: 1 },
        ],
        {
          alarms: { overrun: 1, killed: 2 },
          trace: [
            { frame: 3, task: 'control', mode: 'main', startNs: 3_000_200, endNs: 3_100_000, flags: 0 },
            { frame: 3, task: 'log <raw>', mode: 'main', startNs: 3_100_000, endNs: 3_220_000, flags: 1 },
          ],
          traceOverruns: [],
        },
      ),
    );
    const htmlFile = join(dir, 'fixture.html');
    cli('report', reportFile, '--format', 'html', '-o', htmlFile);
    const facts = await openReport(htmlFile);
    expect(facts.consoleErrors).toEqual([]);
    expect(facts.pageErrors).toEqual([]);
    expect(facts.foreignRequests).toEqual([]);
    expect(facts.tasks.map((t) => [t.name, t.pwcetPoints, t.noPwcetNote])).toEqual([
      ['control', 7, false],
      ['log <raw>', 0, true],
    ]);
    expect(facts.timelineSlots).toBe(2);
    expect(facts.overrunSlots).toBe(1);
    expect(facts.alarmKinds).toEqual(['overrun', 'killed']);
  }, 60_000);
});
