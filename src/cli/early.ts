/**
 * Imported first by the CLI's entry, so that it runs before the library's modules load:
 * the V8 flags are set while the main isolate's heap is still young, before its first
 * mark-compact (see src/v8-flags.ts).
 */
import { applyV8Flags } from '../v8-flags.js';

applyV8Flags();
