/**
 * Headless Chromium for the HTML report test: the Debian `chromium` package at
 * /usr/bin/chromium or `HARDTICK_CHROMIUM` (see requirements.ts; CI installs it, see
 * .ci/run), driven by playwright-core (which never downloads a browser). Flags: headless, no sandbox (CI runs as root), no GPU, and no
 * background network traffic of the browser's own (QUIC, component updates, sync).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { chromiumPath, INSTALL, missing } from './requirements.js';

/** The flags the browser runs with (besides headless, which playwright adds). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running headless browser with its own profile directory; `close` removes both. */
export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh `--user-data-dir`.
 * @throws Error naming the path and the install command when the browser is missing.
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  const why = missing('chromium');
  if (why !== null) throw new Error(`headless Chromium: ${why}; install: ${INSTALL.chromium}`);
  const profile = mkdtempSync(join(tmpdir(), 'hardtick-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
