/**
 * hardtick demo: a DC motor under a PID speed controller.
 *
 * - `sense`  (1 kHz): advances the simulated plant one step (explicit Euler, DT_S) and
 *   reads its speed through a noisy sensor.
 * - `control` (1 kHz, deadline 1 ms): PID on the measured speed, tracking a setpoint
 *   profile, output clamped to ±SUPPLY_V with back-calculation anti-windup.
 * - `controlDegraded`: what runs while `control` overruns (its policy is `degrade`):
 *   proportional only, the integral term held where it was.
 * - `safeState`: cuts the motor voltage.
 * - `log` (10 Hz): copies the current state into a preallocated ring.
 *
 * The plant: an armature-controlled DC motor whose inductance is neglected
 * (electrical time constant ≪ 1 ms), so current i = (V − Ke·ω)/R, and
 * J·dω/dt = Kt·i − b·ω − Tc·sign(ω) − T_load (viscous + Coulomb friction, a load step).
 * Mechanical time constant J·R/(Kt·Ke + b·R) ≈ 148 ms, static gain ≈ 18.5 rad/s per volt.
 *
 * Everything runs on simulated time (sense steps count, not the wall clock), so the
 * physics is reproducible whatever the machine's jitter; the PRNG is seeded.
 *
 * Allocation contract: all state lives in typed arrays created at module load; the task
 * functions allocate nothing (no objects, closures, strings or console output).
 */

/** Plant and controller step, seconds. Must equal the `sense`/`control` period in hardtick.json. */
export const DT_S = 0.001;

// Motor parameters (SI units).
const J = 2e-4; // rotor + load inertia, kg·m²
const R = 2; // armature resistance, Ω
const KT = 0.05; // torque constant, N·m/A
const KE = 0.05; // back-EMF constant, V·s/rad
const B = 1e-4; // viscous friction, N·m·s/rad
const TC = 0.002; // Coulomb friction, N·m
const SUPPLY_V = 12; // supply voltage, V (controller output limit)
const LOAD_STEP_NM = 0.05; // load torque switched on at LOAD_ON_S
const LOAD_ON_S = 5;
const NOISE_SIGMA = 0.5; // sensor noise, rad/s (1 σ)

// PID gains: PI by pole-zero cancellation of the motor pole (Ki/Kp = 1/τ) for a ~50 ms
// closed-loop time constant, a little filtered derivative on the measurement.
const KP = 0.16;
const KI = 1.08;
const KD = 0.0005;
const D_FILTER = 0.9; // derivative low-pass: d ← αd + (1−α)·raw
const K_AW = 10; // back-calculation anti-windup gain, 1/s

/** Offsets into {@link state} (Float64Array): all the demo's mutable numbers. */
export const S_TIME = 0; // simulated time, s
export const S_OMEGA = 1; // true speed, rad/s
export const S_VOLTAGE = 2; // applied voltage, V
export const S_MEASURED = 3; // last sensor reading, rad/s
export const S_SETPOINT = 4; // setpoint, rad/s
export const S_INTEGRAL = 5; // PID integral term, V
export const S_PREV_MEASURED = 6; // measurement at the previous control step, rad/s
export const S_DERIVATIVE = 7; // filtered d(measured)/dt, rad/s²
export const S_CONTROL_RUNS = 8; // control (normal) executions
export const S_DEGRADED_RUNS = 9; // controlDegraded executions
export const S_SAFE = 10; // 1 once safeState ran
export const S_LOG_COUNT = 11; // records written to the log ring (ever)
const STATE_SIZE = 12;

/** The demo's state; read it (don't write it) from outside, e.g. in tests. */
export const state = new Float64Array(STATE_SIZE);

/** xorshift32 state (one Uint32 cell: the update wraps without allocating). */
const rng = new Uint32Array(1);

/** Fields of one log record, in order. */
export const LOG_FIELDS = ['timeS', 'setpoint', 'omega', 'measured', 'voltage'];
const LOG_STRIDE = 5;
/** Records the log ring holds (100 s at 10 Hz); older ones are overwritten. */
export const LOG_CAPACITY = 1000;
/** The log ring: LOG_CAPACITY records of LOG_STRIDE doubles. */
export const logRing = new Float64Array(LOG_CAPACITY * LOG_STRIDE);

/** Puts the plant, controller, PRNG and log back to their initial state (cold). */
export function resetDemo(seed = 0x2545f491) {
  state.fill(0);
  logRing.fill(0);
  rng[0] = seed >>> 0 || 1;
}
resetDemo();

/** Uniform in [0, 1). */
function uniform() {
  let x = rng[0];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng[0] = x;
  return rng[0] / 4294967296;
}

/** Approximately normal, mean 0, σ 1 (Irwin–Hall with 4 terms, variance rescaled). */
function gaussian() {
  return (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508075688772;
}

/** The setpoint profile, rad/s, as a function of simulated time in s. */
export function setpointAt(timeS) {
  if (timeS < 0.05) return 0;
  if (timeS < 3) return 100;
  if (timeS < 3.5) return 100 + (timeS - 3) * 100; // ramp to 150
  if (timeS < 6) return 150;
  if (timeS < 8) return 60;
  return 120;
}

/** 1 kHz: plant step (Euler) + noisy speed measurement. */
export function sense() {
  const s = state;
  const omega = s[S_OMEGA];
  const current = (s[S_VOLTAGE] - KE * omega) / R;
  const load = s[S_TIME] >= LOAD_ON_S ? LOAD_STEP_NM : 0;
  const drive = KT * current - B * omega - load;
  let next;
  if (omega === 0 && Math.abs(drive) <= TC) {
    next = 0; // stiction: Coulomb friction holds the rotor
  } else {
    const friction = omega > 0 ? TC : omega < 0 ? -TC : drive > 0 ? TC : -TC;
    next = omega + (DT_S * (drive - friction)) / J;
    // Friction cannot reverse the motion within one step.
    if ((omega > 0 && next < 0) || (omega < 0 && next > 0)) next = 0;
  }
  s[S_OMEGA] = next;
  s[S_TIME] += DT_S;
  s[S_SETPOINT] = setpointAt(s[S_TIME]);
  s[S_MEASURED] = next + NOISE_SIGMA * gaussian();
}

/** Limits a controller output to the supply, ±SUPPLY_V. */
function clampVoltage(volts) {
  return Math.min(SUPPLY_V, Math.max(-SUPPLY_V, volts));
}

/** 1 kHz: PID with derivative on measurement and back-calculation anti-windup. */
export function control() {
  const s = state;
  const measured = s[S_MEASURED];
  const error = s[S_SETPOINT] - measured;
  const rawDerivative = (measured - s[S_PREV_MEASURED]) / DT_S;
  s[S_PREV_MEASURED] = measured;
  const derivative = D_FILTER * s[S_DERIVATIVE] + (1 - D_FILTER) * rawDerivative;
  s[S_DERIVATIVE] = derivative;
  const unclamped = KP * error + s[S_INTEGRAL] - KD * derivative;
  const output = clampVoltage(unclamped);
  // Integrate the error, and bleed off what the clamp cut so the integral cannot wind up.
  s[S_INTEGRAL] += DT_S * (KI * error + K_AW * (output - unclamped));
  s[S_VOLTAGE] = output;
  s[S_CONTROL_RUNS]++;
}

/** Degraded controller: proportional only; the integral term is held, not updated. */
export function controlDegraded() {
  const s = state;
  const measured = s[S_MEASURED];
  s[S_PREV_MEASURED] = measured;
  const unclamped = KP * (s[S_SETPOINT] - measured) + s[S_INTEGRAL];
  s[S_VOLTAGE] = clampVoltage(unclamped);
  s[S_DEGRADED_RUNS]++;
}

/** Safe state: no voltage on the motor (it coasts down on friction). */
export function safeState() {
  state[S_VOLTAGE] = 0;
  state[S_SAFE] = 1;
}

/** 10 Hz: appends (time, setpoint, speed, measurement, voltage) to the log ring. */
export function log() {
  const s = state;
  const o = (s[S_LOG_COUNT] % LOG_CAPACITY) * LOG_STRIDE;
  logRing[o] = s[S_TIME];
  logRing[o + 1] = s[S_SETPOINT];
  logRing[o + 2] = s[S_OMEGA];
  logRing[o + 3] = s[S_MEASURED];
  logRing[o + 4] = s[S_VOLTAGE];
  s[S_LOG_COUNT]++;
}

/**
 * The logged records, oldest first, as objects (cold side: allocates).
 * @returns {{timeS: number, setpoint: number, omega: number, measured: number, voltage: number}[]}
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
      voltage: logRing[o + 4],
    });
  }
  return out;
}
