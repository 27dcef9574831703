/**
 * Minimal SVG chart pieces for the HTML report: log/linear scales, axes with ticks, and
 * escaping. Produces markup strings; no DOM, no scripts. Cold path.
 */

/** Escapes text for HTML/SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number for SVG attributes (two decimals, no exponent). */
export function n2(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0';
}

/** Most ticks a scale returns (a guard: a sane domain gives far fewer). */
const MAX_TICKS = 64;

/** Maps a domain value to pixels. */
export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Tick values inside the domain. */
  ticks(): number[];
}

/** A base-10 log scale over `[d0, d1]` (both > 0) onto `[r0, r1]`. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const lo = Math.log10(Math.max(d0, Number.MIN_VALUE));
  const hi = Math.log10(Math.max(d1, d0 * 1.0001, Number.MIN_VALUE));
  const f = (v: number): number => r0 + ((Math.log10(Math.max(v, d0)) - lo) / (hi - lo || 1)) * (r1 - r0);
  return Object.assign(f, {
    domain: [d0, d1] as const,
    range: [r0, r1] as const,
    ticks: (): number[] => {
      const out: number[] = [];
      for (let e = Math.floor(lo); e <= Math.ceil(hi) && out.length <= MAX_TICKS; e++) {
        const v = 10 ** e;
        if (v >= d0 * 0.999 && v <= d1 * 1.001) out.push(v);
      }
      return out;
    },
  });
}

/** A linear scale over `[d0, d1]` onto `[r0, r1]`. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const f = (v: number): number => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
  return Object.assign(f, {
    domain: [d0, d1] as const,
    range: [r0, r1] as const,
    ticks: (): number[] => {
      const span = d1 - d0;
      if (!(span > 0)) return [d0];
      const step0 = 10 ** Math.floor(Math.log10(span / 5));
      const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 6) ?? step0 * 10;
      const out: number[] = [];
      // Index-based, and bounded: `v += step` stops advancing once step is below v's precision.
      const first = Math.ceil(d0 / step);
      for (let k = 0; k <= MAX_TICKS; k++) {
        const v = (first + k) * step;
        if (v > d1 + step * 1e-9) break;
        out.push(v);
      }
      return out;
    },
  });
}

/** A horizontal axis at `y` with tick labels from `label`. */
export function xAxis(scale: Scale, y: number, label: (v: number) => string, title: string): string {
  const [r0, r1] = scale.range;
  const parts = [`<line class="axis" x1="${n2(r0)}" y1="${n2(y)}" x2="${n2(r1)}" y2="${n2(y)}"/>`];
  for (const t of scale.ticks()) {
    const x = scale(t);
    parts.push(
      `<line class="tick" x1="${n2(x)}" y1="${n2(y)}" x2="${n2(x)}" y2="${n2(y + 4)}"/>`,
      `<text class="tl" x="${n2(x)}" y="${n2(y + 15)}" text-anchor="middle">${esc(label(t))}</text>`,
    );
  }
  parts.push(
    `<text class="at" x="${n2((r0 + r1) / 2)}" y="${n2(y + 30)}" text-anchor="middle">${esc(title)}</text>`,
  );
  return parts.join('');
}

/** A vertical axis at `x` with tick labels from `label`. */
export function yAxis(scale: Scale, x: number, label: (v: number) => string, title: string): string {
  const [r0, r1] = scale.range;
  const parts = [`<line class="axis" x1="${n2(x)}" y1="${n2(r0)}" x2="${n2(x)}" y2="${n2(r1)}"/>`];
  for (const t of scale.ticks()) {
    const y = scale(t);
    parts.push(
      `<line class="tick" x1="${n2(x - 4)}" y1="${n2(y)}" x2="${n2(x)}" y2="${n2(y)}"/>`,
      `<text class="tl" x="${n2(x - 6)}" y="${n2(y + 3)}" text-anchor="end">${esc(label(t))}</text>`,
    );
  }
  const mid = (r0 + r1) / 2;
  parts.push(
    `<text class="at" x="${n2(x - 44)}" y="${n2(mid)}" text-anchor="middle" transform="rotate(-90 ${n2(x - 44)} ${n2(mid)})">${esc(title)}</text>`,
  );
  return parts.join('');
}

/** Compact time label for axes: `500ns`, `20µs`, `1ms`. */
export function timeTick(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toPrecision(3)}s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toPrecision(3)}ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toPrecision(3)}µs`;
  return `${+ns.toPrecision(3)}ns`;
}

/** `1e-3`-style probability label. */
export function probTick(p: number): string {
  if (p >= 0.1) return String(+p.toPrecision(2));
  return `1e${Math.round(Math.log10(p))}`;
}
