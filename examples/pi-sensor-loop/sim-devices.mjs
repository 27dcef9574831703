/**
 * Simulated hardware for pi-sensor-loop when it is not on a Pi: a BME280 behind an I2C bus
 * object with i2c-bus's synchronous API (so the real driver, bme280.mjs, runs unchanged),
 * a GPIO output with onoff's `writeSync`/`readSync`, and the "room" that couples them: a
 * box warmed towards ROOM_HOT_C, cooled towards FAN_COLD_C while the fan (the GPIO) is on.
 *
 * Simulated time advances SIM_STEP_S per data-block read (the loop reads every 10 ms), so
 * the room behaves the same whatever the machine's jitter. Allocation: none after
 * construction (register file and state in typed arrays).
 */
import { BME280_CHIP_ID, REG_CALIB_00, REG_CALIB_26, REG_CHIP_ID, REG_DATA } from './bme280.mjs';

/** Simulated seconds per data read (the `read` task's period). */
export const SIM_STEP_S = 0.01;
/** Temperature the box heats towards with the fan off, and cools towards with it on, °C. */
export const ROOM_HOT_C = 30;
export const FAN_COLD_C = 20;
const HEAT_TAU_S = 5;
const FAN_TAU_S = 2.5;

// Calibration of the simulated chip: the BMP280 datasheet's worked example for T and P
// (adc_T 519888 → 25.08 °C, adc_P 415148 → 100653.27 Pa) and typical humidity words.
const CALIB = { T: [27504, 26435, -1000], P: [36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000] };
const H = { H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30 };
/** °C per adc_T count near 25 °C for this calibration (T2 / 16384 / 5120). */
const DEG_PER_COUNT = 26435 / 16384 / 5120;

/** The room, the fan, the chip's registers. */
export class SimRoom {
  constructor({ startC = 24.8, seed = 0x9e3779b9 } = {}) {
    /** [time s, temperature °C, fan 0/1, fan switches] */
    this.state = Float64Array.of(0, startC, 0, 0);
    this.rng = Uint32Array.of(seed >>> 0 || 1);
    this.regs = new Uint8Array(256);
    const r = Buffer.from(this.regs.buffer);
    r.writeUInt16LE(CALIB.T[0], REG_CALIB_00);
    r.writeInt16LE(CALIB.T[1], REG_CALIB_00 + 2);
    r.writeInt16LE(CALIB.T[2], REG_CALIB_00 + 4);
    r.writeUInt16LE(CALIB.P[0], REG_CALIB_00 + 6);
    for (let i = 1; i < 9; i++) r.writeInt16LE(CALIB.P[i], REG_CALIB_00 + 6 + 2 * i);
    r.writeUInt8(H.H1, REG_CALIB_00 + 25);
    r.writeInt16LE(H.H2, REG_CALIB_26);
    r.writeUInt8(H.H3, REG_CALIB_26 + 2);
    r.writeInt8(H.H4 >> 4, REG_CALIB_26 + 3);
    r.writeUInt8(((H.H5 & 0x0f) << 4) | (H.H4 & 0x0f), REG_CALIB_26 + 4);
    r.writeInt8(H.H5 >> 4, REG_CALIB_26 + 5);
    r.writeInt8(H.H6, REG_CALIB_26 + 6);
    this.regs[REG_CHIP_ID] = BME280_CHIP_ID;
  }

  uniform() {
    let x = this.rng[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng[0] = x;
    return this.rng[0] / 4294967296;
  }

  /** One SIM_STEP_S of physics, then the new sample into the data registers. */
  step() {
    const s = this.state;
    const target = s[2] === 1 ? FAN_COLD_C : ROOM_HOT_C;
    const tau = s[2] === 1 ? FAN_TAU_S : HEAT_TAU_S;
    s[1] += ((target - s[1]) * SIM_STEP_S) / tau;
    s[0] += SIM_STEP_S;
    const measured = s[1] + 0.02 * (this.uniform() - 0.5);
    const adcT = Math.round(519888 + (measured - 25.08247793081682) / DEG_PER_COUNT);
    const adcP = 415148 + Math.round(8 * (this.uniform() - 0.5));
    const adcH = 27000 + Math.round(40 * (this.uniform() - 0.5)); // ~38 %RH
    const d = this.regs;
    d[REG_DATA] = (adcP >> 12) & 0xff;
    d[REG_DATA + 1] = (adcP >> 4) & 0xff;
    d[REG_DATA + 2] = (adcP & 0x0f) << 4;
    d[REG_DATA + 3] = (adcT >> 12) & 0xff;
    d[REG_DATA + 4] = (adcT >> 4) & 0xff;
    d[REG_DATA + 5] = (adcT & 0x0f) << 4;
    d[REG_DATA + 6] = (adcH >> 8) & 0xff;
    d[REG_DATA + 7] = adcH & 0xff;
  }
}

/** An I2C bus with i2c-bus's synchronous API and one simulated BME280 on it. */
export class SimI2cBus {
  constructor(room, address = 0x76) {
    this.room = room;
    this.address = address;
  }

  check(addr) {
    if (addr !== this.address) throw new Error(`simulated I2C: no device at 0x${addr.toString(16)} (EIO)`);
  }

  readByteSync(addr, cmd) {
    this.check(addr);
    return this.room.regs[cmd];
  }

  writeByteSync(addr, cmd, byte) {
    this.check(addr);
    if (cmd >= 0xf2) this.room.regs[cmd] = byte;
  }

  readI2cBlockSync(addr, cmd, length, buffer) {
    this.check(addr);
    if (cmd === REG_DATA) this.room.step(); // a fresh sample each time the loop reads
    const regs = this.room.regs;
    for (let i = 0; i < length; i++) buffer[i] = regs[cmd + i];
    return length;
  }
}

/** A GPIO output with onoff's `writeSync`/`readSync`, driving the room's fan. */
export class SimGpio {
  constructor(room) {
    this.room = room;
  }

  writeSync(value) {
    const s = this.room.state;
    if (s[2] !== value) s[3]++;
    s[2] = value === 1 ? 1 : 0;
  }

  readSync() {
    return this.room.state[2];
  }

  unexport() {}
}
