/**
 * The RT-throttling hazard of a SCHED_FIFO loop.
 *
 * Linux lets real-time threads use at most `sched_rt_runtime_us` of every
 * `sched_rt_period_us` on a CPU (950 000 of 1 000 000 here: 95 %). A FIFO thread that
 * exceeds it is not preempted gracefully: the whole RT class on that CPU is stalled until
 * the period ends (for a thread spinning 100 %: the rest of every period), and
 * every release in that window is late by tens of milliseconds.
 *
 * What a FIFO loop thread consumes per frame, at worst: the waiter's spin (it sleeps until
 * `release − margin`, then spins at most `margin`; a pure spin waiter spins the whole
 * frame) plus the frame's work (the planned load: the sum of the slot budgets in the
 * fullest frame). Sleeping costs nothing. Frames are far shorter than the RT period, so
 * the share of one frame is the share of the period:
 *
 *     busyShare = (spinNsPerFrame + loadNsPerFrame) / frameNs
 *     budget    = sched_rt_runtime_us / sched_rt_period_us
 *     hazard    ⇔ busyShare > budget − RT_THROTTLE_HEADROOM
 *
 * The headroom (10 % of a CPU) covers what the per-frame figure leaves out: late wake-ups
 * that start the spin early, catch-up frames run back to back, alarm draining, other RT
 * threads on the same CPU. A frame that overruns leaves no sleep at all: a loop stuck in
 * overruns at FIFO *will* be throttled, which is one more reason for overrun policies.
 *
 * `sched_rt_runtime_us = -1` disables throttling: no stall, but a FIFO loop stuck in a
 * task then owns its CPU for good. That is reported as a note, not a hazard.
 *
 * Cold path; reads two procfs files. Never throws.
 */
import { readFileSync } from 'node:fs';

/** Headroom kept below the RT budget share (see the module note). */
export const RT_THROTTLE_HEADROOM = 0.1;

/** Where the kernel exposes the RT bandwidth limits. */
export const RT_RUNTIME_PATH = '/proc/sys/kernel/sched_rt_runtime_us';
export const RT_PERIOD_PATH = '/proc/sys/kernel/sched_rt_period_us';

/** The loop's timing, as the RT thread will see it. */
export interface RtThrottlingInput {
  /** Minor frame length, ns. */
  readonly frameNs: number;
  /** Most the waiter spins per frame, ns: its margin (the frame for a pure spin waiter; 0 for a pure sleep). */
  readonly spinNsPerFrame: number;
  /** Planned work of the fullest frame, ns. @default 0 */
  readonly loadNsPerFrame?: number;
  /** procfs paths (tests inject others). */
  readonly paths?: { readonly runtime?: string; readonly period?: string };
}

/** The check's figures and verdict (embedded in run reports). */
export interface RtThrottlingCheck {
  /** `sched_rt_runtime_us`, or null when unreadable (-1: throttling disabled). */
  readonly rtRuntimeUs: number | null;
  /** `sched_rt_period_us`, or null when unreadable. */
  readonly rtPeriodUs: number | null;
  /** runtime / period (null when unreadable or disabled). */
  readonly budgetShare: number | null;
  /** spin / frame. */
  readonly spinShare: number;
  /** (spin + load) / frame. */
  readonly busyShare: number;
  /** The largest busy share accepted: budget − headroom (null when unknown or disabled). */
  readonly limitShare: number | null;
  /** True when the loop could be throttled. */
  readonly hazard: boolean;
  /** A line for the user: the hazard and its fix, or a note; null when all is well. */
  readonly warning: string | null;
}

/**
 * Checks whether a SCHED_FIFO loop with this frame, spin and load could hit RT
 * throttling (see the module note for the computation). Never throws.
 */
export function checkRtThrottling(input: RtThrottlingInput): RtThrottlingCheck {
  const frameNs = input.frameNs;
  const spinNs = Math.max(0, Math.min(input.spinNsPerFrame, frameNs));
  const loadNs = Math.max(0, input.loadNsPerFrame ?? 0);
  const spinShare = frameNs > 0 ? spinNs / frameNs : 1;
  const busyShare = frameNs > 0 ? Math.min(1, (spinNs + loadNs) / frameNs) : 1;
  const rtRuntimeUs = readInt(input.paths?.runtime ?? RT_RUNTIME_PATH);
  const rtPeriodUs = readInt(input.paths?.period ?? RT_PERIOD_PATH);
  const base = { rtRuntimeUs, rtPeriodUs, spinShare, busyShare };
  if (rtRuntimeUs === null || rtPeriodUs === null || rtPeriodUs <= 0) {
    return {
      ...base,
      budgetShare: null,
      limitShare: null,
      hazard: false,
      warning:
        process.platform === 'linux'
          ? `cannot read ${RT_RUNTIME_PATH} / ${RT_PERIOD_PATH}: RT throttling budget unknown (spin ${pct(spinShare)}, busy ${pct(busyShare)} of each frame)`
          : null,
    };
  }
  if (rtRuntimeUs < 0) {
    return {
      ...base,
      budgetShare: null,
      limitShare: null,
      hazard: false,
      warning: `RT throttling is disabled (sched_rt_runtime_us = -1): no stalls, but a FIFO loop stuck in a task would own its CPU until stopped`,
    };
  }
  const budgetShare = rtRuntimeUs / rtPeriodUs;
  const limitShare = Math.max(0, budgetShare - RT_THROTTLE_HEADROOM);
  const hazard = busyShare > limitShare;
  const warning = hazard
    ? `RT throttling hazard: at SCHED_FIFO the loop may use ${pct(busyShare)} of its CPU per frame (spin ${formatUs(spinNs)} + work ${formatUs(loadNs)} of a ${formatUs(frameNs)} frame), above ${pct(limitShare)} (the RT budget ${rtRuntimeUs}/${rtPeriodUs} µs = ${pct(budgetShare)}, minus ${pct(RT_THROTTLE_HEADROOM)} headroom); the kernel would stall it for ~${Math.round((rtPeriodUs - rtRuntimeUs) / 1000)} ms per ${Math.round(rtPeriodUs / 1000)} ms. Lower the waiter margin, use a longer frame, or drop the priority`
    : null;
  return { ...base, budgetShare, limitShare, hazard, warning };
}

function readInt(path: string): number | null {
  try {
    const value = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(value) ? value : null;
  } catch {
    return null;
  }
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function formatUs(ns: number): string {
  return `${Math.round(ns / 100) / 10} µs`;
}
