import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Browser tests drive the system's Chromium (Debian's `chromium` package), not a browser that
 * Playwright downloads: this machine and CI reach only the npm and Debian registries.
 * CHROMIUM_PATH overrides the location.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** Where browser tests keep screenshots and traces (ignored by git). */
export const BROWSER_ARTIFACTS_DIR = process.env.BROWSER_ARTIFACTS_DIR ?? 'test-artifacts/browser';
