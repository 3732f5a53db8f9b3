import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where browser tests leave their screenshots. */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

/** The screens a page must work on: the gate's 1080p monitor and a 1280×800 laptop or tablet. */
export const SCREEN_SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
] as const;

/** The flag a kiosk browser starts with so that the gate display sounds without a click. */
export const KIOSK_AUTOPLAY = '--autoplay-policy=no-user-gesture-required';

/** Debian's Chromium, headless, with nothing that reaches out to the network; `args` add flags. */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
}

/**
 * Script errors and console errors of a page, collected as they happen. Chromium's own line for an
 * answer with an error status ("Failed to load resource: … 409") is not a script error: a refusal
 * the page shows is expected.
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || msg.text().startsWith('Failed to load resource')) return;
    errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export interface ScreenCheck {
  width: number;
  height: number;
  file: string;
  /** Page wider than the window: a horizontal scrollbar. */
  overflowX: number;
}

/**
 * Screenshots of the page at each of `SCREEN_SIZES` (test-artifacts/screens/NAME-WxH.png), the page
 * left at the first size; returns how far each overflowed sideways.
 */
export async function screenshotsAt(page: Page, name: string, fullPage = false): Promise<ScreenCheck[]> {
  const dir = join(ARTIFACTS, 'screens');
  await mkdir(dir, { recursive: true });
  const out: ScreenCheck[] = [];
  for (const size of [...SCREEN_SIZES].reverse()) {
    await page.setViewportSize(size);
    // Layout and fonts settle after a resize.
    await page.waitForTimeout(250);
    const file = join(dir, `${name}-${size.width}x${size.height}.png`);
    await page.screenshot({ path: file, fullPage });
    const overflowX = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    out.push({ ...size, file, overflowX });
  }
  return out.reverse();
}
