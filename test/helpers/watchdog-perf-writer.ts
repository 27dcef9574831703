/**
 * Writer thread for the `'performance'` heartbeat clock test: creates the heartbeat here
 * (recording this thread's performance.timeOrigin), writes one slot starting at this
 * thread's `performance.now() × 1e6`, and posts `{ buffer, writerNowNs }`.
 */
import { parentPort } from 'node:worker_threads';
import { Heartbeat } from '../../src/watchdog/heartbeat.js';

const hb = Heartbeat.create({ clock: 'performance', taskNames: ['t'] });
const writerNowNs = performance.now() * 1e6;
hb.beginSlot(0, 0, 0, writerNowNs, writerNowNs + 1e6);
parentPort!.postMessage({ buffer: hb.buffer, writerNowNs });
