/**
 * hardtick motor-pid example, non-real-time side (`hardtick run … --channels
 * examples/motor-pid/consumer.mjs`): prints the motor's state once a second of simulated
 * time from the 'telemetry' channel of tasks.mjs, and the moment the sensor was declared
 * failed. The handler sees the hub's one reused record buffer: it keeps only numbers.
 */
import { TELEMETRY_FIELDS } from './tasks.mjs';

const F = Object.fromEntries(TELEMETRY_FIELDS.map((name, i) => [name, i]));
/** Telemetry records per printed line (the log task runs every 10 ms: 1 s). */
const EVERY = 100;

/**
 * @param {import('hardtick/worker').ChannelHub} hub
 * @param {(line: string) => void} [print]
 */
export function setupChannels(hub, print = (line) => console.log(line)) {
  let count = 0;
  let faultTold = false;
  hub.on('telemetry', (r) => {
    count++;
    if (!faultTold && r[F.faultTimeS] >= 0) {
      faultTold = true;
      print(`sensor declared failed at simulated t=${r[F.faultTimeS].toFixed(3)}s`);
    }
    if (count % EVERY !== 0) return;
    print(
      `t=${r[F.timeS].toFixed(1)}s mode ${r[F.sensorless] === 1 ? 'sensorless' : 'main'} ` +
        `setpoint ${r[F.setpoint].toFixed(0)} speed ${r[F.omega].toFixed(1)} ` +
        `estimate ${r[F.estimate].toFixed(1)} voltage ${r[F.voltage].toFixed(2)} (rad/s, V)`,
    );
  });
}
