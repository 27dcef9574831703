/**
 * Absolute release times of a periodic loop.
 *
 * Why computed and never accumulated: `next += frameNs` rounds at every step, and the
 * errors add up. Integer periods happen to be exact below 2^53, but any period that is
 * not a whole number of ns (a 3 kHz frame is 333 333.33… ns) drifts: starting at 30 days
 * of uptime (~2.6e15 ns, where one ulp is 0.5 ns), the accumulated release is 1.67 ms
 * off after 10^7 frames, while `t0 + k·f` rounds twice per call, independently of k,
 * and stays within one ulp (≤ 1 ns below 2^53 ns ≈ 104 days of uptime); both measured in
 * test/time-release.test.ts. For integer `t0`, `k`, `f` with a result below 2^53 it is
 * exact. Lateness is then always measured against where the release *should* be, so a late
 * wake-up never shifts the following releases (no drift, no phase creep).
 *
 * Allocation contract: pure arithmetic, never allocates (when inlined by the caller).
 */

/**
 * Release time of frame `k`: `t0Ns + k·frameNs`, computed in one step.
 *
 * @param t0Ns release time of frame 0 (ns on the loop's clock)
 * @param k frame index (integer ≥ 0)
 * @param frameNs frame length (ns)
 * @returns the absolute release time of frame `k` in ns
 */
export function releaseTimeNs(t0Ns: number, k: number, frameNs: number): number {
  return t0Ns + k * frameNs;
}
