/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), written by hand: one
 * `# HELP` and one `# TYPE` line per metric family, then its samples, `\n` line ends.
 *
 * Why not prom-client: its metric objects accumulate observations themselves (a Summary
 * computes quantiles from its own sliding t-digest), while hardtick's quantiles already
 * come from the loop's histograms; exposing them through prom-client needs a custom
 * collector and string-typed gauges anyway, so the library would add two dependencies and a
 * registry for what is ~80 lines of escaping and formatting here.
 *
 * Cold path (allocates freely); runs on the non-RT side per scrape.
 */

/** Metric types of the 0.0.4 format. */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

/** One sample line: `name{labels} value`. */
export interface MetricSample {
  /** Suffix appended to the family name (`_sum`, `_count`), or '' / absent for the name itself. */
  readonly suffix?: string;
  /** Label names → values (values are escaped on output). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: name, help text, type, samples. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly MetricSample[];
}

/** The Content-Type of this format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value: backslash, double quote and line feed (`\\`, `\"`, `\n`). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes HELP text: backslash and line feed (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Go's ParseFloat reads it: `NaN`, `+Inf`, `-Inf`, or the shortest decimal. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Renders families in the 0.0.4 text format. Families without samples are left out.
 * @throws TypeError on an invalid metric or label name (a programming error, not input).
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  let out = '';
  for (const family of families) {
    if (family.samples.length === 0) continue;
    if (!METRIC_NAME.test(family.name))
      throw new TypeError(`invalid metric name ${JSON.stringify(family.name)}`);
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      out += `${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatSampleValue(sample.value)}\n`;
    }
  }
  return out;
}

function renderLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new TypeError(`invalid label name ${JSON.stringify(name)}`);
    }
    parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
