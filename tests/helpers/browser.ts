import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './paths';

/** Debian's chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Screenshots of the admin screens. A test run writes them under tests/.artifacts
 * (so running the tests leaves the committed images alone); `npm run screenshots`
 * sets E2E_SCREENSHOT_DIR=docs/screenshots to renew the ones the README shows.
 */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR
  ? path.resolve(ROOT, process.env.E2E_SCREENSHOT_DIR)
  : path.join(ROOT, 'tests', '.artifacts', 'e2e', 'screenshots');

export const VIEWPORT = { width: 1440, height: 900 };

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies and storage: a different admin session) with one page. */
  newPage: (baseURL: string) => Promise<Page>;
  close: () => Promise<void>;
}

export const launchBrowser = async (): Promise<TestBrowser> => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `No chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`
    );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      // Without these Chromium keeps dialling out (updates, sync) and gets refused.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    // Playwright gives Chromium a fresh temporary profile (--user-data-dir) and removes it on close.
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    newPage: async (baseURL) => {
      const context = await browser.newContext({
        baseURL,
        viewport: VIEWPORT,
        locale: 'en-GB',
        timezoneId: 'Europe/Copenhagen',
      });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context.newPage();
    },
    close: async () => {
      await browser.close();
    },
  };
};

/** Save the page as <SCREENSHOT_DIR>/<name>.png (the fixed 1440x900 viewport). */
export const screenshot = async (page: Page, name: string) => {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let fonts settle and the design system's transitions end, so the images are stable.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
  });
};

/**
 * Close Strapi's announcement banner (e.g. "Introducing the new Media Library")
 * if it shows, so that screenshots show the plugin's screens, not the news.
 */
export const dismissBanner = async (page: Page) => {
  const close = page.getByRole('button', { name: 'Close the banner.' });
  if (await close.isVisible()) await close.click();
};

/** Log in through the admin panel's login page. */
export const logIn = async (page: Page, email: string, password: string) => {
  await page.goto('/admin/auth/login');
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: /^Login$/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/auth'));
  await page.getByRole('link', { name: 'Home', exact: true }).waitFor();
  await dismissBanner(page);
};

/** Where a failing browser test leaves a screenshot and the HTML of its page (git-ignored). */
export const FAILURE_DIR = path.join(ROOT, 'tests', '.artifacts', 'e2e');

/** Save what the page showed when a test failed; returns the path of the screenshot. */
export const saveFailure = async (page: Page, testName: string): Promise<string> => {
  fs.mkdirSync(FAILURE_DIR, { recursive: true });
  const base = path.join(FAILURE_DIR, testName.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80));
  await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
  fs.writeFileSync(`${base}.html`, await page.content().catch(() => ''));
  return `${base}.png`;
};
