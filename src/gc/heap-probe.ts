/**
 * Allocation-free reads of the heap spaces that decide when V8 collects: the young
 * generation (`new_space`: a scavenge starts when it is full) and the old generation
 * (`old_space` + `large_object_space`: its growth leads to a mark-compact).
 *
 * Why not `v8.getHeapSpaceStatistics()`: it builds an array of nine objects per call
 * (~1 KB), i.e. the very allocation a governed loop avoids. Node implements it by asking
 * its internal `v8` binding to fill a Float64Array per space and then copying that into
 * objects; this probe calls the same binding (`process.binding('v8')`:
 * `updateHeapSpaceStatisticsBuffer(i)` + `heapSpaceStatisticsBuffer`) and reads the
 * doubles directly: ~35 ns per space, 0 B (measured, Node 20.20). The binding is Node
 * internals (stable since Node 12, deprecated for user code as DEP0111, whose warning is
 * suppressed while it is fetched): when it is missing or has another shape, the probe falls
 * back to `getHeapSpaceStatistics()` — correct, but ~1 KB per {@link HeapProbe.update},
 * which {@link HeapProbe.allocationFree} reports.
 *
 * Allocation contract: the constructor allocates; `update` allocates nothing on the
 * binding path. Threading: per isolate (each thread has its own heap); use it on the
 * thread it was created on.
 */
import { getHeapSpaceStatistics } from 'node:v8';

/** Offsets in {@link HeapProbe.values} (bytes). */
/** Young generation in use. */
export const HP_YOUNG_USED = 0;
/** Young generation capacity: used + available (what fills before a scavenge). */
export const HP_YOUNG_CAPACITY = 1;
/** Old generation in use: `old_space` + `large_object_space`. */
export const HP_OLD_USED = 2;
export const HP_SIZE = 3;

interface V8Binding {
  readonly kHeapSpaces: readonly string[];
  readonly heapSpaceStatisticsBuffer: Float64Array;
  readonly kSpaceUsedSizeIndex: number;
  readonly kSpaceAvailableSizeIndex: number;
  updateHeapSpaceStatisticsBuffer(space: number): void;
}

function internalV8Binding(): V8Binding | null {
  const proc = process as unknown as {
    binding?: (name: string) => unknown;
    noDeprecation: boolean | undefined;
  };
  if (typeof proc.binding !== 'function') return null;
  const quiet = proc.noDeprecation;
  try {
    proc.noDeprecation = true;
    const b = proc.binding('v8') as Partial<V8Binding> | undefined;
    if (
      b === undefined ||
      !Array.isArray(b.kHeapSpaces) ||
      !(b.heapSpaceStatisticsBuffer instanceof Float64Array) ||
      typeof b.updateHeapSpaceStatisticsBuffer !== 'function' ||
      typeof b.kSpaceUsedSizeIndex !== 'number' ||
      typeof b.kSpaceAvailableSizeIndex !== 'number'
    )
      return null;
    return b as V8Binding;
  } catch {
    return null;
  } finally {
    proc.noDeprecation = quiet;
  }
}

/** What {@link PlannedGc} reads the heap through: `HP_*` figures refreshed by `update()`. */
export interface HeapFigures {
  /** `HP_*` figures in bytes, as of the last `update()`. */
  readonly values: Float64Array;
  /** Refreshes `values`; must not allocate on the loop's path when `allocationFree`. */
  update(): void;
  /** True when `update()` allocates nothing. */
  readonly allocationFree: boolean;
}

/** Heap-space figures of this isolate, refreshed by {@link HeapProbe.update} into {@link HeapProbe.values}. */
export class HeapProbe implements HeapFigures {
  /** `HP_*` figures in bytes, as of the last {@link HeapProbe.update}. */
  readonly values = new Float64Array(HP_SIZE);
  private readonly binding: V8Binding | null;
  private readonly newIndex: number;
  private readonly oldIndex: number;
  private readonly largeIndex: number;

  constructor() {
    const b = internalV8Binding();
    const spaces = b?.kHeapSpaces ?? [];
    const newIndex = spaces.indexOf('new_space');
    const oldIndex = spaces.indexOf('old_space');
    this.binding = b !== null && newIndex >= 0 && oldIndex >= 0 ? b : null;
    this.newIndex = newIndex;
    this.oldIndex = oldIndex;
    this.largeIndex = spaces.indexOf('large_object_space');
    this.update();
  }

  /** True when {@link HeapProbe.update} allocates nothing (the internal binding is available). */
  get allocationFree(): boolean {
    return this.binding !== null;
  }

  /** Refreshes {@link HeapProbe.values}. Allocation-free on the binding path. */
  update(): void {
    const b = this.binding;
    const v = this.values;
    if (b === null) {
      this.updateSlow();
      return;
    }
    const buf = b.heapSpaceStatisticsBuffer;
    const used = b.kSpaceUsedSizeIndex;
    b.updateHeapSpaceStatisticsBuffer(this.newIndex);
    v[HP_YOUNG_USED] = buf[used]!;
    v[HP_YOUNG_CAPACITY] = buf[used]! + buf[b.kSpaceAvailableSizeIndex]!;
    b.updateHeapSpaceStatisticsBuffer(this.oldIndex);
    let old = buf[used]!;
    if (this.largeIndex >= 0) {
      b.updateHeapSpaceStatisticsBuffer(this.largeIndex);
      old += buf[used]!;
    }
    v[HP_OLD_USED] = old;
  }

  /** The public-API path (allocates ~1 KB). */
  private updateSlow(): void {
    const v = this.values;
    let old = 0;
    for (const s of getHeapSpaceStatistics()) {
      if (s.space_name === 'new_space') {
        v[HP_YOUNG_USED] = s.space_used_size;
        v[HP_YOUNG_CAPACITY] = s.space_used_size + s.space_available_size;
      } else if (s.space_name === 'old_space' || s.space_name === 'large_object_space') {
        old += s.space_used_size;
      }
    }
    v[HP_OLD_USED] = old;
  }
}
