/**
 * examples/pi-sensor-loop: the BME280 driver against the datasheet's worked example, the
 * device adapters' fallbacks (no device node, a native addon that does not load, forced
 * simulation), and the README's command run for 3 s (needs a built dist/).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM example modules, no type declarations
import { Bme280, compensateInto, parseCalibration } from '../examples/pi-sensor-loop/bme280.mjs';
// @ts-expect-error: plain ESM example modules, no type declarations
import { openGpio, openSensor } from '../examples/pi-sensor-loop/devices.mjs';
// @ts-expect-error: plain ESM example modules, no type declarations
import { SimI2cBus, SimRoom } from '../examples/pi-sensor-loop/sim-devices.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Calibration blocks holding the BMP280 datasheet example (§3.12) and typical H words. */
function calibrationBlocks(): [Buffer, Buffer] {
  const b0 = Buffer.alloc(26);
  const words = [27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000];
  b0.writeUInt16LE(words[0]!, 0);
  b0.writeInt16LE(words[1]!, 2);
  b0.writeInt16LE(words[2]!, 4);
  b0.writeUInt16LE(words[3]!, 6);
  for (let i = 0; i < 8; i++) b0.writeInt16LE(words[4 + i]!, 8 + 2 * i);
  b0.writeUInt8(75, 25);
  const b26 = Buffer.alloc(7);
  b26.writeInt16LE(362, 0);
  b26.writeUInt8(0, 2);
  b26.writeInt8(19, 3); // H4 = 19·16 + 9 = 313
  b26.writeUInt8((2 << 4) | 9, 4); // H5 = 3·16 + 2 = 50
  b26.writeInt8(3, 5);
  b26.writeInt8(30, 6);
  return [b0, b26];
}

describe('BME280 driver', () => {
  it('parses the calibration words, including the shared-nibble H4/H5', () => {
    const c = parseCalibration(...calibrationBlocks()) as Float64Array;
    expect(Array.from(c)).toEqual([
      27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 75, 362, 0, 313, 50, 30,
    ]);
  });

  it('compensates the datasheet example: adc_T 519888 → 25.08 °C, adc_P 415148 → 100653.27 Pa', () => {
    const c = parseCalibration(...calibrationBlocks());
    const out = new Float64Array(3);
    compensateInto(c, 519888, 415148, 27000, out);
    expect(out[0]).toBeCloseTo(25.08, 2);
    expect(out[1]).toBeCloseTo(100653.27, 1);
    expect(out[2]).toBeGreaterThan(30);
    expect(out[2]).toBeLessThan(50);
    // Humidity is clamped to 0..100 %RH.
    compensateInto(c, 519888, 415148, 0, out);
    expect(out[2]).toBe(0);
    compensateInto(c, 519888, 415148, 65535, out);
    expect(out[2]).toBe(100);
  });

  it('reads the simulated chip through the same block reads, into the caller`s array', () => {
    const room = new SimRoom({ startC: 25 });
    const sensor = new Bme280(new SimI2cBus(room, 0x76), 0x76);
    const out = new Float64Array(3);
    expect(sensor.readInto(out)).toBe(true);
    expect(Math.abs(out[0]! - 25)).toBeLessThan(0.05);
    expect(Math.abs(out[1]! - 100653)).toBeLessThan(50); // pressure compensation depends on t_fine
  });

  it('refuses a chip that is not a BME280, naming what it found', () => {
    const room = new SimRoom();
    room.regs[0xd0] = 0x58;
    expect(() => new Bme280(new SimI2cBus(room, 0x76), 0x76)).toThrow(
      'BME280 at 0x76: chip id 0x58, expected 0x60 (that is a BMP280: no humidity)',
    );
  });
});

describe('device adapters', () => {
  afterEach(() => {
    delete process.env.HARDTICK_SIMULATE;
  });

  it('simulate the sensor when the I2C device node is missing, and say so', async () => {
    const s = await openSensor({ devicePath: '/nonexistent/i2c-1' });
    expect(s.kind).toBe('simulated');
    expect(s.reason).toBe('no /nonexistent/i2c-1 (not a Pi, or I2C not enabled: raspi-config)');
  });

  it('fall back cleanly when i2c-bus is installed but its addon was never built', async () => {
    const s = await openSensor({
      devicePath: '/dev/null',
      load: async () => {
        throw new Error('Could not locate the bindings file. Tried:\n → /x/build/i2c.node');
      },
    });
    expect(s.kind).toBe('simulated');
    expect(s.reason).toBe(
      'i2c-bus unusable: Could not locate the bindings file. Tried: (npm install --no-save i2c-bus)',
    );
    const g = await openGpio({
      load: async () => {
        throw new Error('Could not locate the bindings file.');
      },
    });
    expect(g.kind).toBe('simulated');
    expect(g.reason).toBe(
      'onoff unusable: Could not locate the bindings file. (npm install --no-save onoff)',
    );
  });

  it('use the real packages when they load (i2c-bus and onoff API shapes)', async () => {
    const room = new SimRoom();
    const s = await openSensor({
      devicePath: '/dev/null',
      load: async () => ({ openSync: (bus: number) => (bus === 1 ? new SimI2cBus(room, 0x76) : null) }),
    });
    expect(s.kind).toBe('i2c');
    expect(s.reason).toBeNull();
    const writes: number[] = [];
    class Gpio {
      static accessible = true;
      constructor(
        readonly pin: number,
        readonly direction: string,
      ) {}
      writeSync(v: number): void {
        writes.push(this.pin, v);
      }
    }
    const g = await openGpio({ pin: 529, load: async () => ({ Gpio }) });
    expect(g.kind).toBe('gpio');
    g.device.writeSync(1);
    expect(writes).toEqual([529, 1]);
  });

  it('HARDTICK_SIMULATE=1 forces the simulation', async () => {
    process.env.HARDTICK_SIMULATE = '1';
    const s = await openSensor({ devicePath: '/dev/null', load: async () => ({ openSync: () => null }) });
    expect([s.kind, s.reason]).toEqual(['simulated', 'HARDTICK_SIMULATE=1']);
  });
});

describe('the README command for 4 s (simulated devices)', () => {
  it('reads the sensor, switches the fan with hysteresis, and streams the readings', () => {
    const out = execFileSync(
      process.execPath,
      [
        'dist/cli/main.js',
        'run',
        'examples/pi-sensor-loop/hardtick.json',
        '--channels',
        'examples/pi-sensor-loop/consumer.mjs',
        '--duration',
        '4s',
        '--warmup',
        '200ms',
        '--quiet',
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HARDTICK_SIMULATE: '1' } },
    );
    expect(out).toMatch(/^pi-sensor-loop: sensor BME280 simulated \(HARDTICK_SIMULATE=1\); fan simulated/m);
    const lines = [
      ...out.matchAll(
        /^t=([\d.]+)s ([\d.]+) °C ([\d.]+) hPa ([\d.]+) %RH fan (on |off) \(switches (\d+), read errors (\d+)\)$/gm,
      ),
    ];
    expect(lines.length, out).toBeGreaterThanOrEqual(2);
    // The warm-up does not drive the fan (ctx.phase), so the simulated box (whose time
    // advances per read, compressed JIT drives included) starts the measured run warm; once
    // the fan has cycled on and off, the thermostat holds it inside the band.
    const controlled = lines.filter((m) => Number(m[6]) >= 2);
    expect(controlled.length, out).toBeGreaterThanOrEqual(1);
    for (const m of lines) {
      expect(Number(m[2]), m[0]).toBeLessThan(30);
      expect(Math.abs(Number(m[3]) - 1006.5), m[0]).toBeLessThan(6);
      expect(Number(m[7])).toBe(0);
    }
    for (const m of controlled) {
      const celsius = Number(m[2]);
      // Inside the hysteresis band (± sensor noise and one step).
      expect(celsius, m[0]).toBeGreaterThan(24.3);
      expect(celsius, m[0]).toBeLessThan(25.7);
      expect(Math.abs(Number(m[3]) - 1006.5), m[0]).toBeLessThan(2);
    }
    // The simulated box cycles in ~1.5 s of simulated time: the fan has switched.
    expect(Number(lines.at(-1)![6])).toBeGreaterThanOrEqual(2);
    expect(out).toMatch(/^read\s+2000\s+\d+/m);
    expect(out).toMatch(/channel 'readings' \(to-main\): \d+ record\(s\), 0 lost/);
  });
});
