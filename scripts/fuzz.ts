/**
 * Fuzzes hardtick's input side and prints the outcome table of issue 18: seeded
 * generators (test/fuzz/arbitraries.ts) make configs, run reports and sample files; each
 * goes through the real loader, planner, check and renderers in a worker
 * (test/fuzz/harness.ts) and lands in one class: clean error, accepted, crash, hang
 * (no answer within the bound: the worker is ended and replaced) or wrongly accepted.
 *
 *   npx tsx scripts/fuzz.ts [--configs 10000] [--reports 1000] [--samples 200] [--seed 18]
 * Exit 1 when any input crashed, hung or was wrongly accepted (each one is listed).
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { configTextArb, reportTextArb, samplesTextArb } from '../test/fuzz/arbitraries.js';
import type { Outcome, OutcomeKind } from '../test/fuzz/harness.js';
import type { FuzzJob } from './fuzz-worker.js';

/** No answer within this long is a hang (a config's own planner limit is at most 300 ms here). */
const HANG_MS = 15_000;

class FuzzWorker {
  private worker!: Worker;
  private ready!: Promise<void>;
  private pending: ((o: Outcome | 'ready') => void) | null = null;

  constructor() {
    this.start();
  }

  private start(): void {
    const url = new URL('./fuzz-worker.ts', import.meta.url).href;
    this.worker = new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`,
      { eval: true },
    );
    this.ready = new Promise((done) => {
      this.pending = () => done();
    });
    this.worker.on('message', (m: Outcome | 'ready') => {
      const p = this.pending;
      this.pending = null;
      p?.(m);
    });
    this.worker.on('error', (error) => {
      const p = this.pending;
      this.pending = null;
      p?.({ kind: 'crash', detail: `worker died: ${error.message}`, ms: 0 });
    });
  }

  async run(job: FuzzJob): Promise<Outcome> {
    await this.ready;
    const answer = new Promise<Outcome | 'ready'>((done) => {
      this.pending = done;
    });
    this.worker.postMessage(job);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), HANG_MS);
    });
    const result = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.pending = null;
      await this.worker.terminate();
      this.start();
      return { kind: 'hang', detail: `no answer within ${HANG_MS} ms`, ms: HANG_MS };
    }
    return result === 'ready' ? { kind: 'crash', detail: 'worker restarted', ms: 0 } : result;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

type Row = Record<OutcomeKind | 'tried', number>;

const LABELS: Record<FuzzJob['kind'], string> = {
  config: 'configs',
  report: 'reports',
  samples: 'sample files',
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string' },
      reports: { type: 'string' },
      samples: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const seed = Number(values.seed ?? 18);
  const plan: Array<[FuzzJob['kind'], fc.Arbitrary<string>, number]> = [
    ['config', configTextArb, Number(values.configs ?? 10_000)],
    ['report', reportTextArb, Number(values.reports ?? 1000)],
    ['samples', samplesTextArb, Number(values.samples ?? 200)],
  ];
  const worker = new FuzzWorker();
  const rows = new Map<string, Row>();
  const bad: string[] = [];
  const started = performance.now();
  let n = 0;
  for (const [kind, arb, count] of plan) {
    const row: Row = { tried: 0, clean: 0, accepted: 0, crash: 0, hang: 0, wrong: 0 };
    rows.set(kind, row);
    for (const text of fc.sample(arb, { numRuns: count, seed })) {
      const outcome = await worker.run({ kind, n: n++, text });
      row.tried++;
      row[outcome.kind]++;
      if (outcome.kind === 'crash' || outcome.kind === 'hang' || outcome.kind === 'wrong') {
        bad.push(`${kind} ${outcome.kind}: ${outcome.detail.slice(0, 400)}\n  input: ${text.slice(0, 300)}`);
      }
    }
  }
  await worker.close();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`hardtick fuzz, seed ${seed}, ${seconds} s\n`);
  console.log('| input | tried | clean error | accepted | crash | hang | wrongly accepted |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const total: Row = { tried: 0, clean: 0, accepted: 0, crash: 0, hang: 0, wrong: 0 };
  for (const [kind, r] of rows) {
    console.log(
      `| ${LABELS[kind as FuzzJob['kind']]} | ${r.tried} | ${r.clean} | ${r.accepted} | ${r.crash} | ${r.hang} | ${r.wrong} |`,
    );
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k];
  }
  console.log(
    `| all | ${total.tried} | ${total.clean} | ${total.accepted} | ${total.crash} | ${total.hang} | ${total.wrong} |`,
  );
  for (const line of bad) console.log(`\n${line}`);
  return bad.length === 0 ? 0 : 1;
}

process.exitCode = await main();
