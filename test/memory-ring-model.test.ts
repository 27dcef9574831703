/**
 * Ring and SpscRing (both sides on one thread) against a reference model, for every overflow
 * policy: seeded random sequences of tryPush / claim+publish / tryPop / drain, checking each
 * popped record, size() and the exact lost() count after every operation.
 *
 * Canaries: every record is popped into a destination pre-filled with a guard value and
 * must leave the guards before/after it (and everything else outside it) untouched; a push
 * may change only its own slot in the ring's storage; for SpscRing, the unused header
 * words, accumulator words and padding of the SharedArrayBuffer are filled with guard bytes
 * that no operation may change.
 */
import { describe, expect, it } from 'vitest';
import {
  ACC_BYTE_OFFSET,
  ACC_WORDS,
  HDR_WORDS,
  type OverflowPolicy,
  type RecordRing,
  Ring,
  SpscRing,
  spscRingLayout,
} from '../src/memory/index.js';
import { RingModel } from './helpers/memory-model.js';
import { mulberry32, type Prng } from './helpers/memory-prng.js';

const POLICIES: OverflowPolicy[] = ['drop-newest', 'drop-oldest', 'overwrite'];
const CANARY = -1234.5678e300;
const USED_HDR_WORDS = new Set([0, 1, 2, 3, 4, 16, 17, 32, 48]);

interface Subject {
  producer: RecordRing;
  consumer: RecordRing;
  /** Checks the SharedArrayBuffer guards (no-op for Ring). */
  checkGuards(): void;
}

function ringSubject(capacity: number, recordSize: number, overflow: OverflowPolicy): Subject {
  const ring = new Ring({ capacity, recordSize, overflow });
  return { producer: ring, consumer: ring, checkGuards: () => {} };
}

/** Producer from `create`, consumer from `attach` (each keeps its own caches), guards planted. */
function spscSubject(capacity: number, recordSize: number, overflow: OverflowPolicy): Subject {
  const producer = SpscRing.create({ capacity, recordSize, overflow });
  const consumer = SpscRing.attach(producer.buffer);
  const hdr = new Int32Array(producer.buffer, 0, HDR_WORDS);
  for (let i = 0; i < HDR_WORDS; i++) if (!USED_HDR_WORDS.has(i)) hdr[i] = 0x5a5a5a5a;
  const acc = new Float64Array(producer.buffer, ACC_BYTE_OFFSET, ACC_WORDS);
  for (let i = 2; i < ACC_WORDS; i++) acc[i] = CANARY;
  const layout = spscRingLayout(capacity, recordSize);
  const pad = new Uint8Array(
    producer.buffer,
    layout.seqByteOffset + capacity * 4,
    layout.dataByteOffset - layout.seqByteOffset - capacity * 4,
  );
  pad.fill(0xa5);
  return {
    producer,
    consumer,
    checkGuards() {
      const bad: string[] = [];
      for (let i = 0; i < HDR_WORDS; i++)
        if (!USED_HDR_WORDS.has(i) && hdr[i] !== 0x5a5a5a5a) bad.push(`header word ${i}`);
      for (let i = 2; i < ACC_WORDS; i++) if (acc[i] !== CANARY) bad.push(`accumulator ${i}`);
      if (!pad.every((b) => b === 0xa5)) bad.push('padding');
      expect(bad).toEqual([]);
    },
  };
}

function randomRecord(rnd: Prng, serial: number, recordSize: number): number[] {
  const rec = [serial];
  for (let i = 1; i < recordSize; i++) rec.push((rnd.next() - 0.5) * 1e6);
  return rec;
}

/** True when every element of `a` outside [from, to) still holds the canary. */
function guardsIntact(a: Float64Array, from: number, to: number): boolean {
  for (let i = 0; i < a.length; i++) if ((i < from || i >= to) && a[i] !== CANARY) return false;
  return true;
}

/** `n` random operations; checks everything against the model. */
function runAgainstModel(subject: Subject, model: RingModel, rnd: Prng, n: number): void {
  const { producer, consumer } = subject;
  const rs = producer.recordSize;
  const src = new Float64Array(rs + 8);
  const dst = new Float64Array(rs * (model.capacity + 4) + 8);
  let serial = 0;
  // Bias alternates between push-heavy and pop-heavy stretches so the ring fills and empties.
  let pushBias = 0.5;
  for (let step = 0; step < n; step++) {
    if (step % 97 === 0) pushBias = rnd.next() < 0.5 ? 0.8 : 0.25;
    const before = Float64Array.from(producer.data);
    if (rnd.next() < pushBias) {
      const rec = randomRecord(rnd, serial++, rs);
      const expected = model.push(rec);
      let ok: boolean;
      let slot = -1;
      if (rnd.next() < 0.5) {
        const off = rnd.int(8);
        src.fill(CANARY);
        src.set(rec, off);
        ok = producer.tryPush(src, off);
      } else {
        slot = producer.claim();
        ok = slot >= 0;
        if (ok) {
          for (let i = 0; i < rs; i++) producer.data[slot + i] = rec[i]!;
          producer.publish();
        }
      }
      expect(ok).toBe(expected);
      // Canary on the ring's storage: only the written slot may change.
      const changed: number[] = [];
      for (let i = 0; i < before.length; i++) if (!Object.is(before[i], producer.data[i])) changed.push(i);
      if (!ok) expect(changed).toEqual([]);
      else if (changed.length > 0) {
        const lo = Math.floor(changed[0]! / rs) * rs;
        expect(changed.every((i) => i >= lo && i < lo + rs)).toBe(true);
        if (slot >= 0) expect(lo).toBe(slot);
      }
    } else if (rnd.next() < 0.7) {
      const off = 1 + rnd.int(rs * 2);
      dst.fill(CANARY);
      const ok = consumer.tryPop(dst, off);
      const expected = model.pop();
      expect(ok).toBe(expected !== undefined);
      if (expected !== undefined) expect(Array.from(dst.subarray(off, off + rs))).toEqual(expected);
      expect(guardsIntact(dst, off, off + rs)).toBe(true);
      expect(producer.data).toEqual(before); // popping never writes the ring's storage
    } else {
      const max = rnd.int(model.capacity + 3);
      dst.fill(CANARY);
      const got = consumer.drain(dst, max);
      const expected: number[][] = [];
      for (let k = 0; k < max; k++) {
        const rec = model.pop();
        if (rec === undefined) break;
        expected.push(rec);
      }
      expect(got).toBe(expected.length);
      for (let k = 0; k < got; k++)
        expect(Array.from(dst.subarray(k * rs, (k + 1) * rs))).toEqual(expected[k]);
      expect(guardsIntact(dst, 0, got * rs)).toBe(true);
    }
    expect(consumer.size()).toBe(model.queue.length);
    expect(producer.size()).toBe(model.queue.length);
    // Ring: exact. SpscRing: a lower bound from its cached read index, exact when it says 0.
    const free = producer.freeSlots();
    const exactFree = model.capacity - model.queue.length;
    if (producer instanceof Ring) expect(free).toBe(exactFree);
    else {
      expect(free).toBeLessThanOrEqual(exactFree);
      expect(free > 0).toBe(exactFree > 0);
    }
    expect(consumer.lost()).toBe(model.lost);
    subject.checkGuards();
  }
}

const SHAPES: [number, number][] = [
  [1, 1],
  [2, 3],
  [8, 4],
  [16, 1],
];

describe.each([
  ['Ring', ringSubject],
  ['SpscRing (one thread, producer via create, consumer via attach)', spscSubject],
] as const)('%s matches the reference model', (_name, make) => {
  for (const overflow of POLICIES)
    for (const [capacity, recordSize] of SHAPES)
      it(`${overflow}, capacity ${capacity}, ${recordSize} fields/record: 3000 random ops`, () => {
        const seed = 0xc0ffee ^ (capacity * 131 + recordSize * 7 + POLICIES.indexOf(overflow));
        runAgainstModel(
          make(capacity, recordSize, overflow),
          new RingModel(capacity, overflow),
          mulberry32(seed),
          3000,
        );
      });
});

describe('claim / publish', () => {
  it.each([
    ['Ring', (o: OverflowPolicy) => new Ring({ capacity: 2, recordSize: 2, overflow: o })],
    ['SpscRing', (o: OverflowPolicy) => SpscRing.create({ capacity: 2, recordSize: 2, overflow: o })],
  ] as const)('%s: claiming twice returns the same slot; publish without claim does nothing', (_n, make) => {
    for (const overflow of POLICIES) {
      const ring = make(overflow);
      expect(ring.claim()).toBe(0);
      expect(ring.claim()).toBe(0);
      ring.data[0] = 7;
      ring.data[1] = 8;
      ring.publish();
      ring.publish();
      expect(ring.size()).toBe(1);
      expect(ring.claim()).toBe(2);
      ring.publish();
      // Full: drop-newest refuses (counted), the others take the oldest record's slot.
      // (SpscRing counts an overwrite when it is published, Ring when the slot is claimed.)
      expect(ring.claim()).toBe(overflow === 'drop-newest' ? -1 : 0);
      ring.publish();
      expect(ring.size()).toBe(2);
      expect(ring.lost()).toBe(1);
    }
  });

  it('drop-oldest and overwrite behave identically', () => {
    const rnd = mulberry32(42);
    for (const make of [
      (o: OverflowPolicy) => new Ring({ capacity: 4, recordSize: 1, overflow: o }),
      (o: OverflowPolicy) => SpscRing.create({ capacity: 4, recordSize: 1, overflow: o }),
    ]) {
      const a = make('drop-oldest');
      const b = make('overwrite');
      const x = new Float64Array(1);
      const ya = new Float64Array(1);
      const yb = new Float64Array(1);
      for (let i = 0; i < 2000; i++) {
        if (rnd.next() < 0.6) {
          x[0] = i;
          expect(a.tryPush(x)).toBe(b.tryPush(x));
        } else {
          expect(a.tryPop(ya)).toBe(b.tryPop(yb));
          expect(ya[0]).toBe(yb[0]);
        }
        expect(a.lost()).toBe(b.lost());
      }
    }
  });
});

describe('SpscRing.waitForData (one thread)', () => {
  it('returns true at once when a record is queued, false after the timeout when none is', () => {
    const ring = SpscRing.create({ capacity: 4, recordSize: 1 });
    const t0 = performance.now();
    expect(ring.waitForData(20)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15); // generous: real clock
    ring.tryPush(new Float64Array([1]));
    expect(ring.waitForData(10_000)).toBe(true);
    expect(new Int32Array(ring.buffer)[48]).toBe(0); // HDR_SLEEPING cleared
  });
});
