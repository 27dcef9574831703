/**
 * Reference model of a record ring: an array of records with the overflow policy applied
 * literally. Ring and SpscRing (used from one thread) must match it step by step.
 */
import type { OverflowPolicy } from '../../src/memory/index.js';

/** The obvious implementation of a bounded record queue with an overflow policy. */
export class RingModel {
  readonly queue: number[][] = [];
  lost = 0;
  constructor(
    readonly capacity: number,
    readonly policy: OverflowPolicy,
  ) {}

  /** Returns whether the record was stored. */
  push(record: number[]): boolean {
    if (this.queue.length === this.capacity) {
      this.lost++;
      if (this.policy === 'drop-newest') return false;
      this.queue.shift();
    }
    this.queue.push(record);
    return true;
  }

  pop(): number[] | undefined {
    return this.queue.shift();
  }
}
