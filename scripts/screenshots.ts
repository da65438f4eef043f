/**
 * Screenshots of the web app for the docs: the e2e setup (Vite build, API in-process, the
 * demo salon, Debian's chromium), then one PNG per page at 1280×800 and one on a 375 px phone.
 *
 *   node --import tsx scripts/screenshots.ts [--lang en|ru] [--out docs/screenshots] [--full]
 *
 * --full captures whole pages instead of the 1280×800 (or phone) viewport.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { ChannelPool } from '../src/app/messaging/channel-settings.ts';
import { buildWeb, ROOT, startE2eApp } from '../test/e2e/support/app.ts';
import { launchBrowser } from '../test/e2e/support/browser.ts';
import type { BrowserGlobals } from '../test/e2e/support/dom.ts';
import { signIn } from '../test/e2e/support/sign-in.ts';

const { values } = parseArgs({
  options: {
    lang: { type: 'string', default: 'en' },
    out: { type: 'string', default: join(ROOT, 'docs', 'screenshots') },
    full: { type: 'boolean', default: false },
  },
});
const lang = values.lang === 'ru' ? 'ru' : 'en';
const out = values.out;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'imports', 'salon-ru-cp1251.csv');
const L = {
  en: { read: 'Read the file', check: 'Check without importing', locale: 'en-GB' },
  ru: { read: 'Прочитать файл', check: 'Проверить без загрузки', locale: 'ru-RU' },
}[lang];

/** Waits until the page has stopped loading (no "Loading…" left, charts drawn). Live regions stay. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-loading]').length === 0,
    null,
    {
      timeout: 20_000,
    },
  );
  await page.waitForTimeout(500);
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  process.stderr.write('building the web app…\n');
  await buildWeb();
  process.stderr.write('starting the API with the demo salon…\n');
  // Messaging routes mounted (no delivery: nothing is sent), so the campaign pages render.
  const key = randomBytes(32);
  const app = await startE2eApp({ messaging: { key, pool: new ChannelPool(key), deliveryRunning: false } });
  const chromium = await launchBrowser();
  try {
    const top = await app.get<{ items: { id: number }[] }>('/api/customers?sort=-purchases&limit=1');
    const customerId = top.items[0]?.id ?? 1;
    const shot = async (page: Page, name: string) => {
      await settle(page);
      const path = join(out, `${name}.png`);
      await page.screenshot({ path, fullPage: values.full });
      process.stderr.write(`saved ${path}\n`);
    };

    const desk = await chromium.browser.newContext({
      locale: L.locale,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    });
    await desk.addInitScript((l) => {
      (globalThis as unknown as BrowserGlobals).localStorage.setItem('comeback.lang', l);
    }, lang);
    const page = await desk.newPage();
    await page.goto(`${app.url}/#/`);
    await shot(page, 'sign-in');
    await signIn(desk, app);
    // Only the hash would change: reload so the app starts again, now with the session cookie.
    await page.reload();
    await shot(page, 'dashboard');
    await page.goto(`${app.url}/#/customers?sort=-revenue`);
    await shot(page, 'customers');
    await page.goto(`${app.url}/#/customers/${customerId}`);
    await shot(page, 'customer-card');
    await page.goto(`${app.url}/#/import`);
    await page.locator('#imp-file').setInputFiles(FIXTURE);
    await page.getByRole('button', { name: L.read }).click();
    await page.getByRole('button', { name: L.check }).click();
    await page.locator('[data-testid="rejects"]').waitFor();
    await page.locator('#dry-title').scrollIntoViewIfNeeded();
    await shot(page, 'import');
    await page.goto(`${app.url}/#/settings`);
    await shot(page, 'settings');
    await page.goto(`${app.url}/#/segments`);
    await shot(page, 'segments');
    await page.goto(`${app.url}/#/campaigns/new`);
    await shot(page, 'campaign-builder');
    await page.goto(`${app.url}/#/settings/channels`);
    await shot(page, 'channels');
    await page.goto(`${app.url}/#/settings/users`);
    await shot(page, 'users');
    await desk.close();

    const phone = await chromium.browser.newContext({
      locale: L.locale,
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await phone.addInitScript((l) => {
      (globalThis as unknown as BrowserGlobals).localStorage.setItem('comeback.lang', l);
    }, lang);
    await signIn(phone, app);
    const p = await phone.newPage();
    await p.goto(`${app.url}/#/customers`);
    await shot(p, 'phone-customers');
    await p.goto(`${app.url}/#/`);
    await shot(p, 'phone-dashboard');
    await phone.close();
  } finally {
    await chromium.close();
    await app.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
