/**
 * The JSON Schema of the config file, generated from the zod schema (input side), so
 * editors can complete and check `hardtick.json`. `scripts/gen-schema.ts` writes it to
 * `schema/config.schema.json`; a test fails when the committed file drifts.
 */
import { z } from 'zod';
import { configFileSchema } from './schema.js';

/** Where the generated schema is committed, relative to the repository root. */
export const CONFIG_JSON_SCHEMA_PATH = 'schema/config.schema.json';

/** Builds the config file's JSON Schema (draft 2020-12) as a plain object. */
export function buildConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configFileSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return { $schema, title: 'hardtick config', ...rest };
}

/** The schema as committed: 2-space JSON with a trailing newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
