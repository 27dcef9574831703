#!/usr/bin/env node
/**
 * hardtick hot-standby example, one controller of the pair (after `npm run build`):
 *
 *   node examples/hot-standby/controller.mjs --name primary --etcd 127.0.0.1:2379 \
 *     --key /hardtick/demo/leader --ttl 1 --sink 127.0.0.1:7070 [--margin 100] [--duration 60]
 *
 * Start two (`--name primary`, `--name standby`) against the same etcd key and the same
 * sink (`node examples/hot-standby/sink.mjs`). The runner (`startRun` from 'hardtick', its
 * real-time worker thread) runs tasks.mjs, which emits actuator commands while
 * `ctx.lease.valid()`; the run's lease guard (`lease: true`) is kept by a LeaseKeeper over
 * EtcdElection on this thread, which also forwards the commands, with their fencing token,
 * to the sink. The runner's own lines go to stderr; stdout carries the JSON events only.
 *
 * Prints one JSON object per line: `{"event":"leader","token":…}`, `"campaigning"`,
 * `"lost"`, `"passive"`, `"first-accepted"` (the first write the sink took in a term),
 * `"rejected"` (each write the sink refused), `"error"`, and at exit (SIGTERM/SIGINT or
 * --duration) `"exit"` with the counts. Times `atMs` are epoch ms (performance.timeOrigin +
 * performance.now()), comparable across processes on one machine.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EtcdElection, FencedSinkClient, LeaseKeeper, startRun } from 'hardtick';

const { values: args } = parseArgs({
  options: {
    name: { type: 'string' },
    etcd: { type: 'string', default: '127.0.0.1:2379' },
    key: { type: 'string', default: '/hardtick/hot-standby/leader' },
    ttl: { type: 'string', default: '1' },
    margin: { type: 'string', default: '100' },
    sink: { type: 'string', default: '127.0.0.1:7070' },
    duration: { type: 'string', default: '0' },
  },
});
if (!args.name) {
  console.error('controller: --name is required (e.g. --name primary)');
  process.exit(2);
}
const nowMs = () => performance.timeOrigin + performance.now();
const emit = (event, fields = {}) =>
  process.stdout.write(`${JSON.stringify({ event, name: args.name, atMs: nowMs(), ...fields })}\n`);

const [sinkHost, sinkPort] = args.sink.split(':');
const sink = await FencedSinkClient.connect({ host: sinkHost, port: Number(sinkPort) });
const election = await EtcdElection.connect({
  endpoints: args.etcd,
  key: args.key,
  candidate: args.name,
  ttlNs: Number(args.ttl) * 1e9,
  callTimeoutMs: 500,
});

const counts = { sent: 0, accepted: 0, rejected: 0 };
let termToken = -1;
/** The main side of the 'actuator' channel: each command to the sink, with its token. */
function setupChannels(hub) {
  hub.on('actuator', (record) => {
    const token = record[0];
    const seq = record[1];
    const value = record[2];
    counts.sent++;
    sink.write({ token, writer: args.name, seq, value }).then(
      (r) => {
        if (r.accepted) {
          counts.accepted++;
          if (token !== termToken) {
            termToken = token;
            emit('first-accepted', { token, seq });
          }
        } else {
          counts.rejected++;
          emit('rejected', { token, seq, reason: r.reason, highest: r.highest });
        }
      },
      (e) => emit('error', { during: 'sink', message: e.message }),
    );
  });
}

const handle = startRun(fileURLToPath(new URL('./hardtick.json', import.meta.url)), {
  duration: 0,
  warmup: '200ms',
  lease: true,
  channels: setupChannels,
  onEvent: (e) => process.stderr.write(`${e.text}\n`),
  onAlarm: (a) => process.stderr.write(`${a.text}\n`),
});
// The loop thread is set up: its lease guard exists (on the loop's clock).
const { leaseGuard: guard } = await handle.ready;

const keeper = new LeaseKeeper({
  election,
  guard,
  marginNs: Number(args.margin) * 1e6,
  onEvent: (e) => {
    const { type, atMs: _atMs, ...rest } = e;
    emit(type, rest);
  },
});
keeper.start();

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await keeper.stop();
  handle.stop('shutdown');
  const report = await Promise.race([handle.done, new Promise((r) => setTimeout(() => r(null), 2000))]);
  await new Promise((r) => setTimeout(r, 50));
  emit('exit', {
    ...counts,
    frames: report?.frames.count ?? -1,
    pauses: report?.alarms.pause ?? -1,
    denied: guard.deniedCount(),
    terms: keeper.terms,
  });
  sink.close();
  await election.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (Number(args.duration) > 0) setTimeout(shutdown, Number(args.duration) * 1000);
