/**
 * Device adapters for pi-sensor-loop: the real devices on a Raspberry Pi, simulated ones
 * anywhere else. Setup only (may allocate, may throw); the objects they return are used
 * from the loop with allocation-free synchronous calls.
 *
 * - `openSensor()`: a BME280 (bme280.mjs) on `/dev/i2c-<bus>` through npm `i2c-bus` when
 *   that device node exists and `i2c-bus` loads (it is a native addon: installed but not
 *   built also counts as "does not load"), else the same driver on a simulated bus.
 * - `openGpio()`: a GPIO output through npm `onoff` when it loads and `Gpio.accessible`,
 *   else a simulated pin.
 * Neither package is a dependency of hardtick: on a Pi, `npm install --no-save i2c-bus onoff`
 * (see README.md). `HARDTICK_SIMULATE=1` forces the simulated devices.
 *
 * Each adapter says what it is: `{ device, kind: 'i2c' | 'gpio' | 'simulated', reason }`,
 * `reason` being why the simulation was chosen (null for a real device).
 */
import { existsSync } from 'node:fs';
import { Bme280 } from './bme280.mjs';
import { SimGpio, SimI2cBus, SimRoom } from './sim-devices.mjs';

/** One room shared by the simulated sensor and the simulated fan (created on first use). */
let room = null;
/** The simulated room, or null while no simulated device was opened. */
export function simulatedRoom() {
  return room;
}
function theRoom() {
  room ??= new SimRoom();
  return room;
}

function forcedSimulation() {
  return process.env.HARDTICK_SIMULATE === '1';
}

function errorText(error) {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/**
 * @param {{ busNumber?: number, address?: number, load?: () => Promise<any>, devicePath?: string }} [options]
 *   busNumber: I2C bus (1 on a Pi's GPIO header), address: 0x76 (SDO low) or 0x77;
 *   load/devicePath: for tests (default `import('i2c-bus')`, `/dev/i2c-<bus>`).
 */
export async function openSensor(options = {}) {
  const busNumber = options.busNumber ?? 1;
  const address = options.address ?? 0x76;
  const devicePath = options.devicePath ?? `/dev/i2c-${busNumber}`;
  let reason;
  if (forcedSimulation()) reason = 'HARDTICK_SIMULATE=1';
  else if (!existsSync(devicePath)) reason = `no ${devicePath} (not a Pi, or I2C not enabled: raspi-config)`;
  else {
    try {
      const mod = await (options.load ?? (() => import('i2c-bus')))();
      const i2c = mod.default ?? mod;
      const bus = i2c.openSync(busNumber);
      return { device: new Bme280(bus, address), kind: 'i2c', reason: null };
    } catch (error) {
      reason = `i2c-bus unusable: ${errorText(error)} (npm install --no-save i2c-bus)`;
    }
  }
  return { device: new Bme280(new SimI2cBus(theRoom(), 0x76), 0x76), kind: 'simulated', reason };
}

/**
 * @param {{ pin?: number, load?: () => Promise<any> }} [options] pin: the sysfs GPIO number
 *   (BCM 17 = header pin 11; on kernels ≥ 6.6 the sysfs number is the chip base + 17, e.g. 529
 *   on a Pi 4/5: see README.md). load: for tests (default `import('onoff')`).
 */
export async function openGpio(options = {}) {
  const pin = options.pin ?? 17;
  let reason;
  if (forcedSimulation()) reason = 'HARDTICK_SIMULATE=1';
  else {
    try {
      const mod = await (options.load ?? (() => import('onoff')))();
      const { Gpio } = mod.default ?? mod;
      if (!Gpio.accessible) reason = 'onoff loaded but GPIO sysfs is not accessible here';
      else return { device: new Gpio(pin, 'out'), kind: 'gpio', reason: null };
    } catch (error) {
      reason = `onoff unusable: ${errorText(error)} (npm install --no-save onoff)`;
    }
  }
  return { device: new SimGpio(theRoom()), kind: 'simulated', reason };
}
