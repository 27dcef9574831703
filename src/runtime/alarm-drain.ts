/**
 * Cold-side delivery of queued alarms to a listener, rate-limited per kind.
 *
 * Rate limit: per kind, windows of `windowNs` (1 s) on the executive's clock, opened by
 * the first alarm of that kind after the previous window ended. The first `ratePerSecond`
 * alarms of a window are delivered as they are; the rest are suppressed, and when the
 * window is over (a later alarm of that kind arrives after it, a drain runs at a time past
 * it, or a flush is asked for) one summary record is delivered: `suppressed` = how many,
 * `firstFrame`/`firstTimeNs` = the first suppressed one, the other fields = the last one.
 * Totals per kind stay exact in the ring's `totals` whatever is suppressed.
 *
 * Allocation contract: allocates in the constructor only. `drain` itself allocates
 * nothing: it fills ONE reused {@link AlarmRecordView} (strings are preexisting
 * references) — so it may run in frame slack if the listener allocates nothing either.
 * Listeners must copy what they keep. Threading: the executive's thread, between frames.
 */
import type { AlarmKindName } from '../config/types.js';
import { ALARM_KINDS, KIND_COUNT } from './alarm-kinds.js';
import {
  ALARM_FRAME,
  ALARM_KIND,
  ALARM_MODE,
  ALARM_RECORD,
  ALARM_TASK,
  ALARM_TIME,
  ALARM_VALUE,
  type AlarmRing,
} from './alarm-ring.js';

/**
 * One alarm as handed to a listener. The same object is reused for every record of a
 * drain: copy the fields you keep.
 */
export interface AlarmRecordView {
  /** Kind name. */
  kind: AlarmKindName;
  /** Numeric kind id (index into `ALARM_KINDS`). */
  kindId: number;
  /** Name of the mode the alarm was raised in. */
  mode: string;
  /** Index of that mode. */
  modeIndex: number;
  /** Task index in its mode's task list, or −1 when the alarm concerns no task. */
  taskIndex: number;
  /** Task name, or null when the alarm concerns no task. */
  task: string | null;
  /** Frame index since start. */
  frame: number;
  /** Time on the executive's clock, ns. */
  timeNs: number;
  /** Kind-specific value (see the `KIND_*` constants in `alarm-kinds.ts`). */
  value: number;
  /**
   * 0 for a plain alarm. For a rate-limit summary: the number of alarms of this kind
   * suppressed in the window; `frame`/`timeNs`/`value`/task are then the last suppressed
   * alarm's and `firstFrame`/`firstTimeNs` the first's.
   */
  suppressed: number;
  /** Summary only: frame of the first suppressed alarm (else equal to `frame`). */
  firstFrame: number;
  /** Summary only: time of the first suppressed alarm (else equal to `timeNs`). */
  firstTimeNs: number;
}

/**
 * The reused {@link AlarmRecordView}. The measured executive's drain is made before the
 * warm-up, whose drains then change how V8 stores some field of the view (times past 2³¹ ns
 * are doubles; `task` holds a name or null): the measured drain's first alarm met optimised
 * code that expected the newer layout and deoptimised ("wrong map", seen with --trace-deopt).
 * Here every number starts as a double and `task` takes both kinds of value at construction,
 * so no field changes afterwards (checked: no such deopt).
 */
class AlarmView implements AlarmRecordView {
  declare kind: AlarmKindName;
  declare kindId: number;
  declare mode: string;
  declare modeIndex: number;
  declare taskIndex: number;
  declare task: string | null;
  declare frame: number;
  declare timeNs: number;
  declare value: number;
  declare suppressed: number;
  declare firstFrame: number;
  declare firstTimeNs: number;

  constructor(mode: string) {
    this.kind = 'overrun';
    this.kindId = Number.NaN;
    this.mode = mode;
    this.modeIndex = Number.NaN;
    this.taskIndex = Number.NaN;
    // Both kinds of value `fill` stores, so the field holds either from the first instance on.
    this.task = '';
    this.task = null;
    this.frame = Number.NaN;
    this.timeNs = Number.NaN;
    this.value = Number.NaN;
    this.suppressed = Number.NaN;
    this.firstFrame = Number.NaN;
    this.firstTimeNs = Number.NaN;
  }
}

/** Per-kind limiter state offsets (`LIM_*`), `LIM_SIZE` doubles per kind. */
const LIM_WINDOW_START = 0;
const LIM_DELIVERED = 1;
const LIM_SUPPRESSED = 2;
const LIM_FIRST_FRAME = 3;
const LIM_FIRST_TIME = 4;
/** Last suppressed record, ALARM_RECORD doubles. */
const LIM_LAST = 5;
const LIM_SIZE = LIM_LAST + ALARM_RECORD;

/** Delivers alarms from an {@link AlarmRing} with a per-kind rate limit. */
export class AlarmDrain {
  private readonly lim: Float64Array;
  private readonly rec = new Float64Array(ALARM_RECORD);
  private readonly view: AlarmRecordView;

  /**
   * @param ring the ring to read.
   * @param modeNames mode names by mode index.
   * @param taskNames task names per mode, by task index.
   * @param ratePerSecond alarms of one kind delivered per window (`Infinity`: no limit).
   * @param windowNs window length. @default 1e9
   */
  constructor(
    private readonly ring: AlarmRing,
    private readonly modeNames: readonly string[],
    private readonly taskNames: readonly (readonly string[])[],
    private readonly ratePerSecond: number,
    private readonly windowNs = 1e9,
  ) {
    if (!(ratePerSecond >= 0)) throw new RangeError(`ratePerSecond must be >= 0, got ${ratePerSecond}`);
    this.lim = new Float64Array(KIND_COUNT * LIM_SIZE);
    for (let k = 0; k < KIND_COUNT; k++) this.lim[k * LIM_SIZE + LIM_WINDOW_START] = Number.NEGATIVE_INFINITY;
    this.view = new AlarmView(modeNames[0] ?? '');
  }

  /**
   * Delivers every queued alarm (subject to the rate limit), then the summaries of
   * windows that ended before `nowNs` (all pending summaries when `flush`).
   * Returns the number of records handed to `listener` (summaries included).
   */
  drain(listener: (a: AlarmRecordView) => void, nowNs: number, flush: boolean): number {
    let delivered = 0;
    const rec = this.rec;
    const lim = this.lim;
    while (this.ring.tryShift(rec, 0)) {
      const kind = rec[ALARM_KIND]!;
      const t = rec[ALARM_TIME]!;
      const l = kind * LIM_SIZE;
      if (t >= lim[l + LIM_WINDOW_START]! + this.windowNs) {
        delivered += this.emitSummary(kind, listener);
        lim[l + LIM_WINDOW_START] = t;
        lim[l + LIM_DELIVERED] = 0;
      }
      if (lim[l + LIM_DELIVERED]! < this.ratePerSecond) {
        lim[l + LIM_DELIVERED]!++;
        this.fill(rec, 0, 0, rec[ALARM_FRAME]!, t);
        listener(this.view);
        delivered++;
      } else {
        if (lim[l + LIM_SUPPRESSED] === 0) {
          lim[l + LIM_FIRST_FRAME] = rec[ALARM_FRAME]!;
          lim[l + LIM_FIRST_TIME] = t;
        }
        lim[l + LIM_SUPPRESSED]!++;
        lim.set(rec, l + LIM_LAST);
      }
    }
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      const l = kind * LIM_SIZE;
      if (flush || nowNs >= lim[l + LIM_WINDOW_START]! + this.windowNs) {
        delivered += this.emitSummary(kind, listener);
      }
    }
    return delivered;
  }

  /** Delivers the summary of `kind`'s suppressed alarms, if any. Returns 1 or 0. */
  private emitSummary(kind: number, listener: (a: AlarmRecordView) => void): number {
    const lim = this.lim;
    const l = kind * LIM_SIZE;
    const n = lim[l + LIM_SUPPRESSED]!;
    if (n === 0) return 0;
    this.fill(lim, l + LIM_LAST, n, lim[l + LIM_FIRST_FRAME]!, lim[l + LIM_FIRST_TIME]!);
    lim[l + LIM_SUPPRESSED] = 0;
    listener(this.view);
    return 1;
  }

  private fill(
    src: Float64Array,
    o: number,
    suppressed: number,
    firstFrame: number,
    firstTimeNs: number,
  ): void {
    const v = this.view;
    const kind = src[o + ALARM_KIND]!;
    const mode = src[o + ALARM_MODE]!;
    const task = src[o + ALARM_TASK]!;
    v.kindId = kind;
    v.kind = ALARM_KINDS[kind]!;
    v.modeIndex = mode;
    v.mode = this.modeNames[mode]!;
    v.taskIndex = task;
    v.task = task >= 0 ? this.taskNames[mode]![task]! : null;
    v.frame = src[o + ALARM_FRAME]!;
    v.timeNs = src[o + ALARM_TIME]!;
    v.value = src[o + ALARM_VALUE]!;
    v.suppressed = suppressed;
    v.firstFrame = firstFrame;
    v.firstTimeNs = firstTimeNs;
  }
}
