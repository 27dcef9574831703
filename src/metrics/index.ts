/**
 * Live metrics on the non-RT side: the Prometheus text exposition writer, the
 * {@link MetricsSource} a scrape shows, and the HTTP endpoint. Named exports only.
 */
export type { MetricFamily, MetricSample, MetricType } from './exposition.js';
export {
  EXPOSITION_CONTENT_TYPE,
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  renderExposition,
} from './exposition.js';
export type { MetricsServer, MetricsServerOptions } from './server.js';
export {
  DEFAULT_METRICS_HOST,
  DEFAULT_METRICS_PORT,
  formatHostPort,
  isLoopbackHost,
  parseMetricsAddress,
  startMetricsServer,
} from './server.js';
export type { MetricsEnvironment, MetricsSource, MetricsTask } from './source.js';
export { METRICS_QUANTILES, metricFamilies, metricsSourceFromSnapshot } from './source.js';
