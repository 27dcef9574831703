/**
 * A binary min-heap of small integers (item ids) over a caller-supplied order. Cold path
 * (planning); storage grows by doubling.
 */
export class IdHeap {
  private data: Int32Array;
  private length = 0;

  /** @param less strict order on item ids: true when `x` must come out before `y`. */
  constructor(
    private readonly less: (x: number, y: number) => boolean,
    capacity = 16,
  ) {
    this.data = new Int32Array(Math.max(1, capacity));
  }

  /** Number of items held. */
  get size(): number {
    return this.length;
  }

  /** Removes every item. */
  clear(): void {
    this.length = 0;
  }

  /** Smallest item (undefined behaviour when empty: returns whatever slot 0 holds). */
  peek(): number {
    return this.data[0]!;
  }

  /** Adds an item. */
  push(id: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const d = this.data;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = d[parent]!;
      if (!this.less(id, p)) break;
      d[i] = p;
      i = parent;
    }
    d[i] = id;
  }

  /** Removes and returns the smallest item. */
  pop(): number {
    const d = this.data;
    const top = d[0]!;
    const last = d[--this.length]!;
    const n = this.length;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(d[c + 1]!, d[c]!)) c++;
      if (!this.less(d[c]!, last)) break;
      d[i] = d[c]!;
      i = c;
    }
    if (n > 0) d[i] = last;
    return top;
  }
}
