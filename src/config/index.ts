/** Config: the file format's schema, loading, and the frozen resolved config. */
export type {
  DurationCheck,
  DurationOptions,
  DurationUnit,
  FormatNsOptions,
} from './duration.js';
export {
  checkDurationNs,
  DURATION_STRING_PATTERN,
  formatNs,
  MAX_DURATION_NS,
  msToNs,
  parseDurationNs,
} from './duration.js';
export type {
  DurationInput,
  HardtickConfig,
  LeaseInput,
  ModeInput,
  OverrunInput,
  RealtimeInput,
  RefInput,
  TaskInput,
} from './input.js';
export type { ConfigProblem } from './issues.js';
export { configInvalidError, formatPath, problemsFromIssues } from './issues.js';
export { buildConfigJsonSchema, CONFIG_JSON_SCHEMA_PATH, configJsonSchemaText } from './json-schema.js';
export type { JsonParseResult, JsonSyntaxProblem } from './json-text.js';
export { parseJsonText } from './json-text.js';
export type { LoadConfigOptions, ResolveOptions } from './load.js';
export { DEFAULT_CATCH_UP_MAX_FRAMES, defineConfig, loadConfig, resolveConfig } from './load.js';
export type { ConfigFileInput, ParsedConfigFile, ParsedRef } from './schema.js';
export {
  ALARM_KIND_NAMES,
  configFileSchema,
  DEFAULT_FATAL_ALARMS,
  DEFAULT_TIMER_SLACK_NS,
  MAIN_MODE,
  MAX_CPU_DMA_LATENCY_US,
  MAX_CPU_INDEX,
  MAX_TIMER_SLACK_NS,
  NAME_PATTERN,
  OVERRUN_ACTIONS,
} from './schema.js';
export type {
  AlarmKindName,
  OverrunAction,
  OverrunPolicy,
  PlanLimits,
  ResolvedConfig,
  ResolvedLease,
  ResolvedMode,
  ResolvedRealtime,
  ResolvedTask,
  Slicing,
  TaskRef,
} from './types.js';
