/**
 * Writes schema/config.schema.json from the zod config schema (`npm run schema`).
 * Run after changing src/config/schema.ts; test/config-json-schema.test.ts checks the sync.
 */
import { writeFile } from 'node:fs/promises';
import { CONFIG_JSON_SCHEMA_PATH, configJsonSchemaText } from '../src/config/json-schema.js';

const target = new URL(`../${CONFIG_JSON_SCHEMA_PATH}`, import.meta.url);
await writeFile(target, configJsonSchemaText());
process.stdout.write(`wrote ${CONFIG_JSON_SCHEMA_PATH}\n`);
