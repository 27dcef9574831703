#!/usr/bin/env node
/**
 * Builds the optional native accelerator (native/hardtick.c → build/Release/hardtick.node)
 * with node-gyp, from source, without the network. Run by `npm install` / `npm ci` (the
 * package's `install` script) and usable by hand: `node scripts/build-native.mjs`.
 *
 * The package works without the addon (pure-JS clock and waiter), so this script never
 * fails the install: on any problem (not Linux, no node-gyp, no compiler, no Node headers,
 * a compile error) it prints one warning line, keeps the full log in
 * build/native-build.log, and exits 0.
 *
 * Where things come from:
 * - node-gyp: npm's own copy. npm sets `npm_config_node_gyp` for lifecycle scripts; by
 *   hand we look beside npm (`npm_execpath`, then `<node prefix>/lib/node_modules/npm/...`),
 *   then a project-local `node-gyp`.
 * - Node headers: `--nodedir` from `npm_config_nodedir` when npm is configured with one,
 *   else the headers installed with this Node binary (`<prefix>/include/node/node_api.h`),
 *   so node-gyp never tries to download them (there is no network here). Without either,
 *   node-gyp would try a download, which fails offline: a warning, exit 0.
 *
 * Env: HARDTICK_NATIVE_BUILD=0 skips the build (the addon is then simply absent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = join(ROOT, 'build', 'Release', 'hardtick.node');
const LOG = join(ROOT, 'build', 'native-build.log');
/** Upper bound on the whole build; a normal one takes ~2 s. */
const BUILD_TIMEOUT_MS = 300_000;

/** Prints the single warning line and exits 0 (the package still works). */
function skip(reason) {
  process.stderr.write(
    `hardtick: native accelerator not built (${reason}); using the pure-JS clock and waiter.\n`,
  );
  process.exit(0);
}

function findNodeGyp() {
  const candidates = [];
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm) candidates.push(fromNpm);
  const npmCli = process.env.npm_execpath; // .../npm/bin/npm-cli.js
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  candidates.push(join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(createRequire(join(ROOT, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((p) => existsSync(p)) ?? null;
}

function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return null;
}

function writeLog(text) {
  try {
    mkdirSync(dirname(LOG), { recursive: true });
    writeFileSync(LOG, text);
  } catch {
    // the log is a convenience
  }
}

if (process.env.HARDTICK_NATIVE_BUILD === '0') skip('HARDTICK_NATIVE_BUILD=0');
if (process.platform !== 'linux') skip(`platform ${process.platform} is not supported, Linux only`);
const nodeGyp = findNodeGyp();
if (nodeGyp === null) skip('node-gyp not found (it ships with npm)');
const nodeDir = findNodeDir();
const args = [nodeGyp, 'rebuild', '--release'];
if (nodeDir !== null) args.push(`--nodedir=${nodeDir}`);

const run = spawnSync(process.execPath, args, {
  cwd: ROOT,
  encoding: 'utf8',
  timeout: BUILD_TIMEOUT_MS,
  env: { ...process.env, npm_config_nodedir: nodeDir ?? process.env.npm_config_nodedir ?? '' },
});
const log = `$ ${process.execPath} ${args.join(' ')}\n${run.stdout ?? ''}${run.stderr ?? ''}${
  run.error ? `\n${run.error.message}\n` : ''
}`;
writeLog(log);
if (run.error || run.status !== 0 || !existsSync(OUTPUT)) {
  const why = run.error
    ? run.error.message
    : run.status !== 0
      ? `node-gyp exited with ${run.status ?? run.signal}${nodeDir === null ? ', no local Node headers' : ''}`
      : `${OUTPUT} missing after the build`;
  skip(`${why}; log: ${LOG}`);
}

// Smoke test in a separate process: the addon must load and read the clock.
const probe = spawnSync(
  process.execPath,
  [
    '-e',
    'const b = require(process.argv[1]); const a = new Float64Array(1); b.clockInto(a); if (!(a[0] > 0)) process.exit(3);',
    OUTPUT,
  ],
  { encoding: 'utf8', timeout: 30_000 },
);
if (probe.status !== 0) {
  writeLog(`${log}\n--- load check failed ---\n${probe.stderr ?? ''}${probe.error?.message ?? ''}`);
  skip(`built but failed to load; log: ${LOG}`);
}
process.stdout.write(`hardtick: native accelerator built: ${OUTPUT}\n`);
