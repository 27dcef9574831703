#!/usr/bin/env node
/**
 * The hot-standby story in one command (after `npm run build`; needs the `etcd` binary,
 * Debian package `etcd-server`):
 *
 *   node examples/hot-standby/demo.mjs [--pause 3] [--after 3] [--link-delay 20]
 *
 * Starts a throw-away etcd on free loopback ports (temporary data dir), the actuator
 * gateway (sink.mjs) and two `hardtick run` processes on the one config
 * (hardtick.config.mjs, its `lease`; actuator-link.mjs forwards each command with its
 * fencing token): `primary` first, then `standby`. It lets the primary drive the actuator,
 * SIGSTOPs it for `--pause` seconds (longer than the 1 s lease), SIGCONTs it, watches
 * `--after` seconds more and stops both (each writes its run report). `--link-delay` holds
 * every command that many ms on its way to the sink, so a few are in flight when the
 * primary is stopped: they arrive after the takeover, stale.
 *
 * The verdict comes from the sink's audit log, every write it accepted: after the
 * takeover (the standby's first accepted write) no write may carry a token older than one
 * already accepted, and the log must be sound (no token shared by two writers). Exit 0
 * when the standby took over, the woken primary reported the loss and no stale write was
 * accepted; 1 otherwise, listing the stale writes; 2 for bad options or no etcd.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { auditViolations, describeLeaseSection, FencedSinkClient } from 'hardtick';

let args;
try {
  args = parseArgs({
    options: {
      pause: { type: 'string', default: '3' },
      after: { type: 'string', default: '3' },
      'link-delay': { type: 'string', default: '20' },
    },
  }).values;
} catch (error) {
  console.error(`demo: ${error.message.split('\n')[0]} (options: --pause s, --after s, --link-delay ms)`);
  process.exit(2);
}
const pauseS = Number(args.pause);
const afterS = Number(args.after);
const linkDelayMs = Number(args['link-delay']);
if (!(pauseS > 0) || !(afterS > 0)) {
  console.error('demo: --pause and --after take a positive number of seconds');
  process.exit(2);
}
if (!(linkDelayMs >= 0 && linkDelayMs <= 1000)) {
  console.error('demo: --link-delay takes a number of milliseconds from 0 to 1000');
  process.exit(2);
}
if (spawnSync('etcd', ['--version']).status !== 0) {
  console.error('demo: needs the etcd binary on PATH (Debian: apt-get install etcd-server)');
  process.exit(2);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = fileURLToPath(new URL('cli/main.js', import.meta.resolve('hardtick')));
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
/** Lines of each child, with the time they arrived. */
const lines = [];
/** Starts a named child; prints its lines (etcd's own log is long: kept quiet). */
function start(name, cmd, argv, env = {}) {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  let buf = '';
  const onData = (d) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      if (name === 'etcd') continue;
      lines.push({ from: name, atMs: nowMs(), line });
      console.log(`[${name}] ${line}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return { child, exited };
}
const waitLine = async (from, re, timeoutMs) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = lines.find((l) => l.from === from && re.test(l.line));
    if (hit !== undefined) return hit;
    if (Date.now() > until) throw new Error(`${from} did not print ${re} within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
};

const clientPort = await freePort();
const peerPort = await freePort();
const sinkPort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'hardtick-hot-standby-'));
let code = 1;
try {
  start('etcd', 'etcd', [
    '--name=demo',
    `--data-dir=${join(dir, 'etcd')}`,
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
  const sink = start('sink', process.execPath, [join(here, 'sink.mjs'), String(sinkPort)]);
  await waitLine('sink', /listening/, 10_000);
  // Both controllers: `hardtick run` on the same config, told apart by --candidate.
  const controller = (name) =>
    start(
      name,
      process.execPath,
      [
        cli,
        'run',
        join(here, 'hardtick.config.mjs'),
        '--duration',
        '0',
        '--candidate',
        name,
        '--channels',
        join(here, 'actuator-link.mjs'),
        '--report',
        join(dir, `${name}.json`),
        '--quiet',
      ],
      {
        HOT_STANDBY_ETCD: `127.0.0.1:${clientPort}`,
        HOT_STANDBY_KEY: '/hardtick/hot-standby/demo',
        HOT_STANDBY_SINK: `127.0.0.1:${sinkPort}`,
        HOT_STANDBY_LINK_DELAY_MS: String(linkDelayMs),
      },
    );
  const primary = controller('primary');
  await waitLine('primary', /^sink: first write accepted/, 60_000);
  const standby = controller('standby');
  await waitLine('standby', /^lease: standby, campaigning/, 60_000);
  await sleep(2000);
  const stoppedAt = nowMs();
  console.log(`[demo] SIGSTOP primary for ${pauseS} s (its lease is 1 s)`);
  primary.child.kill('SIGSTOP');
  await sleep(pauseS * 1000);
  primary.child.kill('SIGCONT');
  console.log('[demo] SIGCONT primary');
  await sleep(afterS * 1000);
  console.log('[demo] stopping both controllers (SIGTERM: each writes its report)');
  for (const c of [primary, standby]) c.child.kill('SIGTERM');
  await Promise.race([Promise.all([primary.exited, standby.exited]), sleep(15_000)]);

  // The verdict: the sink's audit log, every write it accepted.
  const client = await FencedSinkClient.connect({ host: '127.0.0.1', port: sinkPort });
  const audit = await client.audit();
  const stats = await client.stats();
  client.close();
  sink.child.kill('SIGTERM');
  const takeoverIdx = audit.findIndex((e) => e.writer === 'standby' && e.atMs >= stoppedAt);
  const takeover = audit[takeoverIdx];
  const stale = [];
  let highest = -1;
  audit.forEach((e, i) => {
    if (e.token < highest) stale.push({ ...e, i, after: highest });
    highest = Math.max(highest, e.token);
  });
  const violations = auditViolations(audit);
  const report = (name) => {
    try {
      return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    } catch {
      return null;
    }
  };
  const reports = { primary: report('primary'), standby: report('standby') };
  const lost = reports.primary?.lease?.transitions.find((t) => t.kind === 'lost');

  console.log('\n[demo] summary');
  console.log(
    takeover === undefined
      ? '  the standby did not take over (see the lines above)'
      : `  standby took over ${Math.round(takeover.atMs - stoppedAt)} ms after the primary was stopped (token ${takeover.token})`,
  );
  console.log(
    lost === undefined
      ? '  the primary did not report losing its lease'
      : `  the woken primary reported "lost" (${lost.reason}, token ${lost.token}) and went passive`,
  );
  const after = takeoverIdx < 0 ? [] : audit.slice(takeoverIdx);
  console.log(
    `  audit: ${audit.length} write(s) accepted, ${after.length} of them from the takeover on` +
      (stats.rejections > 0
        ? `; the sink rejected ${stats.rejectedBy.primary ?? 0} stale write(s) of the woken primary`
        : ''),
  );
  for (const name of ['primary', 'standby']) {
    const r = reports[name];
    console.log(`  ${name}: ${r?.lease ? describeLeaseSection(r.lease) : 'no report'}`);
  }
  if (stale.length > 0 || violations.length > 0) {
    console.log(
      `[demo] FAIL: ${stale.length} stale write(s) accepted (a token older than one accepted before it):`,
    );
    for (const e of stale.slice(0, 10)) {
      console.log(
        `  seq ${e.seq} from ${e.writer} with token ${e.token} at +${Math.round(e.atMs - stoppedAt)} ms after the SIGSTOP, after token ${e.after}`,
      );
    }
    if (stale.length > 10) console.log(`  … and ${stale.length - 10} more`);
    for (const v of violations.slice(0, 5)) console.log(`  audit: ${v}`);
  } else if (takeover === undefined || lost === undefined) {
    console.log('[demo] FAIL: no takeover seen');
  } else {
    console.log(
      '[demo] PASS: no stale write accepted; every write after the takeover came from a current term',
    );
    code = 0;
  }
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
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
