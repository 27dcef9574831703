#!/usr/bin/env node
/**
 * hardtick hot-standby example, the actuator gateway: a FencedSink served over TCP.
 *
 *   node examples/hot-standby/sink.mjs [port]     (default 7070)
 *
 * Prints each change of writer (who now drives the actuator, with which token) and, once a
 * second, the counts: accepted, rejected (stale tokens), and the highest token.
 */
import { FencedSink, FencedSinkServer } from 'hardtick';

const port = Number(process.argv[2] ?? 7070);
let writer = null;
const sink = new FencedSink({
  auditCapacity: 10_000,
  onAccept: (e) => {
    if (e.writer !== writer) {
      writer = e.writer;
      console.log(`actuator now driven by ${e.writer} (token ${e.token})`);
    }
  },
});
const server = await FencedSinkServer.listen(sink, { port });
console.log(`fenced sink listening on ${JSON.stringify(server.address())}`);
setInterval(() => {
  console.log(`accepted=${sink.accepted} rejected=${sink.rejections} highest=${sink.highest}`);
}, 1000);
