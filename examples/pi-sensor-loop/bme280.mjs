/**
 * A small BME280 driver (Bosch temperature / pressure / humidity sensor) on any bus object
 * with i2c-bus's synchronous API: `readI2cBlockSync(addr, cmd, length, buffer)`,
 * `readByteSync(addr, cmd)`, `writeByteSync(addr, cmd, byte)` — the real `i2c-bus` bus, or
 * the simulated one in sim-devices.mjs.
 *
 * `open` (setup: may allocate, may throw) checks the chip id, reads the calibration words and
 * starts normal mode (×1 oversampling, 0.5 ms standby: a fresh sample every ~8 ms).
 * `readInto(out)` (the loop: allocates nothing) reads the 8 data registers in ONE block read
 * into a preallocated Buffer and writes [°C, Pa, %RH] into `out` with the datasheet's
 * floating-point compensation (BME280 datasheet §8.1).
 */

/** Register addresses (datasheet §5.3). */
export const REG_CALIB_00 = 0x88; // 26 bytes: T1..T3, P1..P9, (0xA0), H1
export const REG_CHIP_ID = 0xd0;
export const REG_RESET = 0xe0;
export const REG_CALIB_26 = 0xe1; // 7 bytes: H2..H6
export const REG_CTRL_HUM = 0xf2;
export const REG_CTRL_MEAS = 0xf4;
export const REG_CONFIG = 0xf5;
export const REG_DATA = 0xf7; // 8 bytes: press[3], temp[3], hum[2]
/** What REG_CHIP_ID reads on a BME280 (a BMP280 reads 0x58 and has no humidity). */
export const BME280_CHIP_ID = 0x60;

/** Offsets into {@link Bme280.calib}. */
const T1 = 0;
const T2 = 1;
const T3 = 2;
const P1 = 3;
const P2 = 4;
const P3 = 5;
const P4 = 6;
const P5 = 7;
const P6 = 8;
const P7 = 9;
const P8 = 10;
const P9 = 11;
const H1 = 12;
const H2 = 13;
const H3 = 14;
const H4 = 15;
const H5 = 16;
const H6 = 17;

/** Reads the calibration words from the two calibration blocks (datasheet Table 16). */
export function parseCalibration(block00, block26) {
  const c = new Float64Array(18);
  c[T1] = block00.readUInt16LE(0);
  c[T2] = block00.readInt16LE(2);
  c[T3] = block00.readInt16LE(4);
  c[P1] = block00.readUInt16LE(6);
  for (let i = 0; i < 8; i++) c[P2 + i] = block00.readInt16LE(8 + 2 * i);
  c[H1] = block00.readUInt8(25);
  c[H2] = block26.readInt16LE(0);
  c[H3] = block26.readUInt8(2);
  // H4, H5: 12-bit signed, sharing the nibbles of 0xE5.
  const e4 = block26.readInt8(3);
  const e5 = block26.readUInt8(4);
  const e6 = block26.readInt8(5);
  c[H4] = e4 * 16 + (e5 & 0x0f);
  c[H5] = e6 * 16 + (e5 >> 4);
  c[H6] = block26.readInt8(6);
  return c;
}

/**
 * Datasheet §8.1 (double precision): fills out[0] °C, out[1] Pa, out[2] %RH from the raw
 * ADC values. Allocates nothing.
 */
export function compensateInto(c, adcT, adcP, adcH, out) {
  let var1 = (adcT / 16384 - c[T1] / 1024) * c[T2];
  let var2 = (adcT / 131072 - c[T1] / 8192) * (adcT / 131072 - c[T1] / 8192) * c[T3];
  const tFine = var1 + var2;
  out[0] = tFine / 5120;

  var1 = tFine / 2 - 64000;
  var2 = (var1 * var1 * c[P6]) / 32768;
  var2 = var2 + var1 * c[P5] * 2;
  var2 = var2 / 4 + c[P4] * 65536;
  var1 = ((c[P3] * var1 * var1) / 524288 + c[P2] * var1) / 524288;
  var1 = (1 + var1 / 32768) * c[P1];
  if (var1 === 0) {
    out[1] = 0; // avoid a division by zero (datasheet)
  } else {
    let p = 1048576 - adcP;
    p = ((p - var2 / 4096) * 6250) / var1;
    var1 = (c[P9] * p * p) / 2147483648;
    var2 = (p * c[P8]) / 32768;
    out[1] = p + (var1 + var2 + c[P7]) / 16;
  }

  let h = tFine - 76800;
  h =
    (adcH - (c[H4] * 64 + (c[H5] / 16384) * h)) *
    ((c[H2] / 65536) * (1 + (c[H6] / 67108864) * h * (1 + (c[H3] / 67108864) * h)));
  h = h * (1 - (c[H1] * h) / 524288);
  out[2] = Math.min(100, Math.max(0, h));
}

/** A BME280 on a bus. Threading: the thread that calls `readInto` (the loop's). */
export class Bme280 {
  /**
   * Setup: chip id, calibration, normal mode. Throws when the chip does not answer or is
   * not a BME280.
   * @param {{ readI2cBlockSync: Function, readByteSync: Function, writeByteSync: Function }} bus
   * @param {number} address 0x76 (SDO to GND) or 0x77 (SDO to VDDIO)
   */
  constructor(bus, address) {
    this.bus = bus;
    this.address = address;
    const id = bus.readByteSync(address, REG_CHIP_ID);
    if (id !== BME280_CHIP_ID) {
      throw new Error(
        `BME280 at 0x${address.toString(16)}: chip id 0x${id.toString(16)}, expected 0x60` +
          (id === 0x58 ? ' (that is a BMP280: no humidity)' : ''),
      );
    }
    const block00 = Buffer.alloc(26);
    const block26 = Buffer.alloc(7);
    bus.readI2cBlockSync(address, REG_CALIB_00, 26, block00);
    bus.readI2cBlockSync(address, REG_CALIB_26, 7, block26);
    this.calib = parseCalibration(block00, block26);
    bus.writeByteSync(address, REG_CTRL_HUM, 0x01); // humidity ×1 (takes effect with ctrl_meas)
    bus.writeByteSync(address, REG_CONFIG, 0x00); // standby 0.5 ms, no IIR filter
    bus.writeByteSync(address, REG_CTRL_MEAS, (1 << 5) | (1 << 2) | 0x03); // T ×1, P ×1, normal mode
    /** The data block, preallocated: the loop reads into it. */
    this.raw = Buffer.alloc(8);
  }

  /**
   * The loop: one 8-byte block read, then compensation into out = [°C, Pa, %RH]. Returns
   * false (out untouched) when the bus returned fewer bytes. I/O errors throw (i2c-bus).
   * @param {Float64Array} out
   */
  readInto(out) {
    const raw = this.raw;
    if (this.bus.readI2cBlockSync(this.address, REG_DATA, 8, raw) !== 8) return false;
    const adcP = raw[0] * 4096 + raw[1] * 16 + (raw[2] >> 4);
    const adcT = raw[3] * 4096 + raw[4] * 16 + (raw[5] >> 4);
    const adcH = raw[6] * 256 + raw[7];
    compensateInto(this.calib, adcT, adcP, adcH, out);
    return true;
  }
}
