/** Types of the motor-pid task module (tasks.mjs), for TypeScript users and tests. */
import type { TaskContext } from '../../src/index.js';

export declare const DT_S: number;
export declare const RESIDUAL_LIMIT: number;
export declare const FAULT_AFTER: number;
export declare const LIMP_HOME_RAD_S: number;
export declare const S_TIME: number;
export declare const S_OMEGA: number;
export declare const S_VOLTAGE: number;
export declare const S_MEASURED: number;
export declare const S_SETPOINT: number;
export declare const S_INTEGRAL: number;
export declare const S_PREV_MEASURED: number;
export declare const S_DERIVATIVE: number;
export declare const S_ESTIMATE: number;
export declare const S_LOAD_ESTIMATE: number;
export declare const S_RESIDUAL: number;
export declare const S_BAD_IN_ROW: number;
export declare const S_FAULT: number;
export declare const S_FAULT_TIME: number;
export declare const S_FAIL_AT: number;
export declare const S_SENSORLESS_RUNS: number;
export declare const S_CONTROL_RUNS: number;
export declare const S_P_ONLY_RUNS: number;
export declare const S_LOG_COUNT: number;
export declare const S_TARGET: number;
/** All the example's mutable numbers (see the S_* offsets). */
export declare const state: Float64Array;
export declare const LOG_FIELDS: readonly string[];
export declare const LOG_CAPACITY: number;
/** One record of the log ring. */
export interface MotorLogRecord {
  readonly timeS: number;
  readonly setpoint: number;
  readonly omega: number;
  readonly measured: number;
  readonly estimate: number;
  readonly voltage: number;
  readonly sensorless: boolean;
}
/** Fields of a 'telemetry' record: the log fields, then the fault time (−1: none). */
export declare const TELEMETRY_FIELDS: readonly string[];
/** When the sensor breaks in a measured run, s (HARDTICK_MOTOR_FAIL_AT; default 3). */
export declare const FAIL_AT_S: number;
export declare function resetMotor(options?: { failAtS?: number; seed?: number }): void;
export declare function setpointAt(timeS: number): number;
export declare function plant(ctx?: Pick<TaskContext, 'phase'>): void;
export declare function sense(ctx?: Pick<TaskContext, 'requestMode'>): void;
export declare function control(ctx?: TaskContext): void;
export declare function controlPOnly(ctx?: TaskContext): void;
export declare function estimate(ctx?: TaskContext): void;
export declare function limpHome(ctx?: TaskContext): void;
export declare function log(ctx?: Pick<TaskContext, 'modeName' | 'phase'>): void;
export declare function readLog(): MotorLogRecord[];
