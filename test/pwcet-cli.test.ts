/**
 * `hardtick pwcet`: samples files and run reports in, the pWCET table or JSON out, exit
 * codes 0 (estimated, within the budget), 1 (the pWCET at --p exceeds the budget), 2 (bad
 * input, each with a message naming the file, the line and what was expected).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { drawSamples, exponentialDistribution } from '../src/pwcet/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'hardtick-pwcet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function pwcet(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(['pwcet', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** 20 000 exponential-tail execution times (50 µs + Exp(10 µs)), whole ns, with a header. */
const samplesFile = write(
  'exp.txt',
  `exec_ns\n${Array.from(drawSamples(exponentialDistribution(50_000, 10_000), 20_000, 1), (v) => Math.round(v)).join('\n')}\n`,
);

describe('hardtick pwcet <samples file>', () => {
  it('--json prints samples, model, params, pwcetNs for 1e-3 … 1e-9 and diagnostics', async () => {
    const r = await pwcet(samplesFile, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.samples).toBe(20_000);
    expect(['gumbel', 'gev', 'gpd']).toContain(json.model);
    expect(Object.keys(json.pwcetNs)).toEqual(['1e-3', '1e-4', '1e-5', '1e-6', '1e-7', '1e-8', '1e-9']);
    // Exponential tail: the truth at 1e-9 is 50 µs − 10 µs·ln(1e-9) = 257.2 µs.
    expect(Math.abs(json.pwcetNs['1e-9'] / 257_232 - 1)).toBeLessThan(0.15);
    expect(json.params.sigmaNs).toBeGreaterThan(0);
    expect(typeof json.diagnostics.ok).toBe('boolean');
    expect(Array.isArray(json.diagnostics.warnings)).toBe(true);
    expect(json.fitsBudget).toBeNull();
    expect(json.source).toEqual({ file: samplesFile, task: null, header: 'exec_ns' });
  });

  it('prints a table of the models side by side and the diagnostics', async () => {
    const r = await pwcet(samplesFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pWCET of ${samplesFile}: 20000 samples, 200 block maxima of 100 jobs`);
    expect(r.stdout).toMatch(/^p {5}pWCET \(µs\) {2}empirical {2}gumbel {4}gev {4}gpd$/m);
    expect(r.stdout).toMatch(/^1e-9 +\d+\.\d/m);
    expect(r.stdout).toContain('independence: lag-1 r = ');
    expect(r.stdout).toContain('stationarity: Mann–Kendall');
  });

  it('the empirical column shows every p the sample reaches (p ≥ 1/n), "-" beyond it', async () => {
    // 2000 samples: 1e-3 has 2 values beyond it (the third largest value is the quantile);
    // 1e-4 would need 10 000 samples to reach.
    const values = Array.from(drawSamples(exponentialDistribution(50_000, 10_000), 2000, 3), (v) =>
      Math.round(v),
    );
    const file = write('2000.txt', `${values.join('\n')}\n`);
    const thirdLargest = [...values].sort((a, b) => b - a)[2]!;
    const json = JSON.parse((await pwcet(file, '--json')).stdout);
    expect(json.empiricalNs).toEqual({ '1e-3': thirdLargest });
    const table = (await pwcet(file)).stdout;
    const row = (p: string) =>
      table
        .split('\n')
        .find((l) => l.startsWith(`${p} `))!
        .trim()
        .split(/\s+/);
    expect(row('1e-3')[2]).toBe((thirdLargest / 1000).toFixed(1));
    expect(row('1e-4')[2]).toBe('-');
  });

  it('--budget: exit 0 when the pWCET at --p fits, 1 when it exceeds', async () => {
    const fits = await pwcet(samplesFile, '--budget', '1ms', '--json');
    expect(fits.code).toBe(0);
    expect(JSON.parse(fits.stdout).fitsBudget).toBe(true);
    expect(JSON.parse(fits.stdout).budgetNs).toBe(1_000_000);
    // 150 µs lies above the pWCET at 1e-3 (~120 µs) but below the one at 1e-9 (~250 µs).
    const exceeds = await pwcet(samplesFile, '--budget', '150us');
    expect(exceeds.code).toBe(1);
    expect(exceeds.stdout).toMatch(
      /budget 150\.0 µs: pWCET at p = 1e-9 is \d+\.\d µs \(\d+\.\d % of the budget\): EXCEEDS the budget/,
    );
    const atLooserP = await pwcet(samplesFile, '--budget', '150us', '--p', '1e-3', '--json');
    expect(atLooserP.code).toBe(0);
    expect(JSON.parse(atLooserP.stdout).targetP).toBe('1e-3');
  });

  it('--model forces a model; --block sets the block size', async () => {
    const r = await pwcet(samplesFile, '--model', 'gpd', '--block', '50', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.model).toBe('gpd');
    expect(json.params.thresholdNs).toBeGreaterThan(0);
    expect(json.diagnostics.sampleSize.blockSize).toBe(50);
    expect(json.diagnostics.sampleSize.blocks).toBe(400);
  });
});

describe('hardtick pwcet: bad input exits 2 with a message', () => {
  it.each([
    ['an empty file', 'empty.txt', '', 'empty.txt: no samples (expected one execution time in ns per line)'],
    [
      'a header only',
      'header.txt',
      'exec_ns\n',
      'header.txt: no samples (expected one execution time in ns per line after the header)',
    ],
    [
      'a non-numeric line',
      'word.txt',
      'exec_ns\n1200\nabc\n1300\n',
      'word.txt:3: "abc" is not a number (expected one execution time in ns per line)',
    ],
    ['a negative value', 'neg.txt', '1200\n-5\n', 'neg.txt:2: -5 is negative (an execution time is >= 0 ns)'],
    ['a non-finite value', 'inf.txt', '1200\n1e999\n', 'inf.txt:2: "1e999" is not a finite number'],
  ])('%s', async (_label, name, text, message) => {
    const file = write(name, text);
    const r = await pwcet(file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`hardtick pwcet: ${join(dir, message)}\n`);
  });

  it('too few samples for a fit', async () => {
    const file = write('few.txt', `${Array.from({ length: 100 }, (_, i) => 1000 + i).join('\n')}\n`);
    const r = await pwcet(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hardtick pwcet: 100 samples: a pWCET fit needs at least 500 execution times\n');
  });

  it('a constant execution time (nothing to fit)', async () => {
    const file = write('const.txt', `${Array.from({ length: 1000 }, () => 1234).join('\n')}\n`);
    const r = await pwcet(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'hardtick pwcet: the 50 block maxima take fewer than 3 distinct values: no extreme-value fit is possible (is the execution time constant or coarsely quantised?)\n',
    );
  });

  it('a missing file', async () => {
    const r = await pwcet(join(dir, 'nope.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hardtick pwcet: cannot read .*nope\.txt: ENOENT/);
  });

  it.each([
    [['--p', '0.5', 'x.txt'], '--p: expected one of 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, got "0.5"'],
    [['--model', 'weibull', 'x.txt'], '--model: expected auto, gumbel, gev or gpd, got "weibull"'],
    [['--block', '0', 'x.txt'], '--block: expected a whole number of jobs >= 1, got "0"'],
    [
      ['--budget', 'soon', 'x.txt'],
      '--budget: expected a positive duration like "5ms", got "soon" (write a number followed by ns, us, ms or s)',
    ],
    [[], 'missing <samples>: a samples file or a run report'],
  ])('options %j', async (argv, message) => {
    const r = await pwcet(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`hardtick pwcet: ${message}`);
  });

  it('--task with a samples file', async () => {
    const r = await pwcet(samplesFile, '--task', 'a');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `hardtick pwcet: --task applies to a run report; ${samplesFile} is a samples file\n`,
    );
  });
});
