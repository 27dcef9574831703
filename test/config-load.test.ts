import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/config/json-text.js';
import { loadConfig } from '../src/config/load.js';
import { HardtickError } from '../src/errors.js';

const fixtures = fileURLToPath(new URL('./fixtures/config/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));

async function loadError(file: string): Promise<HardtickError> {
  try {
    await loadConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    return error as HardtickError;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe('loadConfig reads JSON files', () => {
  it('resolves a valid file with run paths relative to its folder', async () => {
    const config = await loadConfig(fixture('valid.json'));
    expect(config.name).toBe('fixture-valid');
    expect(config.file).toBe(fixture('valid.json'));
    expect(config.baseDir).toBe(fixtures.replace(/\/$/, ''));
    expect(config.tasks[0]?.run.file).toBe(fixture('tasks.mjs'));
    expect(config.tasks[1]?.budgetNs).toBe(1_800_000);
    expect(config.tasks[1]?.periodNs).toBe(5_000_000);
  });

  it('loads the bundled examples', async () => {
    const textbook = await loadConfig(join(examples, 'textbook/hardtick.json'));
    expect(textbook.tasks.map((t) => [t.name, t.periodNs, t.budgetNs])).toEqual([
      ['sense', 4_000_000, 1_000_000],
      ['control', 5_000_000, 1_800_000],
      ['log', 20_000_000, 1_000_000],
    ]);
    const demo = await loadConfig(join(examples, 'demo/hardtick.json'));
    expect(demo.tasks.map((t) => t.name)).toEqual(['sense', 'control', 'log']);
    expect(demo.tasks[1]?.overrun.degraded?.file).toBe(join(examples, 'demo/tasks.mjs'));
  });

  it('reports a missing file as config_unreadable with the path and OS reason', async () => {
    const missing = join(tmpdir(), 'hardtick-no-such-dir', 'hardtick.json');
    const error = await loadError(missing);
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(`cannot read config file ${missing}: no such file or directory (ENOENT)`);
    expect(error.file).toBe(missing);
  });

  it('names both the given and the absolute path when they differ', async () => {
    const error = await loadError('no-such-hardtick.json');
    expect(error.message).toBe(
      `cannot read config file no-such-hardtick.json (${join(process.cwd(), 'no-such-hardtick.json')}): no such file or directory (ENOENT)`,
    );
  });

  it('reports a directory as config_unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardtick-config-dir-'));
    const error = await loadError(dir);
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(`cannot read config file ${dir}: it is a directory, not a file (EISDIR)`);
  });

  it('reports a path through a regular file as config_unreadable (ENOTDIR)', async () => {
    // Runs as root too (CI does): a permission test would be skipped there, this one cannot be.
    const file = join(mkdtempSync(join(tmpdir(), 'hardtick-config-notdir-')), 'plain');
    writeFileSync(file, '{}');
    const error = await loadError(join(file, 'hardtick.json'));
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(
      `cannot read config file ${join(file, 'hardtick.json')}: a parent of the path is not a directory (ENOTDIR)`,
    );
  });

  it('reports invalid JSON as config_not_json with file:line:column', async () => {
    // Written at test time: a committed broken JSON file would fail the linter.
    const file = join(mkdtempSync(join(tmpdir(), 'hardtick-config-json-')), 'not-json.json');
    writeFileSync(
      file,
      '{\n  "name": "broken",\n  "tasks": [\n    { "name": "a", "period": 5 "budget": 1 }\n  ]\n}\n',
    );
    const error = await loadError(file);
    expect(error.code).toBe('config_not_json');
    expect(error.message).toMatch(/^.*not-json\.json:4:32: not valid JSON: /);
    expect(error.message).toBe(`${file}:4:32: not valid JSON: Expected ',' or '}' after property value`);
  });

  it('reports schema problems as config_invalid labelled with the file', async () => {
    const file = fixture('unknown-keys.json');
    const error = await loadError(file);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      [
        `${file}: 2 problems in config`,
        '  tasks[0]: unknown key "perod" (did you mean "period"?)',
        '  (top level): unknown key "slicng" (did you mean "slicing"?)',
      ].join('\n'),
    );
  });

  it('rejects unsupported extensions', async () => {
    const file = fixture('config.yaml');
    const error = await loadError(file);
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(
      `cannot read config file ${file}: unsupported extension ".yaml" (use .json, .js, .mjs, .cjs, .ts or .mts)`,
    );
  });
});

describe('loadConfig imports JS and TS modules', () => {
  it('uses the default export of a .mjs file', async () => {
    const config = await loadConfig(fixture('default-export.mjs'));
    expect(config.name).toBe('from-mjs');
    expect(config.tasks[0]?.budgetNs).toBe(250_000);
    expect(config.tasks[0]?.run.file).toBe(fixture('tasks.mjs'));
  });

  it('uses an export named config', async () => {
    const config = await loadConfig(fixture('named-export.mjs'));
    expect(config.name).toBe('from-named-export');
    expect(config.tasks[0]?.periodNs).toBe(2_000_000);
    expect(config.tasks[0]?.budgetNs).toBe(250_000);
  });

  it('rejects a module without a config export', async () => {
    const file = fixture('no-export.mjs');
    const error = await loadError(file);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      `${file}: 1 problem in config\n  (module): expected a default export or an export named "config" holding the config, e.g. \`export default defineConfig({ ... })\``,
    );
  });

  it('reports a module that throws while loading as config_unreadable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hardtick-config-throws-')), 'hardtick.mjs');
    writeFileSync(file, 'throw new Error("boom");\n');
    const error = await loadError(file);
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(`cannot load config module ${file}: boom`);
  });

  it('loads a .ts config written with defineConfig', async () => {
    const config = await loadConfig(fixture('typed.ts'));
    expect(config.name).toBe('from-ts');
    expect(config.frame).toBe(2_000_000);
    expect(config.tasks[1]?.overrun.action).toBe('degrade');
    expect(config.tasks[1]?.overrun.degraded?.exportName).toBe('controlDegraded');
  });
});

describe('JSON syntax errors are located by line and column', () => {
  it.each([
    ['{\n  "a": 1,\n  "b": }', 3, 8, "Unexpected token '}'"],
    ['{"a": tru}', 1, 10, "Unexpected token '}'"],
    ['{"a":1,}', 1, 8, 'Expected double-quoted property name'],
    ['', 1, 1, 'Unexpected end of JSON input'],
    ['{\r\n"a": 1\r\n', 3, 1, "Expected ',' or '}' after property value"],
    ['[1, 2]\n x', 2, 2, 'Unexpected non-whitespace character after JSON'],
    ['{"a": "\u0001"}', 1, 8, 'Bad control character in string literal'],
    ['\uFEFF{"a": 01}', 1, 8, 'Unexpected number'],
  ])('%j → %d:%d', (text, line, column, reason) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toEqual({ line, column, reason });
  });

  it('parses valid JSON (ignoring a byte-order mark)', () => {
    expect(parseJsonText('\uFEFF{"a": [1, "x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });
});
