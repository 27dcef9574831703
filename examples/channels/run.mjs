#!/usr/bin/env node
/**
 * hardtick channels example: `node examples/channels/run.mjs [seconds]` (after `npm run
 * build`). Runs tasks.mjs's 1 kHz task with the runner (`run` from 'hardtick': its
 * real-time worker, warm-up, report) and, on this thread, prints a running mean of the
 * samples it streams over the 'samples' channel (consumer.mjs). The same as
 * `hardtick run examples/channels/hardtick.json --channels examples/channels/consumer.mjs`.
 */
import { fileURLToPath } from 'node:url';
import { run } from 'hardtick';
import { setupChannels } from './consumer.mjs';

const seconds = Number(process.argv[2] ?? 5);
const stop = new AbortController();
process.once('SIGINT', () => stop.abort('signal:SIGINT'));
let hub = null;
let consumer = null;
const report = await run(fileURLToPath(new URL('./hardtick.json', import.meta.url)), {
  duration: `${seconds}s`,
  signal: stop.signal,
  // The main side of the channels: the runner polls them while the loop runs.
  channels: (h, print) => {
    hub = h;
    consumer = setupChannels(h, print);
  },
  onEvent: (e) => {
    if (e.type === 'channel') console.log(e.text);
  },
});
console.log(
  `done: ${report.frames.count} frames, ${consumer.count()} samples received, ${hub.lost('samples')} lost, ` +
    `mean(filtered)=${consumer.mean().toFixed(4)}`,
);
