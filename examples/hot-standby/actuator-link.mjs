/**
 * hardtick hot-standby example, the non-real-time side of the task channels
 * (`hardtick run … --channels examples/hot-standby/actuator-link.mjs`): the link to the
 * actuator gateway. Each record the task emits on the 'actuator' channel, [token, seq,
 * value], goes to the fenced sink (sink.mjs) with this process's candidate name as the
 * writer and the record's fencing token; the sink takes it only if no newer term has
 * written.
 *
 * Environment: HOT_STANDBY_SINK (host:port, default 127.0.0.1:7070);
 * HOT_STANDBY_LINK_DELAY_MS (default 0): holds every write that long before sending it, a
 * slow link: at any instant the last few commands are in flight, and a controller paused
 * now delivers them late, stale (what fencing is for).
 *
 * Prints (through `print`, as the run's channel lines): `sink: first write accepted (token
 * T, seq S)` once per term, and `sink: rejected <reason> (token T, seq S; highest H)` for
 * every write the sink refused. When the run ends, the returned teardown lets the writes
 * still on their way arrive (at most a second) and closes the connection.
 */
import { FencedSinkClient } from 'hardtick';

/** @type {import('hardtick').SetupChannels} */
export function setupChannels(hub, print, run) {
  const writer = run.lease?.candidate ?? 'controller';
  const [host, port] = (process.env.HOT_STANDBY_SINK ?? '127.0.0.1:7070').split(':');
  const delayMs = Number(process.env.HOT_STANDBY_LINK_DELAY_MS ?? 0);
  const sink = FencedSinkClient.connect({ host, port: Number(port) });
  sink.catch((e) => print(`sink: cannot connect to ${host}:${port}: ${e.message}`));
  let termToken = -1;
  const inFlight = new Set();
  const send = (token, seq, value) => {
    const sent = sink
      .then((client) => client.write({ token, writer, seq, value }))
      .then(
        (r) => {
          if (!r.accepted) {
            print(`sink: rejected ${r.reason} (token ${token}, seq ${seq}; highest ${r.highest})`);
          } else if (token !== termToken) {
            termToken = token;
            print(`sink: first write accepted (token ${token}, seq ${seq})`);
          }
        },
        (e) => print(`sink: write failed: ${e.message}`),
      );
    inFlight.add(sent);
    sent.finally(() => inFlight.delete(sent));
    return sent;
  };
  hub.on('actuator', (record) => {
    const token = record[0];
    const seq = record[1];
    const value = record[2];
    if (delayMs > 0) {
      const held = new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => send(token, seq, value));
      inFlight.add(held);
      held.finally(() => inFlight.delete(held));
    } else send(token, seq, value);
  });
  return async () => {
    const settle = Promise.allSettled([...inFlight]);
    await Promise.race([settle, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    (await sink.catch(() => null))?.close();
  };
}
