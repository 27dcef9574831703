#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
/**
 * hardtick channels example: `node examples/channels/run.mjs [seconds]` (after `npm run
 * build`). Runs tasks.mjs's 1 kHz task in a worker thread (rt.mjs) and, on this thread,
 * prints a running mean of the samples it streams over the 'samples' channel (consumer.mjs).
 * The main thread polls the channels every 50 ms, as `hardtick run` polls its rings.
 */
import { Worker } from 'node:worker_threads';
import { ChannelHub } from 'hardtick/worker';
import { setupChannels } from './consumer.mjs';

const seconds = Number(process.argv[2] ?? 5);
const stopFlag = new SharedArrayBuffer(4);
const hub = new ChannelHub();
const consumer = setupChannels(hub);
const worker = new Worker(new URL('./rt.mjs', import.meta.url), {
  workerData: {
    configFile: fileURLToPath(new URL('./hardtick.json', import.meta.url)),
    durationMs: seconds * 1000,
    stopFlag,
  },
});
process.once('SIGINT', () => Atomics.store(new Int32Array(stopFlag), 0, 1));
const poll = setInterval(() => hub.pollOnce(), 50);
const frames = await new Promise((resolve, reject) => {
  worker.on('message', (m) => {
    if (m.type === 'channels') hub.add(m.channels);
    else if (m.type === 'done') resolve(m.frames);
  });
  worker.on('error', reject);
});
clearInterval(poll);
hub.pollOnce();
await worker.terminate();
console.log(
  `done: ${frames} frames, ${consumer.count()} samples received, ${hub.lost('samples')} lost, ` +
    `mean(filtered)=${consumer.mean().toFixed(4)}`,
);
