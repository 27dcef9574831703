import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDurationNs, DURATION_STRING_PATTERN } from '../src/config/duration.js';
import {
  buildConfigJsonSchema,
  CONFIG_JSON_SCHEMA_PATH,
  configJsonSchemaText,
} from '../src/config/json-schema.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), 'utf8');

describe('the committed JSON Schema is generated from the zod schema', () => {
  it('is in sync with src/config/schema.ts', () => {
    const committed = read(CONFIG_JSON_SCHEMA_PATH);
    const fresh = configJsonSchemaText();
    if (committed !== fresh) {
      expect.fail(
        `${CONFIG_JSON_SCHEMA_PATH} is out of date with src/config/schema.ts: run \`npm run schema\``,
      );
    }
  });

  it('describes the input side: strict objects, durations as number | unit string, defaults', () => {
    const schema = buildConfigJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { default?: unknown; description?: string }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'tasks']);
    expect(schema.properties.frame?.default).toBe('auto');
    expect(schema.properties.slicing?.default).toBe('off');
    expect(schema.properties.frame?.description).toMatch(/Minor frame size/);
    const text = configJsonSchemaText();
    expect(text).toContain(JSON.stringify(DURATION_STRING_PATTERN));
  });

  it('its duration pattern accepts exactly the unit strings the parser accepts', () => {
    const pattern = new RegExp(DURATION_STRING_PATTERN);
    const samples = [
      '1.8ms',
      '250us',
      '2s',
      '500ns',
      '5 ms',
      '.5ms',
      '1e-3s',
      '1.5e3us',
      '5',
      'ms',
      '5 parsecs',
      '-3ms',
      'NaNms',
      '1h',
    ];
    for (const sample of samples) {
      expect({ sample, ok: pattern.test(sample) }).toEqual({ sample, ok: checkDurationNs(sample).ok });
    }
  });

  it('is referenced by the example configs', () => {
    for (const path of ['examples/demo/hardtick.json', 'examples/textbook/hardtick.json']) {
      expect((JSON.parse(read(path)) as { $schema?: string }).$schema).toBe(
        '../../schema/config.schema.json',
      );
    }
  });
});
