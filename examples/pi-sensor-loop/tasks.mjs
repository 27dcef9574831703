/**
 * pi-sensor-loop, real-time side: a thermostat. Every 10 ms `read` takes one BME280 sample
 * (a synchronous 8-byte I2C block read into a preallocated Buffer, then compensation) and
 * `control` switches the fan on GPIO 17 with hysteresis (on above FAN_ON_C, off below
 * FAN_OFF_C; the pin is written only when it changes). Every 100 ms `publish` sends
 * [time s, °C, hPa, %RH, fan, fan switches, read errors] to the main thread on the
 * 'readings' channel (consumer.mjs prints them).
 *
 * The devices are opened here at module top level (setup: devices.mjs picks the real ones
 * on a Pi, simulated ones elsewhere). The task functions allocate nothing: typed-array
 * state, the driver's preallocated buffer, `tryPush`. A failed I2C read (EIO: a loose wire)
 * is counted and the last good sample kept; it does not stop the loop.
 *
 * Warm-up: `hardtick run` runs these tasks before measuring (`ctx.phase === 'warmup'`, some
 * of it on compressed frames); the sensor is read then, but the fan pin is not driven and
 * nothing is published until the measured run starts.
 */
import { openChannel } from 'hardtick/worker';
import { openGpio, openSensor } from './devices.mjs';

/** Fan on above this temperature, off below FAN_OFF_C, °C. */
export const FAN_ON_C = 25.5;
export const FAN_OFF_C = 24.5;
/** Fields of a 'readings' record, in order. */
export const READING_FIELDS = ['timeS', 'celsius', 'hPa', 'humidity', 'fan', 'switches', 'readErrors'];

export const sensor = await openSensor();
export const fan = await openGpio({ pin: Number(process.env.FAN_GPIO ?? 17) });
console.log(
  `pi-sensor-loop: sensor BME280 ${sensor.kind === 'i2c' ? 'on /dev/i2c-1' : `simulated (${sensor.reason})`}; ` +
    `fan ${fan.kind === 'gpio' ? `on GPIO ${process.env.FAN_GPIO ?? 17}` : `simulated (${fan.reason})`}`,
);

const readings = openChannel('readings', { recordSize: 7, capacity: 64, direction: 'to-main' });

/** [reads, celsius, pascal, humidity, fan 0/1, switches, read errors] */
export const state = new Float64Array(7);
const sample = new Float64Array(3);
const record = new Float64Array(7);
fan.device.writeSync(0);

/** 100 Hz: one sensor sample. */
export function read() {
  let ok = false;
  try {
    ok = sensor.device.readInto(sample);
  } catch {
    ok = false;
  }
  if (!ok) {
    state[6]++;
    return;
  }
  state[0]++;
  state[1] = sample[0];
  state[2] = sample[1];
  state[3] = sample[2];
}

/**
 * 100 Hz: hysteresis on the temperature; writes the pin only when the fan changes, and
 * only while measuring (the warm-up leaves the fan off).
 */
export function control(ctx) {
  if (state[0] === 0) return;
  const on = state[4] === 1 ? state[1] > FAN_OFF_C : state[1] > FAN_ON_C;
  const value = on ? 1 : 0;
  if (ctx.phase !== 'measure') return;
  if (value !== state[4]) {
    fan.device.writeSync(value);
    state[4] = value;
    state[5]++;
  }
}

/** 10 Hz: one record to the main thread (while measuring). */
export function publish(ctx) {
  if (ctx.phase !== 'measure') return;
  record[0] = state[0] * 0.01; // samples × 10 ms
  record[1] = state[1];
  record[2] = state[2] / 100;
  record[3] = state[3];
  record[4] = state[4];
  record[5] = state[5];
  record[6] = state[6];
  readings.tryPush(record, 0);
}
