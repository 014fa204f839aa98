import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium for the dashboard journeys: where it is, whether the tests must skip, the built dashboard they
 * serve, and a headless launch. With KANARY_REQUIRE_REAL=1 a missing Chromium fails at import instead of skipping.
 */

const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
/** The dashboard bundle the server serves (`npm run prepare` builds it; built here when missing). */
export const DIST = join(ROOT, 'dist', 'web');
/** Screenshots are kept here for people to look at. */
export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.KANARY_REQUIRE_REAL === '1') {
  throw new Error(`KANARY_REQUIRE_REAL=1 but ${CHROMIUM} is missing`);
}

/** Builds the dashboard if `dist/web` has none yet, and makes the screenshot folder. */
export async function prepareDashboard(): Promise<void> {
  if (!existsSync(join(DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'src', 'web', 'vite.config.ts'), logLevel: 'warn' });
  }
  mkdirSync(SHOTS, { recursive: true });
}

/** Headless Chromium with nothing that reaches beyond loopback (no sync, updates or background fetches). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The controls on the page matching `selector` that have no accessible name (no aria-label, aria-labelledby or
 * text), as the start of their HTML: an empty list means a screen reader can name every one.
 */
export function unnamedControls(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    (sel) =>
      [...document.querySelectorAll(sel)]
        .filter((el) => {
          const label = el.getAttribute('aria-label') ?? '';
          const labelledBy = el.getAttribute('aria-labelledby');
          return label.trim() === '' && labelledBy === null && el.textContent.trim() === '';
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    selector,
  );
}
