/**
 * The trust model: a config is code, so the modules it names (run, degraded, safeState,
 * failSafe) must be files inside its project unless the user opts in; URLs, built-ins
 * and package names are refused with their own message; odd file URLs are bad input
 * (exit 2), never an internal error. `hardtick run` refuses before importing anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { loadConfig, resolveConfig } from '../src/config/load.js';
import { projectDirOf } from '../src/config/refs.js';
import { HardtickError } from '../src/errors.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const root = realpathSync(mkdtempSync(join(tmpdir(), 'hardtick-trust-')));
const proj = join(root, 'proj');
const sub = join(proj, 'sub');
const outside = join(root, 'outside');
mkdirSync(join(sub, 'lib'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(proj, 'package.json'), '{"name":"proj","private":true}\n');
writeFileSync(join(sub, 'tasks.mjs'), 'export function a() {}\n');
writeFileSync(join(sub, 'lib', 'x.mjs'), 'export function a() {}\n');
const EVIL =
  "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran', import.meta.url), 'evil ran');\nexport function a() {}\n";
writeFileSync(join(outside, 'evil.mjs'), EVIL);
symlinkSync(outside, join(sub, 'link'));

type Json = Record<string, unknown>;
const task = (over: Json = {}): Json => ({
  name: 'a',
  period: '1ms',
  budget: '100us',
  run: './tasks.mjs#a',
  ...over,
});

function resolveIn(input: Json, allowOutsideProject?: boolean) {
  return resolveConfig(input, {
    file: 'c.json',
    baseDir: sub,
    ...(allowOutsideProject === undefined ? {} : { allowOutsideProject }),
  });
}

function problems(input: Json): string[] {
  try {
    resolveIn(input);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('config_invalid');
    return [...(error as HardtickError).issues];
  }
  throw new Error('expected the config to be refused');
}

const optIn =
  'to run modules from elsewhere, pass --allow-outside-project (library: allowOutsideProject: true) or set "allowOutsideProject": true in the config';
const outsideMessage = (shown: string, file: string) =>
  `${JSON.stringify(shown)} resolves outside the config's project: ${file} is not inside ${proj}; a config is code, so its modules must come from its project: ${optIn}`;

describe('module references stay inside the project', () => {
  it('the project is the nearest folder with a package.json, else the config folder', () => {
    expect(projectDirOf(sub)).toBe(proj);
    expect(projectDirOf(outside)).toBe(outside);
  });

  it('accepts paths inside the project, however they are written', () => {
    const config = resolveIn({
      name: 'inside',
      tasks: [
        task(),
        task({ name: 'b', run: 'lib/x.mjs#a' }),
        task({ name: 'c', run: `${join(sub, 'lib', 'x.mjs')}#a` }),
        task({ name: 'd', run: `${pathToFileURL(join(sub, 'tasks.mjs')).href}#a` }),
        task({ name: 'e', run: `file://localhost${join(sub, 'tasks.mjs')}#a` }),
        task({ name: 'f', run: '../package-level.mjs#a' }),
      ],
    });
    expect(config.tasks.map((t) => t.run.file)).toEqual([
      join(sub, 'tasks.mjs'),
      join(sub, 'lib', 'x.mjs'),
      join(sub, 'lib', 'x.mjs'),
      join(sub, 'tasks.mjs'),
      join(sub, 'tasks.mjs'),
      join(proj, 'package-level.mjs'),
    ]);
  });

  it('refuses relative, absolute, file: URL and symlinked paths that leave it, in every reference field, all at once', () => {
    const evil = join(outside, 'evil.mjs');
    expect(
      problems({
        name: 'outside',
        tasks: [
          task({ run: '../../outside/evil.mjs#a' }),
          task({
            name: 'b',
            run: `${evil}#a`,
            overrun: { action: 'degrade', degraded: `${pathToFileURL(evil).href}#a` },
          }),
          task({ name: 'c', overrun: { action: 'safe-state', safeState: './link/evil.mjs#a' } }),
        ],
        modes: { low: { tasks: [task({ run: '../../outside/evil.mjs#a' })] } },
        watchdog: { failSafe: '../../outside/evil.mjs#a' },
      }),
    ).toEqual([
      `tasks[0].run: ${outsideMessage('../../outside/evil.mjs', evil)}`,
      `tasks[1].run: ${outsideMessage(evil, evil)}`,
      `tasks[1].overrun.degraded: ${outsideMessage(pathToFileURL(evil).href, evil)}`,
      `tasks[2].overrun.safeState: ${outsideMessage('./link/evil.mjs', join(sub, 'link', 'evil.mjs'))}`,
      `modes.low.tasks[0].run: ${outsideMessage('../../outside/evil.mjs', evil)}`,
      `watchdog.failSafe: ${outsideMessage('../../outside/evil.mjs', evil)}`,
    ]);
  });

  it('lets the user opt in: a library option, a config key, a plan flag', async () => {
    const input = { name: 'opt-in', tasks: [task({ run: '../../outside/evil.mjs#a' })] };
    expect(resolveIn(input, true).tasks[0]?.run.file).toBe(join(outside, 'evil.mjs'));
    expect(resolveIn({ ...input, allowOutsideProject: true }).tasks[0]?.run.file).toBe(
      join(outside, 'evil.mjs'),
    );
    const file = join(sub, 'opt-in.json');
    writeFileSync(file, JSON.stringify(input));
    await expect(loadConfig(file)).rejects.toThrow(/resolves outside the config's project/);
    expect((await loadConfig(file, { allowOutsideProject: true })).tasks[0]?.run.file).toBe(
      join(outside, 'evil.mjs'),
    );
    const refused = captureIo();
    expect(await main(['plan', file], refused)).toBe(2);
    expect(refused.stderr).toContain(
      `tasks[0].run: ${outsideMessage('../../outside/evil.mjs', join(outside, 'evil.mjs'))}`,
    );
    const allowed = captureIo();
    expect(await main(['plan', file, '--allow-outside-project'], allowed)).toBe(0);
    expect(existsSync(join(outside, 'ran'))).toBe(false);
  });
});

describe('references that are not module files get their own message', () => {
  const tail = 'a task module must be a file inside the project, named by a path relative to the config file';
  const CASES: Array<[string, string]> = [
    [
      'data:text/javascript,export function a(){}#a',
      `"data:text/javascript,export function a(){}" is a data: URL; ${tail}`,
    ],
    ['node:child_process#execSync', `"node:child_process" is a Node.js built-in module; ${tail}`],
    ['https://example.com/x.mjs#a', `"https://example.com/x.mjs" is a https: URL; ${tail}`],
    [
      'lodash#map',
      '"lodash" looks like a package name; hardtick does not resolve packages: name a module file by its path relative to the config file, like "./tasks.mjs"',
    ],
    [
      '@scope/pkg/x.mjs#a',
      '"@scope/pkg/x.mjs" looks like a package name; hardtick does not resolve packages: name a module file by its path relative to the config file, like "./tasks.mjs"',
    ],
    [
      'file://host/x.mjs#a',
      '"file://host/x.mjs" is not a local file URL (it names the host "host"); write a path relative to the config file, like "./tasks.mjs"',
    ],
    [
      'file:///a%2Fb.mjs#a',
      '"file:///a%2Fb.mjs" is not a usable file URL (File URL path must not include encoded / characters)',
    ],
    ['file://[x/y.mjs#a', '"file://[x/y.mjs" is not a usable file URL (it does not parse as a URL)'],
  ];
  for (const [ref, message] of CASES) {
    it(ref, () => {
      expect(problems({ name: 'odd', tasks: [task({ run: ref })] })).toEqual([`tasks[0].run: ${message}`]);
    });
  }
});

describe('hardtick run', () => {
  it('refuses a module outside the project with exit 2 before importing it', () => {
    const file = join(proj, 'run.json');
    writeFileSync(file, JSON.stringify({ name: 'run', tasks: [task({ run: '../outside/evil.mjs#a' })] }));
    const r = spawnSync(process.execPath, [CLI, 'run', file, '--duration', '200ms'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `tasks[0].run: ${outsideMessage('../outside/evil.mjs', join(outside, 'evil.mjs'))}`,
    );
    expect(existsSync(join(outside, 'ran'))).toBe(false);
  });
});
