import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

// The override exists to check the skip path (ADMIN_TEST_CHROMIUM=/nowhere); CI uses Debian's chromium.
export const CHROMIUM = process.env.ADMIN_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`admin browser tests skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);

/** Screenshots are the artifacts of these suites: test-results/ is git-ignored (README, "Test it"). */
export const SHOTS = fileURLToPath(new URL('../../test-results/admin/', import.meta.url));

/** Debian's chromium with the flags that work in a container (docs: /work/shared/DEPENDENCIES.md). */
export async function launchChromium(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** An admin server listening on a free port, and chromium to open it with; `close` ends both. */
export async function serveToChromium(app: { listen(opts: { host: string; port: number }): Promise<string>; close(): Promise<unknown> }) {
  const [base, browser] = await Promise.all([app.listen({ host: '127.0.0.1', port: 0 }), launchChromium()]);
  return { base, browser, close: async () => Promise.all([browser.close(), app.close()]) };
}
