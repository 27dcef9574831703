#!/usr/bin/env node
/**
 * The hot-standby story in one command (after `npm run build`; needs the `etcd` binary,
 * Debian package `etcd-server`):
 *
 *   node examples/hot-standby/demo.mjs [--pause 3] [--after 3]
 *
 * Starts a throw-away etcd on free loopback ports (temporary data dir), the actuator
 * gateway (sink.mjs) and two controllers (controller.mjs, `primary` first, then `standby`),
 * lets the primary drive the actuator, SIGSTOPs it for `--pause` seconds (longer than the
 * 1 s lease), SIGCONTs it, watches `--after` seconds more and stops everything. Every line
 * of every process is printed with its name; at the end, a summary: who took over and when,
 * what the woken primary did, and what the sink accepted and rejected.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { pause: { type: 'string', default: '3' }, after: { type: 'string', default: '3' } },
});
const pauseS = Number(args.pause);
const afterS = Number(args.after);
if (!(pauseS > 0) || !(afterS > 0)) {
  console.error('demo: --pause and --after take a positive number of seconds');
  process.exit(2);
}
if (spawnSync('etcd', ['--version']).status !== 0) {
  console.error('demo: needs the etcd binary on PATH (Debian: apt-get install etcd-server)');
  process.exit(2);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => performance.timeOrigin + performance.now();
const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
const healthy = (port) =>
  new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.includes('"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });

const children = [];
const events = [];
/** Starts a named child; prints its lines; keeps controller events (JSON lines). */
function start(name, cmd, argv) {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let buf = '';
  const onData = (d) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      if (name === 'etcd') continue; // etcd's own log is long; kept quiet
      if (line.startsWith('{')) {
        try {
          events.push({ ...JSON.parse(line), from: name });
        } catch {}
      }
      console.log(`[${name}] ${line}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return child;
}

const clientPort = await freePort();
const peerPort = await freePort();
const sinkPort = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'hardtick-hot-standby-'));
let code = 0;
try {
  start('etcd', 'etcd', [
    '--name=demo',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=demo=http://127.0.0.1:${peerPort}`,
    // etcd's minimum lease TTL is ~1.5 election timeouts: these make 1 s leases possible.
    '--heartbeat-interval=25',
    '--election-timeout=250',
  ]);
  const t0 = Date.now();
  while (!(await healthy(clientPort))) {
    if (Date.now() - t0 > 15_000) throw new Error('etcd did not become healthy within 15 s');
    await sleep(100);
  }
  console.log(`[demo] etcd up on 127.0.0.1:${clientPort}`);
  start('sink', process.execPath, [join(here, 'sink.mjs'), String(sinkPort)]);
  await sleep(500);
  const controller = (name) =>
    start(name, process.execPath, [
      join(here, 'controller.mjs'),
      `--name=${name}`,
      `--etcd=127.0.0.1:${clientPort}`,
      `--sink=127.0.0.1:${sinkPort}`,
      '--ttl=1',
    ]);
  const primary = controller('primary');
  while (!events.some((e) => e.from === 'primary' && e.event === 'first-accepted')) {
    if (Date.now() - t0 > 30_000) throw new Error('the primary did not start driving within 30 s');
    await sleep(50);
  }
  controller('standby');
  await sleep(2000);
  const stoppedAt = nowMs();
  console.log(`[demo] SIGSTOP primary for ${pauseS} s (its lease is 1 s)`);
  primary.kill('SIGSTOP');
  await sleep(pauseS * 1000);
  primary.kill('SIGCONT');
  console.log('[demo] SIGCONT primary');
  await sleep(afterS * 1000);

  const takeover = events.find(
    (e) => e.from === 'standby' && e.event === 'first-accepted' && e.atMs >= stoppedAt,
  );
  const lost = events.find((e) => e.from === 'primary' && (e.event === 'lost' || e.event === 'passive'));
  const staleAccepted = events.filter(
    (e) => e.from === 'primary' && e.event === 'first-accepted' && e.atMs > stoppedAt,
  );
  console.log('\n[demo] summary');
  console.log(
    takeover === undefined
      ? '  the standby did not take over (see the lines above)'
      : `  standby took over ${Math.round(takeover.atMs - stoppedAt)} ms after the primary was stopped (token ${takeover.token})`,
  );
  console.log(
    lost === undefined
      ? '  the primary did not report losing its lease'
      : `  the woken primary reported "${lost.event}" and stayed passive`,
  );
  console.log(
    staleAccepted.length === 0
      ? '  no write of the woken primary was accepted'
      : `  ${staleAccepted.length} term(s) of the primary after the pause were accepted (after a new election)`,
  );
  if (takeover === undefined || lost === undefined) code = 1;
} catch (error) {
  console.error(`[demo] ${error.message}`);
  code = 1;
} finally {
  for (const c of children.reverse()) {
    c.kill('SIGCONT');
    c.kill('SIGTERM');
  }
  await sleep(1000);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
