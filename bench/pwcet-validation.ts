/**
 * pWCET validation: seeded synthetic execution times whose quantiles are known, the
 * estimator's pWCET at p = 1e-3 … 1e-9, and the relative error against the truth.
 *
 *   npm run bench:pwcet            (or: npx tsx bench/pwcet-validation.ts [--quick])
 *
 * Distributions (src/pwcet/synthetic.ts): shifted exponential 50 µs + Exp(10 µs) (an
 * exponential tail, truth −ln(p)·10 µs + 50 µs), normal(100 µs, 10 µs) (light tail; its
 * maxima converge slowly to the Gumbel), uniform(100 µs, 200 µs) (bounded, truth
 * 200 µs − p·100 µs → the upper endpoint). Per n and distribution, five seeds: the
 * median and the largest |relative error| of the chosen model, per p. Two paths:
 * `series` (the whole series, as `hardtick pwcet samples.txt`) and `run buffers` (the
 * same values recorded through ExecSamples with its default buffers, as a run report).
 * Then the cost of fitting, and of ExecSamples.record next to LogHistogram.record (the
 * executive calls both per slot).
 */

import {
  estimatePwcet,
  PWCET_PROBABILITIES,
  type PwcetModel,
  type PwcetResult,
} from '../src/pwcet/estimate.js';
import { evidenceFromExecSamples, evidenceFromSeries } from '../src/pwcet/evidence.js';
import {
  drawSamples,
  exponentialDistribution,
  normalDistribution,
  type SyntheticDistribution,
  uniformDistribution,
} from '../src/pwcet/synthetic.js';
import { ExecSamples } from '../src/stats/exec-samples.js';
import { LogHistogram } from '../src/stats/histogram.js';

const quick = process.argv.includes('--quick');
const SEEDS = quick ? [1, 2] : [1, 2, 3, 4, 5];
const SIZES = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const DISTS: SyntheticDistribution[] = [
  exponentialDistribution(50_000, 10_000),
  normalDistribution(100_000, 10_000),
  uniformDistribution(100_000, 200_000),
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;

function fromBuffers(values: Float64Array): PwcetResult {
  const rec = new ExecSamples();
  for (let i = 0; i < values.length; i++) rec.record(Math.round(values[i]!));
  const evidence = evidenceFromExecSamples(rec.snapshot());
  if (evidence === null) throw new Error('too few samples');
  return estimatePwcet(evidence);
}

interface Row {
  /** [seed][p] relative errors of the chosen model. */
  errors: number[][];
  models: PwcetModel[];
  fitMs: number[];
  /** Relative errors at 1e-9 per model, every seed. */
  perModel: Record<PwcetModel, number[]>;
}

function validate(dist: SyntheticDistribution, n: number, path: 'series' | 'buffers'): Row {
  const row: Row = { errors: [], models: [], fitMs: [], perModel: { gumbel: [], gev: [], gpd: [] } };
  const truth9 = dist.quantileAbove(1e-9);
  for (const seed of SEEDS) {
    const values = drawSamples(dist, n, seed);
    const t0 = performance.now();
    const r = path === 'series' ? estimatePwcet(evidenceFromSeries(values)) : fromBuffers(values);
    row.fitMs.push(performance.now() - t0);
    row.models.push(r.model);
    row.errors.push(PWCET_PROBABILITIES.map((p) => r.pwcetNs[p] / dist.quantileAbove(Number(p)) - 1));
    for (const m of ['gumbel', 'gev', 'gpd'] as const) {
      const fit = r.fits[m];
      if (fit !== null) row.perModel[m].push(fit.pwcetNs['1e-9'] / truth9 - 1);
    }
  }
  return row;
}

/** `median [min, max]` of relative errors, in %. */
function spread(xs: number[]): string {
  if (xs.length === 0) return '-';
  return `${pct(median(xs))} [${pct(Math.min(...xs))}, ${pct(Math.max(...xs))}]`;
}

function printTables(title: string, path: 'series' | 'buffers', sizes: number[]): void {
  console.log(`\n### ${title}\n`);
  for (const dist of DISTS) {
    const rows = sizes.map((n) => ({ n, row: validate(dist, n, path) }));
    if (path === 'series') for (const { n, row } of rows) fitTimes.push([n, median(row.fitMs)]);
    console.log(`${dist.name}: relative error % of the chosen model, median [min, max] over the seeds\n`);
    console.log(`| p | ${sizes.map((n) => `n = ${n}`).join(' | ')} |`);
    console.log(`|---|${sizes.map(() => '---:').join('|')}|`);
    PWCET_PROBABILITIES.forEach((p, j) => {
      console.log(`| ${p} | ${rows.map(({ row }) => spread(row.errors.map((e) => e[j]!))).join(' | ')} |`);
    });
    const chosen = rows.map(({ row }) => {
      const counts = new Map<string, number>();
      for (const m of row.models) counts.set(m, (counts.get(m) ?? 0) + 1);
      return [...counts].map(([m, c]) => `${m}×${c}`).join(' ');
    });
    console.log(`| model chosen | ${chosen.join(' | ')} |`);
    for (const m of ['gumbel', 'gev', 'gpd'] as const) {
      console.log(`| ${m} at 1e-9 | ${rows.map(({ row }) => spread(row.perModel[m])).join(' | ')} |`);
    }
    console.log('');
  }
}

const fitTimes: Array<[number, number]> = [];
console.log(`pWCET validation (seeds ${SEEDS.join(', ')}; error = estimate / truth − 1)`);
printTables('Whole series (hardtick pwcet samples.txt)', 'series', SIZES);
printTables(
  'Run buffers (ExecSamples defaults: 4096 block maxima, top 4096, reservoir 1024)',
  'buffers',
  SIZES.filter((n) => n >= 100_000),
);

console.log('### Evidence + fit time (median over every distribution and seed, this machine, busy)\n');
console.log('| n | fit ms |');
console.log('|---:|---:|');
for (const n of SIZES)
  console.log(`| ${n} | ${median(fitTimes.filter(([k]) => k === n).map(([, t]) => t)).toFixed(0)} |`);

// Recording cost: ExecSamples.record vs LogHistogram.record on the same values.
const VALUES = Int32Array.from(drawSamples(exponentialDistribution(50_000, 10_000), 1 << 16, 99), Math.round);
const sink = new Float64Array(1);
function timeRecord(record: (v: number) => void, rounds: number): number {
  const mask = VALUES.length - 1;
  const n = 2_000_000;
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) record(VALUES[i & mask]!);
    perOp.push(((performance.now() - t0) * 1e6) / n);
  }
  return median(perOp.slice(1)); // the first round is warm-up
}
const samples = new ExecSamples();
const hist = new LogHistogram();
const tSamples = timeRecord((v) => samples.record(v), 7);
const tHist = timeRecord((v) => hist.record(v), 7);
sink[0] = samples.count + hist.count;
console.log('\n### Recording cost per value (median of 6 rounds of 2M, exponential values)\n');
console.log('| recorder | ns/value |');
console.log('|---|---:|');
console.log(
  `| ExecSamples.record (block maxima, reservoir, top-4096 heap, window, lag-1 sums) | ${tSamples.toFixed(1)} |`,
);
console.log(`| LogHistogram.record | ${tHist.toFixed(1)} |`);
console.log(`| ratio | ${(tSamples / tHist).toFixed(2)}× |`);
