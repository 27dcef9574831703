/**
 * CPU steal sampling (src/report/steal.ts) and steal attribution of pauses (pauses.ts):
 * the /proc/stat parsing, the real /proc/stat read, the sampler's retention (rolling
 * window + pinned windows around pauses) on recorded readings, the interval containing a
 * pause, and attribution with per-interval samples versus the run-wide figure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attributePauses, describePauseCause } from '../src/report/pauses.js';
import {
  NS_PER_STEAL_TICK,
  parseStealNs,
  readStealNs,
  type StealSample,
  StealSampler,
  stealAround,
  stealTicksInHead,
} from '../src/report/steal.js';

const MS = 1e6;
const S = 1e9;

describe('parseStealNs', () => {
  it('reads the 8th value of the cpu line, in ticks of 10 ms', () => {
    const text = 'cpu  657257 16 227637 1116682 1297 0 10189 42 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n';
    expect(parseStealNs(text)).toBe(42 * NS_PER_STEAL_TICK);
    expect(NS_PER_STEAL_TICK).toBe(10 * MS);
    expect(parseStealNs('cpu 1 2 3 4 5 6 7 0')).toBe(0);
  });

  it('gives null for text without a usable cpu line', () => {
    expect(parseStealNs('')).toBeNull();
    expect(parseStealNs('cpu0 1 2 3 4 5 6 7 8 9')).toBeNull();
    expect(parseStealNs('cpu 1 2 3 4 5 6 7')).toBeNull(); // an old kernel without steal
    expect(parseStealNs('cpu 1 2 3 4 5 6 7 x')).toBeNull();
    expect(parseStealNs('intr 1 2 3\ncpu 1 2 3 4 5 6 7 8')).toBeNull();
  });

  it("with cpus: the sum over those CPUs' lines (a pinned loop's steal), null when one is missing", () => {
    const text = 'cpu  1 2 3 4 5 6 7 50 0 0\ncpu0 1 2 3 4 5 6 7 20 0 0\ncpu1 1 2 3 4 5 6 7 30 0 0\nintr 5\n';
    expect(parseStealNs(text, [1])).toBe(30 * NS_PER_STEAL_TICK);
    expect(parseStealNs(text, [0, 1])).toBe(50 * NS_PER_STEAL_TICK);
    expect(parseStealNs(text, [])).toBe(50 * NS_PER_STEAL_TICK);
    expect(parseStealNs(text, [2])).toBeNull();
    const sampler = new StealSampler({ cpus: [1] });
    expect(sampler.cpus).toEqual([1]);
    expect(new StealSampler().cpus).toBeNull();
  });
});

describe('stealTicksInHead', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  const stat =
    'cpu  10 20 30 40 50 60 70 812 0 0\ncpu0 1 2 3 4 5 6 7 400 0 0\ncpu1 1 2 3 4 5 6 7 412 0 0\nintr 5 6\n';

  it('reads the 8th value of the named line, from bytes', () => {
    const b = bytes(stat);
    expect(stealTicksInHead(b, b.length, 'cpu')).toBe(812);
    expect(stealTicksInHead(b, b.length, 'cpu0')).toBe(400);
    expect(stealTicksInHead(b, b.length, 'cpu1')).toBe(412);
  });

  it('undefined for a line not there or cut by the end of the head; null for a bad value', () => {
    const b = bytes(stat);
    expect(stealTicksInHead(b, b.length, 'cpu2')).toBeUndefined();
    const cut = stat.indexOf('412') + 2; // the head ends inside cpu1's steal value
    expect(stealTicksInHead(b, cut, 'cpu1')).toBeUndefined();
    expect(stealTicksInHead(b, cut, 'cpu0')).toBe(400);
    const short = bytes('cpu  1 2 3 4 5 6 7\n');
    expect(stealTicksInHead(short, short.length, 'cpu')).toBeNull();
    const word = bytes('cpu  1 2 3 4 5 6 7 x8 0\n');
    expect(stealTicksInHead(word, word.length, 'cpu')).toBeNull();
  });
});

describe('readStealNs', () => {
  it.runIf(existsSync('/proc/stat'))(
    "reads this machine's /proc/stat: a whole number of ticks, not decreasing",
    () => {
      const a = readStealNs();
      const b = readStealNs();
      expect(a).not.toBeNull();
      expect(a! % NS_PER_STEAL_TICK).toBe(0);
      expect(b!).toBeGreaterThanOrEqual(a!);
    },
  );

  it.runIf(existsSync('/proc/stat'))(
    'keeps /proc/stat open: a hundred readings open no file, and agree with a whole read',
    () => {
      readStealNs();
      const fds = readdirSync('/proc/self/fd').length;
      let last = 0;
      for (let i = 0; i < 100; i++) {
        const steal = readStealNs()!;
        expect(steal).toBeGreaterThanOrEqual(last);
        last = steal;
      }
      expect(readdirSync('/proc/self/fd').length).toBe(fds);
      const whole = parseStealNs(readFileSync('/proc/stat', 'latin1'))!;
      expect(whole).toBeGreaterThanOrEqual(last);
      expect(readStealNs()!).toBeGreaterThanOrEqual(whole);
    },
  );

  it('gives null for a file that does not exist', () => {
    expect(readStealNs('/nonexistent/proc/stat')).toBeNull();
  });

  it("reads a large machine's file whole: CPU lines past the 4 KiB head, a line cut by it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardtick-steal-'));
    try {
      // 100 CPUs: the last lines lie past the first 4096 bytes. The first line is padded so
      // the head ends inside the steal value of one CPU's line (40000 + i: 5 digits).
      const body: string[] = [];
      for (let i = 0; i < 100; i++)
        body.push(`cpu${i} 100000 2000 300000 4000000 500 0 70000 ${40000 + i} 0 0`);
      const first = 'cpu  1 2 3 4 5 6 7 999999 0 0';
      const plain = `${first}\n${body.join('\n')}\n`;
      // The last CPU whose steal value starts early enough to be cut after two digits.
      let cutCpu = -1;
      let stealAt = -1;
      for (let i = 0; i < 100; i++) {
        const at = plain.indexOf(` ${40000 + i} `) + 1;
        if (at + 2 <= 4096) [cutCpu, stealAt] = [i, at];
      }
      const pad = 4096 - (stealAt + 2); // the head keeps 2 of the 5 digits
      const text = `${first}${' '.repeat(pad)}\n${body.join('\n')}\nintr 1 2 3\n`;
      expect(text.slice(4094, 4096)).toBe(String(40000 + cutCpu).slice(0, 2));
      const file = join(dir, 'stat');
      writeFileSync(file, text);
      expect(readStealNs(file)).toBe(999999 * NS_PER_STEAL_TICK);
      expect(readStealNs(file, [cutCpu])).toBe((40000 + cutCpu) * NS_PER_STEAL_TICK);
      expect(readStealNs(file, [99])).toBe(40099 * NS_PER_STEAL_TICK);
      expect(readStealNs(file, [0, 99])).toBe((40000 + 40099) * NS_PER_STEAL_TICK);
      expect(readStealNs(file, [100])).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A sampler over recorded cumulative readings, one per `sample` call. */
function recorded(values: readonly number[], retainNs = 5 * S) {
  let i = 0;
  return new StealSampler({ read: () => values[i++] ?? null, retainNs });
}

describe('StealSampler', () => {
  it('keeps a rolling window, plus the samples pinned around a pause for good', () => {
    // 60 s of samples every 50 ms; steal grows by 1 tick every sample from 10 s to 10.5 s.
    const times: number[] = [];
    const values: number[] = [];
    let cumulative = 0;
    for (let t = 0; t <= 60 * S; t += 50 * MS) {
      if (t > 10 * S && t <= 10.5 * S) cumulative += NS_PER_STEAL_TICK;
      times.push(t);
      values.push(cumulative);
    }
    const sampler = recorded(values);
    for (const [k, t] of times.entries()) {
      expect(sampler.sample(t)).toBe(true);
      // The pause's alarm arrives 0.2 s after its end (10.3 s): pin ±2 s around that.
      if (t === 10.5 * S) sampler.pin(10.5 * S - 0.3 * S - 2 * S, 10.5 * S + 2 * S);
      void k;
    }
    const kept = sampler.samples();
    const keptTimes = kept.map((s) => s.atNs);
    // Pinned: 8.2 s … 12.5 s (and one either side); recent: the last 5 s; nothing else.
    expect(keptTimes[0]).toBe(8.15 * S);
    expect(keptTimes).toContain(10.2 * S);
    expect(keptTimes).toContain(12.55 * S);
    expect(keptTimes).not.toContain(12.6 * S);
    expect(keptTimes).not.toContain(30 * S);
    expect(keptTimes.filter((t) => t >= 55 * S)).toHaveLength(101);
    expect(kept.length).toBeLessThan(200);
    // Oldest first, values as read.
    for (let i = 1; i < kept.length; i++) expect(kept[i]!.atNs).toBeGreaterThan(kept[i - 1]!.atNs);
    expect(kept.find((s) => s.atNs === 10.5 * S)!.stealNs).toBe(10 * NS_PER_STEAL_TICK);
  });

  it('ignores pins past maxPins and stops once the figure is unavailable', () => {
    const sampler = new StealSampler({ read: () => null });
    expect(sampler.sample(0)).toBe(false);
    expect(sampler.available).toBe(false);
    expect(sampler.samples()).toEqual([]);
    const few = new StealSampler({ read: () => 0, retainNs: 1 * S, maxPins: 1 });
    few.pin(0, 1 * S);
    few.pin(5 * S, 6 * S); // ignored
    for (let t = 0; t <= 10 * S; t += 0.5 * S) few.sample(t);
    const times = few.samples().map((s) => s.atNs);
    expect(times).toContain(0.5 * S);
    expect(times).not.toContain(5.5 * S);
  });

  it.runIf(existsSync('/proc/stat'))('samples the real /proc/stat', () => {
    const sampler = new StealSampler();
    for (let i = 0; i < 5; i++) expect(sampler.sample(i * 50 * MS)).toBe(true);
    const samples = sampler.samples();
    expect(samples).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(samples[i]!.stealNs).toBeGreaterThanOrEqual(samples[i - 1]!.stealNs);
  });
});

describe('stealAround', () => {
  const samples: StealSample[] = [
    { atNs: 0, stealNs: 0 },
    { atNs: 50 * MS, stealNs: 10 * MS },
    { atNs: 100 * MS, stealNs: 10 * MS },
    { atNs: 150 * MS, stealNs: 60 * MS },
    { atNs: 200 * MS, stealNs: 70 * MS },
  ];

  it('gives the shortest sampled interval containing the pause, and its neighbours', () => {
    expect(stealAround(samples, 110 * MS, 140 * MS)).toEqual({
      containing: { fromNs: 100 * MS, toNs: 150 * MS, stealNs: 50 * MS },
      before: { fromNs: 50 * MS, toNs: 100 * MS, stealNs: 0 },
      after: { fromNs: 150 * MS, toNs: 200 * MS, stealNs: 10 * MS },
    });
    // Across a sample: two intervals.
    expect(stealAround(samples, 60 * MS, 140 * MS)?.containing).toEqual({
      fromNs: 50 * MS,
      toNs: 150 * MS,
      stealNs: 50 * MS,
    });
    expect(stealAround(samples, 10 * MS, 20 * MS)?.before).toBeNull();
  });

  it('is null when no sample precedes the pause or none follows it', () => {
    expect(stealAround(samples, -5 * MS, 20 * MS)).toBeNull();
    expect(stealAround(samples, 190 * MS, 210 * MS)).toBeNull();
    expect(stealAround([], 0, 1)).toBeNull();
  });
});

describe('attributePauses with steal sampled per interval', () => {
  const samples: StealSample[] = [
    { atNs: 0, stealNs: 0 },
    { atNs: 1 * S, stealNs: 0 },
    { atNs: 1.05 * S, stealNs: 30 * MS }, // 30 ms of steal in [1 s, 1.05 s]
    { atNs: 2 * S, stealNs: 30 * MS },
    { atNs: 2.05 * S, stealNs: 30 * MS },
  ];

  it('steal in the interval containing the pause: cause steal, with the intervals', () => {
    const r = attributePauses({
      count: 1,
      sightings: [{ atNs: 1.04 * S, lengthNs: 20 * MS }],
      gcEvents: [],
      stealNs: 30 * MS,
      stealSamples: samples,
    });
    expect(r.events[0]).toEqual({
      atNs: 1.04 * S,
      lengthNs: 20 * MS,
      cause: 'steal',
      stealNs: 30 * MS,
      steal: {
        containing: { fromNs: 1 * S, toNs: 1.05 * S, stealNs: 30 * MS },
        before: { fromNs: 0, toNs: 1 * S, stealNs: 0 },
        after: { fromNs: 1.05 * S, toNs: 2 * S, stealNs: 0 },
      },
    });
    expect(describePauseCause(r.events[0]!)).toBe('steal (steal 30.0ms over the 50ms around it)');
  });

  it('no steal around the pause: unknown, although the run-wide steal would have blamed steal', () => {
    const r = attributePauses({
      count: 1,
      sightings: [{ atNs: 2.04 * S, lengthNs: 20 * MS }],
      gcEvents: [],
      stealNs: 30 * MS,
      stealSamples: samples,
    });
    expect(r.events[0]).toMatchObject({ cause: 'unknown', stealNs: 0 });
    expect(r.events[0]!.steal?.containing).toEqual({ fromNs: 2 * S, toNs: 2.05 * S, stealNs: 0 });
    // Without samples the run-wide figure is all there is (the old, coarse rule).
    const coarse = attributePauses({
      count: 1,
      sightings: [{ atNs: 2.04 * S, lengthNs: 20 * MS }],
      gcEvents: [],
      stealNs: 30 * MS,
    });
    expect(coarse.events[0]).toEqual({ atNs: 2.04 * S, lengthNs: 20 * MS, cause: 'steal', stealNs: 30 * MS });
  });

  it('a GC covering the pause still wins; a pause outside the samples falls back to the run figure', () => {
    const r = attributePauses({
      count: 2,
      sightings: [
        { atNs: 1.04 * S, lengthNs: 20 * MS },
        { atNs: 3 * S, lengthNs: 20 * MS },
      ],
      gcEvents: [{ atNs: 1.021 * S, pauseNs: 18 * MS, kind: 'major', flags: 0 } as never],
      stealNs: 0,
      stealSamples: samples,
    });
    expect(r.events[0]).toMatchObject({
      cause: 'gc',
      gc: { kind: 'major', durationNs: 18 * MS },
      stealNs: 30 * MS,
    });
    expect(r.events[1]).toEqual({ atNs: 3 * S, lengthNs: 20 * MS, cause: 'unknown' });
  });
});
