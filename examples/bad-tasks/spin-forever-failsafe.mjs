/**
 * Fail-safe of spin-forever.json: runs in the watchdog thread while the RT worker is stuck.
 * Writes a marker file named by HARDTICK_FAILSAFE_MARKER (when set) with the stuck event,
 * and prints one line on stderr.
 */
import { writeFileSync } from 'node:fs';

export function driveSafe({ stuck }) {
  const marker = process.env.HARDTICK_FAILSAFE_MARKER;
  if (marker)
    writeFileSync(marker, `${JSON.stringify({ ...stuck, atNs: Number(process.hrtime.bigint()) })}\n`);
  process.stderr.write(`fail-safe: outputs driven safe (task ${stuck.taskName} stuck)\n`);
}
