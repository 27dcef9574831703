/**
 * Takeover time of the hot-standby pair (examples/hot-standby: two `hardtick run` on the
 * one config, its `lease`) over a real etcd: SIGSTOP the controller that is writing, and
 * measure until the sink accepts the other one's first write. Also the two parts: SIGSTOP →
 * the standby wins the election (its `lease: leader` line, stamped when it arrives here),
 * and that → its first accepted write (the sink's own time).
 *
 *   npm run build && npm run bench:takeover [-- --runs 6 --ttl 1]
 *
 * One etcd, one sink, one pair: after each takeover the stopped controller is resumed,
 * notices it lost, goes passive and rejoins as the standby, and the next round stops the
 * new leader. Prints every round and the median/min/max; the bound to compare with is the
 * TTL (the stopped leader's lease must expire first) + etcd's expiry check (every 500 ms)
 * + the standby's campaign interval (100 ms). Needs the `etcd` binary (Debian etcd-server).
 */
import { parseArgs } from 'node:util';
import { auditViolations, FencedSink, FencedSinkServer } from '../src/lease/index.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { type Controller, epochMs, startController } from '../test/helpers/hot-standby.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '6' }, ttl: { type: 'string', default: '1' } },
});
const runs = Number(values.runs);
const ttlS = Number(values.ttl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const etcd = await startEtcd();
const sink = new FencedSink();
const server = await FencedSinkServer.listen(sink, { port: 0 });
const port = (server.address() as { port: number }).port;
const key = '/bench/takeover';
const a = startController({ name: 'a', etcd: etcd.endpoint, key, sinkPort: port, ttlS });
const b = startController({ name: 'b', etcd: etcd.endpoint, key, sinkPort: port, ttlS });
const byName = new Map<string, Controller>([
  ['a', a],
  ['b', b],
]);
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

try {
  await Promise.race([
    a.waitFor((e) => e.event === 'first-accepted', 60_000),
    b.waitFor((e) => e.event === 'first-accepted', 60_000),
  ]);
  const total: number[] = [];
  const election: number[] = [];
  const firstWrite: number[] = [];
  for (let round = 0; round < runs; round++) {
    const leaderName = sink.audit().at(-1)!.writer;
    const leader = byName.get(leaderName)!;
    const standby = leader === a ? b : a;
    // The standby must be campaigning (it rejoins one TTL after losing).
    let lastPassive = -1;
    standby.events.forEach((e, i) => {
      if (e.event === 'passive') lastPassive = i;
    });
    await standby.waitFor((e) => e.event === 'campaigning', 10_000, lastPassive + 1);
    await sleep(500);
    const from = standby.events.length;
    const stopAt = epochMs();
    leader.proc.kill('SIGSTOP');
    const won = await standby.waitFor((e) => e.event === 'leader', 10_000, from);
    await standby.waitFor((e) => e.event === 'first-accepted', 10_000, from);
    const firstAccepted = sink.audit().find((e) => e.writer === standby.name && e.atMs >= stopAt)!;
    total.push(firstAccepted.atMs - stopAt);
    election.push(won.atMs - stopAt);
    firstWrite.push(firstAccepted.atMs - won.atMs);
    console.log(
      `round ${round + 1}: ${leader.name} stopped → ${standby.name} leader after ${(won.atMs - stopAt).toFixed(0)} ms, ` +
        `first accepted write after ${(firstAccepted.atMs - stopAt).toFixed(0)} ms`,
    );
    await sleep(Math.max(0, stopAt + ttlS * 1000 + 300 - epochMs()));
    const lostFrom = leader.events.length;
    leader.proc.kill('SIGCONT');
    await leader.waitFor((e) => e.event === 'passive', 5000, lostFrom);
  }
  const fmt = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}`;
  console.log(`\nTTL ${ttlS} s, ${runs} takeovers (SIGSTOP of the writing leader):`);
  console.log(`  SIGSTOP → standby's first accepted write: ${fmt(total)}`);
  console.log(`  SIGSTOP → standby wins the election:      ${fmt(election)}`);
  console.log(`  election won → first accepted write:      ${fmt(firstWrite)}`);
  console.log(`  over the TTL (median): ${(median(total) - ttlS * 1000).toFixed(0)} ms`);
  console.log(
    `  sink: ${sink.accepted} accepted, ${sink.rejections} rejected (stale tokens), audit violations: ${auditViolations(sink.audit()).length}`,
  );
} finally {
  await Promise.all([a.stop(), b.stop()]);
  await server.close();
  await etcd.dispose();
}
