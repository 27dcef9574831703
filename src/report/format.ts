/**
 * Text helpers of printed evidence (the run summary, the CLI's tables): aligned plain-text
 * tables and human-readable time figures. Cold path only (everything here allocates strings).
 */

/** Column alignment in {@link formatTable}. */
export type Align = 'left' | 'right';

/** One column of a {@link formatTable} table. */
export interface Column {
  /** Header text. */
  readonly header: string;
  /** @default 'right' */
  readonly align?: Align;
}

/**
 * Renders rows as a plain-text table: a header line, a rule, then one line per row.
 * Columns are separated by two spaces; trailing spaces are trimmed. Every line,
 * including the last, ends with `\n`.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => {
    let w = displayWidth(c.header);
    for (const row of rows) w = Math.max(w, displayWidth(row[i] ?? ''));
    return w;
  });
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'right'))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) out.push(line(row));
  return `${out.join('\n')}\n`;
}

function pad(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Length in terminal columns (code points; every character used here is one column wide). */
function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * ns → microseconds with a precision that suits the magnitude: `0.05`, `12.3`, `1234`.
 * Non-finite input renders as `-`.
 */
export function formatUs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  const us = ns / 1000;
  const abs = Math.abs(us);
  if (abs === 0) return '0';
  if (abs < 1) return us.toFixed(2);
  if (abs < 1000) return us.toFixed(1);
  return us.toFixed(0);
}

/**
 * ns → the largest unit that keeps the number ≥ 1, three significant digits:
 * `850ns`, `12.3µs`, `1.50ms`, `2.00s`.
 */
export function formatDurationNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  const abs = Math.abs(ns);
  if (abs < 1000) return `${ns.toFixed(0)}ns`;
  if (abs < 1e6) return `${precise(ns / 1e3)}µs`;
  if (abs < 1e9) return `${precise(ns / 1e6)}ms`;
  return `${precise(ns / 1e9)}s`;
}

function precise(value: number): string {
  const abs = Math.abs(value);
  return value.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

/** A ratio as a percentage with one decimal, e.g. `12.5 %`; `-` when not finite. */
export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '-';
}
