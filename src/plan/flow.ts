/**
 * Dinic max-flow on typed arrays, for the transportation problem
 * source → job (capacity = budget) → allowed frame → sink (capacity = f).
 * Used only for the rare cyclic case where every frame boundary is straddled by some
 * window (so no rotation turns the problem into a line for EDF). Capacities are integer
 * ns in doubles (exact below 2^53). The DFS is iterative: augmenting paths can be long.
 */

/** A flow network with a fixed number of nodes; edges are added before {@link maxFlow}. */
export class FlowNetwork {
  private readonly head: Int32Array;
  private to: Int32Array;
  private next: Int32Array;
  /** Residual capacity per edge; edge e ^ 1 is its reverse. */
  private cap: Float64Array;
  private edges = 0;

  constructor(
    readonly nodeCount: number,
    edgeHint: number,
  ) {
    this.head = new Int32Array(nodeCount).fill(-1);
    const m = Math.max(2, edgeHint * 2);
    this.to = new Int32Array(m);
    this.next = new Int32Array(m);
    this.cap = new Float64Array(m);
  }

  /** Adds an edge u → v with the given capacity; returns its id (the reverse edge is id + 1). */
  addEdge(u: number, v: number, capacity: number): number {
    if (this.edges + 2 > this.to.length) this.grow();
    const e = this.edges;
    this.to[e] = v;
    this.cap[e] = capacity;
    this.next[e] = this.head[u]!;
    this.head[u] = e;
    this.to[e + 1] = u;
    this.cap[e + 1] = 0;
    this.next[e + 1] = this.head[v]!;
    this.head[v] = e + 1;
    this.edges += 2;
    return e;
  }

  /** Flow currently on edge `e` (the residual capacity of its reverse). */
  flowOn(e: number): number {
    return this.cap[e + 1]!;
  }

  /**
   * Maximum flow from `s` to `t`. Returns NaN when `expired` reports the time is up
   * (polled every few thousand steps).
   */
  maxFlow(s: number, t: number, expired: (() => boolean) | null = null): number {
    const n = this.nodeCount;
    const level = new Int32Array(n);
    const iter = new Int32Array(n);
    const queue = new Int32Array(n);
    const pathEdge = new Int32Array(n);
    const { to, next, cap, head } = this;
    let total = 0;
    let steps = 0;
    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const u = queue[qh++]!;
        for (let e = head[u]!; e !== -1; e = next[e]!) {
          const v = to[e]!;
          if (cap[e]! > 0 && level[v] === -1) {
            level[v] = level[u]! + 1;
            queue[qt++] = v;
          }
        }
      }
      if (level[t] === -1) return total;
      iter.set(head);
      // Iterative DFS: pathEdge[d] is the edge taken at depth d.
      let depth = 0;
      let u = s;
      for (;;) {
        if (expired !== null && (++steps & 8191) === 0 && expired()) return Number.NaN;
        if (u === t) {
          let push = Number.POSITIVE_INFINITY;
          for (let d = 0; d < depth; d++) push = Math.min(push, cap[pathEdge[d]!]!);
          let back = -1;
          for (let d = 0; d < depth; d++) {
            const e = pathEdge[d]!;
            cap[e] = cap[e]! - push;
            cap[e ^ 1] = cap[e ^ 1]! + push;
            if (back === -1 && cap[e] === 0) back = d;
          }
          total += push;
          depth = back;
          u = to[pathEdge[depth]! ^ 1]!;
          continue;
        }
        let e = iter[u]!;
        while (e !== -1 && !(cap[e]! > 0 && level[to[e]!] === level[u]! + 1)) e = next[e]!;
        iter[u] = e;
        if (e === -1) {
          level[u] = -1;
          if (depth === 0) break;
          depth--;
          const pe = pathEdge[depth]!;
          u = to[pe ^ 1]!;
          iter[u] = next[pe]!;
          continue;
        }
        pathEdge[depth++] = e;
        u = to[e]!;
      }
    }
  }

  private grow(): void {
    const m = this.to.length * 2;
    const to = new Int32Array(m);
    const next = new Int32Array(m);
    const cap = new Float64Array(m);
    to.set(this.to);
    next.set(this.next);
    cap.set(this.cap);
    this.to = to;
    this.next = next;
    this.cap = cap;
  }
}
