#!/usr/bin/env node
/**
 * hardtick hot-standby example, the actuator gateway: a FencedSink served over TCP.
 *
 *   node examples/hot-standby/sink.mjs [port]     (default 7070)
 *
 * Prints each change of writer (who now drives the actuator, with which token) and, once a
 * second, the counts: accepted, rejected (stale tokens), and the highest token. Its audit
 * log (every accepted write: token, writer, seq, time) is served with the counts
 * (`FencedSinkClient.audit()`, `.stats()`): demo.mjs judges the takeover from it.
 *
 * HARDTICK_HOT_STANDBY_UNFENCED=1 turns fencing off (every write accepted, stale or not):
 * only to show, and test, that demo.mjs then finds the stale writes and fails.
 */
import { FencedSink, FencedSinkServer } from 'hardtick';

const port = Number(process.argv[2] ?? 7070);
const fencing = process.env.HARDTICK_HOT_STANDBY_UNFENCED !== '1';
let writer = null;
const sink = new FencedSink({
  auditCapacity: 100_000,
  fencing,
  onAccept: (e) => {
    if (e.writer !== writer) {
      writer = e.writer;
      console.log(`actuator now driven by ${e.writer} (token ${e.token})`);
    }
  },
});
const server = await FencedSinkServer.listen(sink, { port });
console.log(
  `fenced sink listening on ${JSON.stringify(server.address())}${fencing ? '' : ' (FENCING OFF: stale writes are accepted)'}`,
);
setInterval(() => {
  console.log(`accepted=${sink.accepted} rejected=${sink.rejections} highest=${sink.highest}`);
}, 1000);
