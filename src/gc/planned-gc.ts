/**
 * GC governance on the real-time thread: planned minor collections in frame slack, and an
 * early warning from the heap's own figures.
 *
 * The executive calls {@link PlannedGc.afterFrame} after each frame's last slot (its
 * `slackHook`), with the frame's end and the next release. A planned collection
 * (`gc({ type: 'minor' })`, one scavenge) runs there only when
 *   - it is due: every `everyFrames` frames, or (`auto`) when the young generation is at
 *     least `youngFill` full — so it is emptied in slack before it can fill during a task;
 *   - and the slack left (next release − now) exceeds the slack needed: with `minSlack`
 *     `auto`, twice the estimated cost plus {@link AUTO_MARGIN_NS}; with a duration, that
 *     duration, but never less than the estimate. The estimate is a running max that
 *     ignores the two worst: the third-largest cost of the last {@link COST_WINDOW}
 *     collections (calibrated at start-up, then kept up to date). On a shared machine a
 *     collection's measured time includes any preemption that hit it (measured here under
 *     load: p50 70–130 µs, p99 1–10 ms, max 20–50 ms for the same scavenge); a plain max
 *     would soon exceed any frame's slack and stop planning for good, while a preemption
 *     in slack delays the next release the same whether a collection runs or not.
 * A due collection without enough slack is deferred (counted) to the next frame — except,
 * with `auto` planning, once the young generation is {@link FORCE_FILL} full: then it runs
 * in the slack there is (counted as forced). Deferring leaves the estimate as it is (only
 * collections that run measure one), so a few collections stretched by preemption could
 * otherwise defer every later one, and the young generation would fill inside a task: an
 * unplanned scavenge where no slack is at all. A forced one also measures the cost again.
 *
 * Early warning (`warn`): at each probe, when the young generation is at least
 * `warn.youngFill` full (a scavenge is imminent and would be unplanned), and when the old
 * generation has grown by `warn.oldGrowthBytes` since the last reset or warning (a
 * mark-compact is coming). Each crossing counts once (an episode), with its first time and
 * the worst figure; the cold side reports them.
 *
 * Allocation contract: the constructor allocates; `afterFrame`, `calibrate`, `reset` do
 * not (state in Float64Arrays, the `{ type: 'minor' }` options object preallocated, heap
 * figures through the allocation-free {@link HeapProbe}); `summary` is cold. The
 * collection itself empties the young generation, it does not add to it. Threading: the
 * loop's thread only (the heap is per isolate).
 */
import { GC_WARN_OLD, GC_WARN_YOUNG } from '../runtime/alarm-kinds.js';
import type { Clock } from '../time/clock.js';
import type { GcFunction } from './gc-function.js';
import { type HeapFigures, HeapProbe, HP_OLD_USED, HP_YOUNG_CAPACITY, HP_YOUNG_USED } from './heap-probe.js';

/** Collections whose cost makes up the estimate (see the module note). */
export const COST_WINDOW = 8;
/** `minSlack: auto`: slack needed = estimate + max(estimate / 4, this), ns. */
export const AUTO_MARGIN_NS = 50_000;
/**
 * `auto` planning: from this young-generation fill on, a due collection runs in the frame's
 * slack even when the estimate says it does not fit (see the module note).
 */
export const FORCE_FILL = 0.8;
/** Planned collections listed individually in the summary. */
export const PLANNED_EVENTS_KEPT = 100;
/**
 * The heap is probed after every frame (three ~35 ns binding calls) whenever `auto`
 * planning or warnings are on. Probing only every 16th frame made that path rare enough
 * to be compiled late, inside the measurement (~350 KB of heap growth, seen in
 * test/gc-zero-allocation.test.ts); every frame keeps it hot from the warm-up on.
 */
export const WARN_PROBE_EVERY_FRAMES = 1;

/** Planned-collection settings (config `gc.planned`, resolved). */
export interface PlannedGcSettings {
  readonly enabled: boolean;
  /** Collect every this many frames; null: `auto` (by young-generation fill). */
  readonly everyFrames: number | null;
  /** Slack a collection needs at least, ns; null: `auto` (estimated cost + max(25 %, 50 µs)). */
  readonly minSlackNs: number | null;
  /** `auto`: collect once the young generation is this full (0–1). */
  readonly youngFill: number;
}

/** Early-warning settings (config `gc.warn`, resolved). */
export interface GcWarnSettings {
  readonly enabled: boolean;
  /** Warn when the young generation is this full (0–1). */
  readonly youngFill: number;
  /** Warn when the old generation grew by this many bytes. */
  readonly oldGrowthBytes: number;
}

/** Options of {@link PlannedGc}. */
export interface PlannedGcOptions {
  /** The executive's clock (costs and times are read on it). */
  readonly clock: Clock;
  /** V8's `gc` (see `obtainGcFunction`). */
  readonly gc: GcFunction;
  readonly planned: PlannedGcSettings;
  readonly warn: GcWarnSettings;
  /** Where heap figures come from. @default a new {@link HeapProbe} */
  readonly probe?: HeapFigures;
}

/** One planned collection in the summary. Times relative to the origin given to `summary`. */
export interface PlannedGcEvent {
  /** Start, ns. */
  readonly atNs: number;
  readonly durationNs: number;
  /** Next release − end, ns: the slack left (negative: the collection ran into the next frame). */
  readonly slackLeftNs: number;
  /** Frame count (hook calls since reset) when it ran. */
  readonly frame: number;
}

/** One kind of early warning in the summary. */
export interface GcWarning {
  /** `young-nearly-full`: a scavenge was imminent; `old-growth`: a mark-compact is coming. */
  readonly kind: 'young-nearly-full' | 'old-growth';
  /** Episodes (threshold crossings). */
  readonly count: number;
  /** First crossing, ns since the origin. */
  readonly firstAtNs: number;
  /** Worst figure: young fill (0–1) or old-generation growth (bytes). */
  readonly worst: number;
}

/** What governance did (`gc.governance` in the run report). */
export interface GcGovernanceSummary {
  readonly planned: {
    readonly enabled: boolean;
    /** `auto` or frames. */
    readonly every: 'auto' | number;
    /** `auto` (estimate + max(25 %, 50 µs)) or ns. */
    readonly minSlackNs: 'auto' | number;
    /** `auto`: the fill that triggers a collection. */
    readonly youngFill: number;
    /** Planned collections run. */
    readonly count: number;
    /** Due collections put off for want of slack (each frame counts). */
    readonly deferred: number;
    /** Planned collections that ended after the next release (ran into a frame). */
    readonly late: number;
    /** Collections run although the estimate did not fit the slack, the young generation at {@link FORCE_FILL} (`auto`). */
    readonly forced: number;
    /** Cost estimate at the end (third largest of the last {@link COST_WINDOW}), ns. */
    readonly costEstimateNs: number;
    /** Largest cost seen (calibration included), ns. */
    readonly costMaxNs: number;
    /** Sum of planned pauses, ns. */
    readonly totalPauseNs: number;
    /** The first {@link PLANNED_EVENTS_KEPT} planned collections. */
    readonly events: readonly PlannedGcEvent[];
  };
  readonly warn: {
    readonly enabled: boolean;
    readonly youngFill: number;
    readonly oldGrowthBytes: number;
    readonly warnings: readonly GcWarning[];
  };
  /** How heap figures were read: `binding` (allocation-free) or `getHeapSpaceStatistics` (allocates). */
  readonly heapProbe: 'binding' | 'getHeapSpaceStatistics';
}

/** State offsets (`S_*`) in `PlannedGc.s`. */
const S_FRAMES = 0;
const S_LAST_GC_FRAME = 1;
const S_CHECK_FRAME = 2;
const S_PLANNED = 3;
const S_DEFERRED = 4;
const S_LATE = 5;
const S_COST_EST = 6;
const S_COST_MAX = 7;
const S_TOTAL_NS = 8;
const S_COST_NEXT = 9;
const S_YOUNG_ABOVE = 10;
const S_YOUNG_COUNT = 11;
const S_YOUNG_FIRST = 12;
const S_YOUNG_WORST = 13;
const S_OLD_BASE = 14;
const S_OLD_COUNT = 15;
const S_OLD_FIRST = 16;
const S_OLD_WORST = 17;
const S_START = 18;
const S_END = 19;
/** Costs in the window so far (≤ COST_WINDOW). */
const S_COST_SAMPLES = 20;
/** Arguments of the non-inlined helpers: doubles travel through `s`, never as call arguments (no boxing). */
const S_ARG_FILL = 21;
const S_ARG_NOW = 22;
const S_ARG_COST = 23;
const S_ARG_NEXT = 24;
/** The `GC_WARN_*` code of an episode that began at this check (0: none). */
const S_ARG_WARN = 25;
/** Collections run without the slack the estimate asked for (`FORCE_FILL`). */
const S_FORCED = 26;
/** Young-generation fill at the last probe (0–1). */
const S_FILL = 27;
const S_SIZE = 28;

/** Frames {@link PlannedGc.warm} runs by default: thousands of heap checks. */
const WARM_FRAMES = 50_000;

/** Planned-event record offsets (`E_*`) in `PlannedGc.events`. */
const E_START = 0;
const E_DURATION = 1;
const E_SLACK_LEFT = 2;
const E_FRAME = 3;
const E_SIZE = 4;

/** GC governance for one loop; see the module note. Pass it to the executive as `slackHook`. */
export class PlannedGc {
  private readonly clock: Clock;
  private readonly gc: GcFunction;
  private readonly probe: HeapFigures;
  private readonly heap: Float64Array;
  /** Preallocated: `gc()` reads it, nothing is created per collection. */
  private readonly minorOptions = { type: 'minor' as const };
  private readonly s = new Float64Array(S_SIZE);
  private readonly costs = new Float64Array(COST_WINDOW);
  private readonly events = new Float64Array(PLANNED_EVENTS_KEPT * E_SIZE);
  private readonly plannedOn: boolean;
  private readonly everyFrames: number;
  private readonly minSlackNs: number;
  private readonly plannedFill: number;
  private readonly warnOn: boolean;
  private readonly warnFill: number;
  private readonly oldGrowthBytes: number;
  /** Frames between heap probes (1 with `auto` planning). */
  private readonly probeEvery: number;
  private readonly settings: { readonly planned: PlannedGcSettings; readonly warn: GcWarnSettings };

  constructor(options: PlannedGcOptions) {
    const { planned, warn } = options;
    if (planned.everyFrames !== null && !(Number.isInteger(planned.everyFrames) && planned.everyFrames >= 1))
      throw new RangeError(`PlannedGc: everyFrames must be an integer >= 1, got ${planned.everyFrames}`);
    if (!(planned.youngFill > 0 && planned.youngFill <= 1))
      throw new RangeError(`PlannedGc: planned.youngFill must be in (0, 1], got ${planned.youngFill}`);
    if (!(warn.youngFill > 0 && warn.youngFill <= 1))
      throw new RangeError(`PlannedGc: warn.youngFill must be in (0, 1], got ${warn.youngFill}`);
    this.clock = options.clock;
    this.gc = options.gc;
    this.probe = options.probe ?? new HeapProbe();
    this.heap = this.probe.values;
    this.settings = { planned, warn };
    this.plannedOn = planned.enabled;
    this.everyFrames = planned.everyFrames ?? 0;
    this.minSlackNs = planned.minSlackNs ?? -1;
    this.plannedFill = planned.youngFill;
    this.warnOn = warn.enabled;
    this.warnFill = warn.youngFill;
    this.oldGrowthBytes = warn.oldGrowthBytes;
    this.probeEvery =
      (planned.enabled && planned.everyFrames === null) || warn.enabled ? WARN_PROBE_EVERY_FRAMES : 0;
    this.reset();
  }

  /** Planned collections since the last reset. */
  get plannedCount(): number {
    return this.s[S_PLANNED]!;
  }

  /** Current cost estimate, ns (third largest of the last {@link COST_WINDOW} collections). */
  get costEstimateNs(): number {
    return this.s[S_COST_EST]!;
  }

  /**
   * Measures the collection's cost `rounds` times (start-up; not counted as planned) and
   * seeds the estimate with the last {@link COST_WINDOW} of them. Call after warm-up.
   */
  calibrate(rounds: number): void {
    for (let i = 0; i < rounds; i++) {
      const t0 = this.clock.nowNs();
      this.gc(this.minorOptions);
      this.s[S_ARG_COST] = this.clock.nowNs() - t0;
      this.addCost();
    }
  }

  /**
   * Runs the slack hook `frames` times on frames with no slack (a due collection is
   * deferred, never run), so its per-frame path and the heap checks are compiled before
   * measurement: run first inside the measured window, they box every double until V8
   * optimises them, later still on a loaded machine. Counts what it sees: call
   * {@link reset} afterwards. Cold (start-up).
   */
  warm(frames: number = WARM_FRAMES): void {
    const times = new Float64Array(3);
    for (let i = 0; i < frames; i++) {
      const now = this.clock.nowNs();
      times[0] = now;
      times[1] = now;
      times[2] = 0;
      this.afterFrame(times, 0);
    }
  }

  /**
   * Zeroes the counts, warnings and event log (the cost estimate stays) and takes the
   * old generation's current size as the warning baseline. Call when measurement starts.
   */
  reset(): void {
    const s = this.s;
    s[S_FRAMES] = 0;
    s[S_LAST_GC_FRAME] = 0;
    s[S_CHECK_FRAME] = 0;
    s[S_PLANNED] = 0;
    s[S_DEFERRED] = 0;
    s[S_LATE] = 0;
    s[S_FORCED] = 0;
    s[S_TOTAL_NS] = 0;
    s[S_YOUNG_ABOVE] = 0;
    s[S_YOUNG_COUNT] = 0;
    s[S_YOUNG_FIRST] = 0;
    s[S_YOUNG_WORST] = 0;
    s[S_OLD_COUNT] = 0;
    s[S_OLD_FIRST] = 0;
    s[S_OLD_WORST] = 0;
    this.probe.update();
    s[S_OLD_BASE] = this.heap[HP_OLD_USED]!;
  }

  /**
   * The executive's slack hook: `times[at]` = the frame's end (the executive's last clock
   * read), `times[at + 1]` = the next release, ns. Allocation-free; never throws.
   */
  afterFrame(times: Float64Array, at: number): void {
    const s = this.s;
    const frame = s[S_FRAMES]! + 1;
    s[S_FRAMES] = frame;
    let due = this.plannedOn && this.everyFrames > 0 && frame - s[S_LAST_GC_FRAME]! >= this.everyFrames;
    if (this.probeEvery > 0 && frame - s[S_CHECK_FRAME]! >= this.probeEvery) {
      s[S_CHECK_FRAME] = frame;
      this.probe.update();
      const heap = this.heap;
      const fill = heap[HP_YOUNG_USED]! / heap[HP_YOUNG_CAPACITY]!;
      s[S_FILL] = fill;
      if (this.plannedOn && this.everyFrames === 0 && fill >= this.plannedFill) due = true;
      if (this.warnOn) {
        s[S_ARG_FILL] = fill;
        s[S_ARG_NOW] = times[at]!;
        this.checkWarnings();
        // A new episode is a `gc-warn` alarm (the executive raises it from times[at + 2]).
        if (s[S_ARG_WARN] !== 0) times[at + 2] = s[S_ARG_WARN]!;
      }
    }
    if (!due) return;
    s[S_START] = this.clock.nowNs();
    const est = s[S_COST_EST]!;
    const need =
      this.minSlackNs < 0 ? est + Math.max(est / 4, AUTO_MARGIN_NS) : Math.max(this.minSlackNs, est);
    if (times[at + 1]! - s[S_START]! < need) {
      if (!(this.everyFrames === 0 && s[S_FILL]! >= FORCE_FILL)) {
        s[S_DEFERRED]!++;
        return;
      }
      s[S_FORCED]!++;
    }
    this.gc(this.minorOptions);
    s[S_END] = this.clock.nowNs();
    s[S_ARG_NEXT] = times[at + 1]!;
    this.recordPlanned();
  }

  /** Counts and logs the collection that just ran (`S_START`..`S_END`, next release `S_ARG_NEXT`). */
  private recordPlanned(): void {
    const s = this.s;
    const frame = s[S_FRAMES]!;
    const duration = s[S_END]! - s[S_START]!;
    const slackLeft = s[S_ARG_NEXT]! - s[S_END]!;
    const n = s[S_PLANNED]!;
    if (n < PLANNED_EVENTS_KEPT) {
      const o = n * E_SIZE;
      const e = this.events;
      e[o + E_START] = s[S_START]!;
      e[o + E_DURATION] = duration;
      e[o + E_SLACK_LEFT] = slackLeft;
      e[o + E_FRAME] = frame;
    }
    s[S_PLANNED] = n + 1;
    s[S_TOTAL_NS] = s[S_TOTAL_NS]! + duration;
    if (slackLeft < 0) s[S_LATE]!++;
    s[S_LAST_GC_FRAME] = frame;
    s[S_ARG_COST] = duration;
    this.addCost();
  }

  /** Adds the measured cost `S_ARG_COST` to the window and recomputes the estimate. */
  private addCost(): void {
    const s = this.s;
    const costNs = s[S_ARG_COST]!;
    const c = this.costs;
    const i = s[S_COST_NEXT]!;
    c[i] = costNs;
    s[S_COST_NEXT] = i + 1 === COST_WINDOW ? 0 : i + 1;
    if (s[S_COST_SAMPLES]! < COST_WINDOW) s[S_COST_SAMPLES]!++;
    // The third largest: up to two collections stretched by preemption do not count (with
    // fewer than three samples so far, the largest).
    let a = 0;
    let b = 0;
    let d = 0;
    for (let k = 0; k < COST_WINDOW; k++) {
      const v = c[k]!;
      if (v > a) {
        d = b;
        b = a;
        a = v;
      } else if (v > b) {
        d = b;
        b = v;
      } else if (v > d) d = v;
    }
    s[S_COST_EST] = s[S_COST_SAMPLES]! < 3 ? a : d;
    if (costNs > s[S_COST_MAX]!) s[S_COST_MAX] = costNs;
  }

  /** Early-warning checks on fresh heap figures (`S_ARG_FILL`, `S_ARG_NOW`; episodes: each crossing counts once). */
  private checkWarnings(): void {
    const s = this.s;
    const fill = s[S_ARG_FILL]!;
    const nowNs = s[S_ARG_NOW]!;
    s[S_ARG_WARN] = 0;
    if (fill >= this.warnFill) {
      if (s[S_YOUNG_ABOVE] === 0) {
        s[S_YOUNG_ABOVE] = 1;
        if (s[S_YOUNG_COUNT] === 0) s[S_YOUNG_FIRST] = nowNs;
        s[S_YOUNG_COUNT]!++;
        s[S_ARG_WARN] = GC_WARN_YOUNG;
      }
      if (fill > s[S_YOUNG_WORST]!) s[S_YOUNG_WORST] = fill;
    } else {
      s[S_YOUNG_ABOVE] = 0;
    }
    const growth = this.heap[HP_OLD_USED]! - s[S_OLD_BASE]!;
    if (growth >= this.oldGrowthBytes) {
      if (s[S_OLD_COUNT] === 0) s[S_OLD_FIRST] = nowNs;
      s[S_OLD_COUNT]!++;
      if (growth > s[S_OLD_WORST]!) s[S_OLD_WORST] = growth;
      s[S_ARG_WARN] = GC_WARN_OLD;
      // Next warning after another `oldGrowthBytes`.
      s[S_OLD_BASE] = this.heap[HP_OLD_USED]!;
    }
  }

  /** What governance did since the last reset; times relative to `originNs` (cold; allocates). */
  summary(originNs: number): GcGovernanceSummary {
    const s = this.s;
    const { planned, warn } = this.settings;
    const events: PlannedGcEvent[] = [];
    const kept = Math.min(s[S_PLANNED]!, PLANNED_EVENTS_KEPT);
    for (let i = 0; i < kept; i++) {
      const o = i * E_SIZE;
      const e = this.events;
      events.push({
        atNs: e[o + E_START]! - originNs,
        durationNs: e[o + E_DURATION]!,
        slackLeftNs: e[o + E_SLACK_LEFT]!,
        frame: e[o + E_FRAME]!,
      });
    }
    const warnings: GcWarning[] = [];
    if (s[S_YOUNG_COUNT]! > 0)
      warnings.push({
        kind: 'young-nearly-full',
        count: s[S_YOUNG_COUNT]!,
        firstAtNs: s[S_YOUNG_FIRST]! - originNs,
        worst: s[S_YOUNG_WORST]!,
      });
    if (s[S_OLD_COUNT]! > 0)
      warnings.push({
        kind: 'old-growth',
        count: s[S_OLD_COUNT]!,
        firstAtNs: s[S_OLD_FIRST]! - originNs,
        worst: s[S_OLD_WORST]!,
      });
    return {
      planned: {
        enabled: planned.enabled,
        every: planned.everyFrames ?? 'auto',
        minSlackNs: planned.minSlackNs ?? 'auto',
        youngFill: planned.youngFill,
        count: s[S_PLANNED]!,
        deferred: s[S_DEFERRED]!,
        late: s[S_LATE]!,
        forced: s[S_FORCED]!,
        costEstimateNs: s[S_COST_EST]!,
        costMaxNs: s[S_COST_MAX]!,
        totalPauseNs: s[S_TOTAL_NS]!,
        events,
      },
      warn: {
        enabled: warn.enabled,
        youngFill: warn.youngFill,
        oldGrowthBytes: warn.oldGrowthBytes,
        warnings,
      },
      heapProbe: this.probe.allocationFree ? 'binding' : 'getHeapSpaceStatistics',
    };
  }
}
