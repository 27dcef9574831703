/**
 * Two-thread stress test of SpscRing: a producer worker pushes 4 million 4-field records
 * (sequence number, hash, half, checksum) while a consumer worker pops, for each overflow
 * policy. The consumer asserts no torn record (every field agrees with the sequence
 * number), no duplicate or reordered record (strictly increasing sequence numbers), and
 * received + lost() = sent exactly; for drop-newest, lost() also equals the producer's
 * count of refused pushes. Both sides change speed in seeded phases and the ring is small,
 * so it runs empty, full and (overwrite) lapped mid-copy many times: ~240 speed phases of
 * 16384 records, and 60k (capacity 64) to 500k (capacity 8) laps of the ring per policy.
 *
 * Workers import the TypeScript sources through tsx (see helpers/memory-ts-worker.ts).
 */
import { describe, expect, it } from 'vitest';
import { type OverflowPolicy, SpscRing } from '../src/memory/index.js';
import {
  type ConsumerResult,
  CTRL_WORDS,
  type ProducerResult,
  STRESS_RECORD,
  type StressWorkerData,
} from './helpers/memory-stress-worker.js';
import { startTsWorker } from './helpers/memory-ts-worker.js';

const RECORDS = 4_000_000;
const WORKER_URL = new URL('./helpers/memory-stress-worker.ts', import.meta.url);

function runWorker<R>(data: StressWorkerData): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(WORKER_URL, { workerData: data });
    worker.once('message', (m: R) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`stress worker (${data.role}) exited with code ${code}`));
    });
  });
}

async function stress(
  overflow: OverflowPolicy,
  capacity: number,
  seed: number,
): Promise<[ProducerResult, ConsumerResult]> {
  const ring = SpscRing.create({ capacity, recordSize: STRESS_RECORD, overflow });
  const control = new SharedArrayBuffer(CTRL_WORDS * 4);
  const base = { ring: ring.buffer, control, records: RECORDS };
  return Promise.all([
    runWorker<ProducerResult>({ ...base, role: 'producer', seed }),
    runWorker<ConsumerResult>({ ...base, role: 'consumer', seed: seed + 1 }),
  ]);
}

describe('SpscRing across two threads, 4 million records per policy', () => {
  const cases: [OverflowPolicy, number][] = [
    ['drop-newest', 64],
    ['drop-oldest', 16],
    ['overwrite', 8],
  ];
  for (const [overflow, capacity] of cases) {
    it(`${overflow} (capacity ${capacity}): no torn, duplicate or reordered record; received + lost = sent`, async () => {
      const [p, c] = await stress(overflow, capacity, 0x5eed + capacity);
      const summary = { overflow, sent: p.sent, refused: p.refused, ...c };
      console.log(JSON.stringify(summary));
      expect(c.firstProblem).toBe('');
      expect(c.torn).toBe(0);
      expect(c.duplicatesOrReordered).toBe(0);
      expect(p.sent).toBe(RECORDS);
      expect(c.received + c.lost).toBe(p.sent);
      expect(c.gaps).toBe(c.lost); // every missing sequence number is a counted loss
      expect(c.sizeAfterDrain).toBe(0);
      expect(c.sleeps).toBeGreaterThan(0); // the waitForData / notify path ran
      if (overflow === 'drop-newest') expect(c.lost).toBe(p.refused);
      else expect(p.refused).toBe(0);
      // The run went through both regimes: records delivered and records lost.
      expect(c.received).toBeGreaterThan(RECORDS / 100);
      expect(c.lost).toBeGreaterThan(0);
    });
  }
});
