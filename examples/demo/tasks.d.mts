/** Types of the demo task module (tasks.mjs), for TypeScript users and tests. */
import type { TaskContext } from '../../src/runtime/index.js';

export declare const DT_S: number;
export declare const S_TIME: number;
export declare const S_OMEGA: number;
export declare const S_VOLTAGE: number;
export declare const S_MEASURED: number;
export declare const S_SETPOINT: number;
export declare const S_INTEGRAL: number;
export declare const S_PREV_MEASURED: number;
export declare const S_DERIVATIVE: number;
export declare const S_CONTROL_RUNS: number;
export declare const S_DEGRADED_RUNS: number;
export declare const S_SAFE: number;
export declare const S_LOG_COUNT: number;
/** The demo's state (see the S_* offsets). */
export declare const state: Float64Array;
export declare const LOG_FIELDS: readonly string[];
export declare const LOG_CAPACITY: number;
export declare const logRing: Float64Array;
/** One record of the log ring. */
export interface DemoLogRecord {
  readonly timeS: number;
  readonly setpoint: number;
  readonly omega: number;
  readonly measured: number;
  readonly voltage: number;
}
export declare function resetDemo(seed?: number): void;
export declare function setpointAt(timeS: number): number;
export declare function sense(ctx?: TaskContext): void;
export declare function control(ctx?: TaskContext): void;
export declare function controlDegraded(ctx?: TaskContext): void;
export declare function safeState(ctx?: TaskContext): void;
export declare function log(ctx?: TaskContext): void;
export declare function readLog(): DemoLogRecord[];
