/**
 * hardtick motor-pid example: a DC motor's speed held by a 1 kHz PID, a speed sensor that
 * fails mid-run, and a mode change to a sensorless limp-home controller.
 *
 * Mode `main` (hardtick.json's top-level tasks), every 1 ms:
 * - `plant`   the simulated hardware: one explicit-Euler step of the motor (on a real rig:
 *             delete it, the motor is physics);
 * - `sense`   reads the speed sensor, runs the model-based observer (speed and load torque
 *             estimates) and checks the reading against it: a non-finite reading, or a
 *             residual |measured − predicted| > RESIDUAL_LIMIT for FAULT_AFTER samples in a
 *             row, is a sensor fault → the sensor is latched failed and the task asks for
 *             mode `sensorless` (`ctx.requestMode`; it takes effect at the next hyperperiod
 *             boundary, ≤ 10 ms later; meanwhile `control` holds its last output);
 * - `control` PID on the measured speed (derivative on measurement, back-calculation
 *             anti-windup). Its budget policy: after 3 overruns in a row, `controlPOnly`
 *             (proportional only) runs instead until 100 on-time runs;
 * - `log`     (every 10 ms) appends the state to a preallocated ring and, while measuring,
 *             sends it on the 'telemetry' channel (consumer.mjs prints it).
 * Mode `sensorless`, every 1 ms: `plant`, `estimate` (the observer open loop: the motor
 * model driven by the applied voltage, the load estimate frozen at its last healthy value),
 * `limpHome` (feed-forward from the model plus a proportional term on the estimate, tracking
 * the setpoint capped at LIMP_HOME_RAD_S), `log`.
 *
 * The motor: armature-controlled DC motor, inductance neglected (electrical time constant
 * ≪ 1 ms), so i = (V − Ke·ω)/R and J·dω/dt = Kt·i − b·ω − Tc·sign(ω) − T_load; a load step at
 * LOAD_ON_S. Simulated time advances DT_S per `plant` run, so the physics is the same
 * whatever the machine's jitter; the sensor noise PRNG is seeded.
 *
 * Warm-up: `hardtick run` runs these tasks before measuring (`ctx.phase === 'warmup'`); the
 * simulation starts over at the first measured frame, and the sensor fails
 * HARDTICK_MOTOR_FAIL_AT seconds of simulated time into the measured run (default 3;
 * `never`). On a real rig the warm-up would drive the real motor: hold the output safe there.
 *
 * Allocation contract: all state lives in typed arrays created at module load; the task
 * functions allocate nothing (no objects, closures, strings or console output). The one
 * cold call is the mode request when the sensor fails (once per run).
 */
import { openChannel } from 'hardtick/worker';

/** Plant and controller step, s. Must equal the 1 kHz tasks' period in hardtick.json. */
export const DT_S = 0.001;

// Motor (SI units).
const J = 2e-4; // rotor + load inertia, kg·m²
const R = 2; // armature resistance, Ω
const KT = 0.05; // torque constant, N·m/A
const KE = 0.05; // back-EMF constant, V·s/rad
const B = 1e-4; // viscous friction, N·m·s/rad
const TC = 0.002; // Coulomb friction, N·m
const SUPPLY_V = 12; // supply (controller output limit), V
const LOAD_STEP_NM = 0.04; // load torque switched on at LOAD_ON_S
const LOAD_ON_S = 0.5;
const NOISE_SIGMA = 0.5; // sensor noise, rad/s (1 σ)

// PID: PI by pole-zero cancellation of the motor pole (~50 ms closed loop), a little
// filtered derivative on the measurement.
const KP = 0.16;
const KI = 1.08;
const KD = 0.0005;
const D_FILTER = 0.9;
const K_AW = 10; // anti-windup back-calculation gain, 1/s

// Observer: ω̂ ← model step + L_OMEGA·r, T̂_load ← T̂_load − L_LOAD·r, r = measured − predicted.
const L_OMEGA = 0.05;
const L_LOAD = 1e-4;
/** Residual beyond which a reading is implausible, rad/s. */
export const RESIDUAL_LIMIT = 20;
/** Implausible readings in a row that make a sensor fault. */
export const FAULT_AFTER = 10;

/** Limp-home speed cap, rad/s, and its proportional gain on the estimate, V per rad/s. */
export const LIMP_HOME_RAD_S = 60;
const LIMP_KP = 0.05;

/** Offsets into {@link state} (Float64Array). */
export const S_TIME = 0; // simulated time, s
export const S_OMEGA = 1; // true speed, rad/s
export const S_VOLTAGE = 2; // applied voltage, V
export const S_MEASURED = 3; // last sensor reading, rad/s (NaN once failed open)
export const S_SETPOINT = 4; // setpoint, rad/s
export const S_INTEGRAL = 5; // PID integral term, V
export const S_PREV_MEASURED = 6; // measurement at the previous control step
export const S_DERIVATIVE = 7; // filtered d(measured)/dt
export const S_ESTIMATE = 8; // observer speed estimate ω̂, rad/s
export const S_LOAD_ESTIMATE = 9; // observer load-torque estimate, N·m
export const S_RESIDUAL = 10; // last residual, rad/s
export const S_BAD_IN_ROW = 11; // implausible readings in a row
export const S_FAULT = 12; // 1 once the sensor is declared failed
export const S_FAULT_TIME = 13; // simulated time of the fault declaration, s (−1: none)
export const S_FAIL_AT = 14; // simulated time the sensor breaks, s (Infinity: never)
export const S_SENSORLESS_RUNS = 15; // limpHome executions
export const S_CONTROL_RUNS = 16; // control executions
export const S_P_ONLY_RUNS = 17; // controlPOnly executions
export const S_LOG_COUNT = 18; // records written to the log ring (ever)
export const S_TARGET = 19; // limp-home target after the cap, rad/s
const STATE_SIZE = 20;

/** All the example's mutable numbers; read it (don't write it) from outside. */
export const state = new Float64Array(STATE_SIZE);

/** xorshift32 state (one Uint32 cell: the update wraps without allocating). */
const rng = new Uint32Array(1);

/** Fields of one log record, in order. */
export const LOG_FIELDS = ['timeS', 'setpoint', 'omega', 'measured', 'estimate', 'voltage', 'sensorless'];
const LOG_STRIDE = 7;
/** Records the log ring holds (20 s at 100 Hz); older ones are overwritten. */
export const LOG_CAPACITY = 2000;
const logRing = new Float64Array(LOG_CAPACITY * LOG_STRIDE);

/** Fields of a 'telemetry' record (one per `log` run while measuring), in order. */
export const TELEMETRY_FIELDS = [...LOG_FIELDS, 'faultTimeS'];
const telemetry = openChannel('telemetry', {
  recordSize: TELEMETRY_FIELDS.length,
  capacity: 256,
  direction: 'to-main',
});
const telemetryRecord = new Float64Array(TELEMETRY_FIELDS.length);

/** When the sensor breaks in a run, s of simulated time from the first measured frame. */
export const FAIL_AT_S = failAtFromEnv(process.env.HARDTICK_MOTOR_FAIL_AT);

/** `HARDTICK_MOTOR_FAIL_AT`: seconds (e.g. `1.2`), or `never`; default 3 (cold, at load). */
function failAtFromEnv(text) {
  if (text === undefined || text === '') return 3;
  if (text === 'never') return Number.POSITIVE_INFINITY;
  const s = Number(text.replace(/s$/, ''));
  if (!(Number.isFinite(s) && s >= 0))
    throw new Error(`HARDTICK_MOTOR_FAIL_AT: expected seconds (e.g. 1.2) or 'never', got '${text}'`);
  return s;
}

/** [1 once the measured run has started (the simulation was reset for it)]. */
const measuring = new Uint8Array(1);

/**
 * Back to the initial state: motor at rest, controller and observer cleared, log empty.
 * @param {{ failAtS?: number, seed?: number }} [options] failAtS: simulated time the speed
 *   sensor breaks (it then reads 0: an encoder whose cable came off), default never.
 */
export function resetMotor(options = {}) {
  state.fill(0);
  logRing.fill(0);
  state[S_FAULT_TIME] = -1;
  state[S_FAIL_AT] = options.failAtS ?? Number.POSITIVE_INFINITY;
  rng[0] = (options.seed ?? 0x2545f491) >>> 0 || 1;
}
resetMotor();

function uniform() {
  let x = rng[0];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng[0] = x;
  return rng[0] / 4294967296;
}

/** Approximately normal, mean 0, σ 1 (Irwin–Hall, 4 terms). */
function gaussian() {
  return (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508075688772;
}

/** The setpoint profile, rad/s, against simulated time, s. */
export function setpointAt(timeS) {
  if (timeS < 0.05) return 0;
  if (timeS < 2) return 100;
  if (timeS < 4) return 150;
  return 120;
}

/** Acceleration of the motor model at speed `omega` under `volts` and `load`, rad/s². */
function acceleration(omega, volts, load) {
  const drive = (KT * (volts - KE * omega)) / R - B * omega - load;
  if (omega === 0 && Math.abs(drive) <= TC) return 0; // stiction
  const friction = omega > 0 ? TC : omega < 0 ? -TC : drive > 0 ? TC : -TC;
  return (drive - friction) / J;
}

/**
 * 1 kHz, the simulated hardware: one Euler step of the true motor. At the first measured
 * frame the simulation starts over (the warm-up ran it too).
 */
export function plant(ctx) {
  if (ctx !== undefined && ctx.phase === 'measure' && measuring[0] === 0) {
    measuring[0] = 1;
    resetMotor({ failAtS: FAIL_AT_S });
  }
  const s = state;
  const omega = s[S_OMEGA];
  const load = s[S_TIME] >= LOAD_ON_S ? LOAD_STEP_NM : 0;
  let next = omega + DT_S * acceleration(omega, s[S_VOLTAGE], load);
  // Friction cannot reverse the motion within one step.
  if ((omega > 0 && next < 0) || (omega < 0 && next > 0)) next = 0;
  s[S_OMEGA] = next;
  s[S_TIME] += DT_S;
  s[S_SETPOINT] = setpointAt(s[S_TIME]);
}

/** One observer prediction step from the applied voltage and the load estimate. */
function predict() {
  const s = state;
  const estimate = s[S_ESTIMATE];
  let next = estimate + DT_S * acceleration(estimate, s[S_VOLTAGE], s[S_LOAD_ESTIMATE]);
  if ((estimate > 0 && next < 0) || (estimate < 0 && next > 0)) next = 0;
  s[S_ESTIMATE] = next;
  return next;
}

/** 1 kHz: read the sensor, update the observer, check the reading against it. */
export function sense(ctx) {
  const s = state;
  // The sensor: true speed + noise, or 0 once broken (the cable came off).
  const reading = s[S_TIME] >= s[S_FAIL_AT] ? 0 : s[S_OMEGA] + NOISE_SIGMA * gaussian();
  s[S_MEASURED] = reading;
  const predicted = predict();
  if (s[S_FAULT] === 1) return;
  const residual = reading - predicted;
  s[S_RESIDUAL] = residual;
  if (!Number.isFinite(reading) || Math.abs(residual) > RESIDUAL_LIMIT) {
    s[S_BAD_IN_ROW]++;
    if (s[S_BAD_IN_ROW] >= FAULT_AFTER || !Number.isFinite(reading)) declareFault(ctx);
    return; // an implausible reading does not correct the observer
  }
  s[S_BAD_IN_ROW] = 0;
  s[S_ESTIMATE] = predicted + L_OMEGA * residual;
  s[S_LOAD_ESTIMATE] -= L_LOAD * residual;
}

/** Latches the sensor failed and asks for the sensorless mode (from the next hyperperiod). */
function declareFault(ctx) {
  const s = state;
  s[S_FAULT] = 1;
  s[S_FAULT_TIME] = s[S_TIME];
  ctx?.requestMode('sensorless');
}

function clampVoltage(volts) {
  return Math.min(SUPPLY_V, Math.max(-SUPPLY_V, volts));
}

/** 1 kHz: PID on the measured speed; holds its last output once the sensor has failed. */
export function control() {
  const s = state;
  if (s[S_FAULT] === 1) return;
  const measured = s[S_MEASURED];
  const error = s[S_SETPOINT] - measured;
  const rawDerivative = (measured - s[S_PREV_MEASURED]) / DT_S;
  s[S_PREV_MEASURED] = measured;
  const derivative = D_FILTER * s[S_DERIVATIVE] + (1 - D_FILTER) * rawDerivative;
  s[S_DERIVATIVE] = derivative;
  const unclamped = KP * error + s[S_INTEGRAL] - KD * derivative;
  const output = clampVoltage(unclamped);
  s[S_INTEGRAL] += DT_S * (KI * error + K_AW * (output - unclamped));
  s[S_VOLTAGE] = output;
  s[S_CONTROL_RUNS]++;
}

/** `control`'s degraded function (budget policy): proportional only, integral held. */
export function controlPOnly() {
  const s = state;
  if (s[S_FAULT] === 1) return;
  const measured = s[S_MEASURED];
  s[S_PREV_MEASURED] = measured;
  s[S_VOLTAGE] = clampVoltage(KP * (s[S_SETPOINT] - measured) + s[S_INTEGRAL]);
  s[S_P_ONLY_RUNS]++;
}

/** 1 kHz, mode `sensorless`: the observer open loop (no reading to correct it). */
export function estimate() {
  predict();
}

/** 1 kHz, mode `sensorless`: model feed-forward + P on the estimate, speed capped. */
export function limpHome() {
  const s = state;
  const target = Math.min(s[S_SETPOINT], LIMP_HOME_RAD_S);
  s[S_TARGET] = target;
  // Steady-state voltage for `target` under the estimated load, from the motor model.
  const torque = B * target + (target > 0 ? TC : 0) + s[S_LOAD_ESTIMATE];
  const feedForward = KE * target + (R * torque) / KT;
  s[S_VOLTAGE] = clampVoltage(feedForward + LIMP_KP * (target - s[S_ESTIMATE]));
  s[S_SENSORLESS_RUNS]++;
}

/** Every 10 ms: appends the state to the log ring. */
export function log(ctx) {
  const s = state;
  const o = (s[S_LOG_COUNT] % LOG_CAPACITY) * LOG_STRIDE;
  logRing[o] = s[S_TIME];
  logRing[o + 1] = s[S_SETPOINT];
  logRing[o + 2] = s[S_OMEGA];
  logRing[o + 3] = s[S_MEASURED];
  logRing[o + 4] = s[S_ESTIMATE];
  logRing[o + 5] = s[S_VOLTAGE];
  logRing[o + 6] = ctx !== undefined && ctx.modeName === 'sensorless' ? 1 : 0;
  s[S_LOG_COUNT]++;
  if (ctx === undefined || ctx.phase !== 'measure') return;
  for (let i = 0; i < LOG_STRIDE; i++) telemetryRecord[i] = logRing[o + i];
  telemetryRecord[LOG_STRIDE] = s[S_FAULT_TIME];
  telemetry.tryPush(telemetryRecord, 0);
}

/**
 * The logged records, oldest first (cold side: allocates).
 * @returns {{timeS: number, setpoint: number, omega: number, measured: number, estimate: number, voltage: number, sensorless: boolean}[]}
 */
export function readLog() {
  const count = state[S_LOG_COUNT];
  const n = Math.min(count, LOG_CAPACITY);
  const out = [];
  for (let k = count - n; k < count; k++) {
    const o = (k % LOG_CAPACITY) * LOG_STRIDE;
    out.push({
      timeS: logRing[o],
      setpoint: logRing[o + 1],
      omega: logRing[o + 2],
      measured: logRing[o + 3],
      estimate: logRing[o + 4],
      voltage: logRing[o + 5],
      sensorless: logRing[o + 6] === 1,
    });
  }
  return out;
}
