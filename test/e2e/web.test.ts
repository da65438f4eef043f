/**
 * The web app in a real browser against the real API: built with Vite, served with the API
 * in-process, the demo salon loaded, Debian's chromium driven by playwright-core. The tests
 * run in order in one page, as a user would: sign in, read the dashboard, find a customer,
 * open an RFM cell, switch the language, import a file.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildReport } from '../../src/app/analytics/read-analytics.ts';
import { getSettings } from '../../src/app/workspace.ts';
import { buildWeb, type E2eApp, startE2eApp } from './support/app.ts';
import { launchBrowser, type RunningBrowser } from './support/browser.ts';
import type { BrowserGlobals } from './support/dom.ts';
import { signIn } from './support/sign-in.ts';

const FIXTURE = new URL('../fixtures/imports/salon-ru-cp1251.csv', import.meta.url);

interface Summary {
  id: number;
  name: string | null;
  phone: string | null;
  r: number | null;
  f: number | null;
  rfm_segment: string | null;
  purchases: number;
}

let app: E2eApp;
let chromium: RunningBrowser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  await buildWeb();
  app = await startE2eApp();
  chromium = await launchBrowser();
  // A Russian-speaking browser: the app must start in Russian.
  context = await chromium.browser.newContext({
    locale: 'ru-RU',
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await app?.close();
});

/** "+79161234567" → "8 (916) 123-45-67": how a receptionist types it. */
function russianSpelling(e164: string): string {
  const d = e164.replace(/\D/g, '').slice(1);
  return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8, 10)}`;
}

describe('web app', () => {
  test('signs in with e-mail and password into an httpOnly session cookie', async () => {
    await page.goto(app.url);
    await page.getByRole('heading', { level: 1, name: 'Вход в Comeback' }).waitFor();
    await page.getByLabel('E-mail').fill(app.owner.email);
    await page.getByLabel('Пароль', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('alert').getByText('Неверный e-mail или пароль.').waitFor();
    await page.getByLabel('Пароль', { exact: true }).fill(app.owner.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 1, name: 'Сводка' }).waitFor();
    // The user menu names who is signed in and as what.
    await page.locator('.user-menu').getByText(app.owner.name).waitFor();
    await page.locator('.user-menu').getByText('Владелец').waitFor();
    const session = (await context.cookies(app.url)).find((c) => c.name === 'comeback.session_token');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // Nothing secret is left where scripts can read it.
    expect(
      await page.evaluate(() => {
        const g = globalThis as unknown as BrowserGlobals & { document: { cookie: string } };
        return `${g.document.cookie} ${JSON.stringify({ ...g.sessionStorage })}`;
      }),
    ).not.toContain(decodeURIComponent(session!.value).split('.')[0]);
  });

  test('the dashboard shows the orders and revenue of buildReport for the same period', async () => {
    const orders = page.locator('[data-kpi="orders"]');
    const revenue = page.locator('[data-kpi="revenue"]');
    await orders.waitFor();
    const period = page.getByTestId('period');
    const from = (await period.getAttribute('data-from'))!;
    const to = (await period.getAttribute('data-to'))!;
    const asOf = (await period.getAttribute('data-as-of'))!;
    expect(asOf).toBe(app.asOf);

    const settings = await getSettings(app.db.db, app.workspaceId);
    const report = await buildReport(app.db.db, app.workspaceId, { from, to, asOf, settings });
    expect(report.kpis.orders).toBeGreaterThan(100);

    expect(await orders.getAttribute('data-value')).toBe(String(report.kpis.orders));
    expect(await revenue.getAttribute('data-value')).toBe((report.kpis.revenue / 100).toFixed(2));
    // …and that is what the tiles show (digits only: the grouping is the locale's).
    const digits = async (l: typeof orders) =>
      ((await l.locator('.tile-value').textContent()) ?? '').replace(/\D/g, '');
    expect(await digits(orders)).toBe(String(report.kpis.orders));
    expect(await digits(revenue)).toBe(String(Math.round(report.kpis.revenue / 100)));

    // The other blocks are there: charts with their tables, the RFM map, cohorts, contact today.
    await page.locator('#primary-repeat-title').waitFor();
    await page.locator('#trend-title').waitFor();
    expect(await page.locator('.rfm-cell').count()).toBe(25);
    expect(await page.locator('table.heat tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Связаться сегодня' }).waitFor();
  });

  test('finds a customer by a phone typed in another spelling and opens the card', async () => {
    const top = await app.get<{ items: Summary[] }>('/api/customers?sort=-purchases&limit=1');
    const customer = top.items[0]!;
    expect(customer.phone).toMatch(/^\+7\d{10}$/);

    await page.getByRole('navigation').getByRole('link', { name: 'Клиенты' }).click();
    const search = page.getByRole('searchbox', { name: 'Найти клиента' });
    await search.fill(russianSpelling(customer.phone!));
    const link = page.locator('table.list a.row-link');
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1);
    expect(await link.textContent()).toBe(customer.name);
    await link.click();

    await page.getByRole('heading', { level: 1, name: customer.name! }).waitFor();
    expect(await page.getByTestId('rfm-scores').textContent()).toMatch(/^R \d · F \d · M \d$/);
    // The latest 20 first, the rest on request.
    const orders = page.locator('.timeline .tl-order');
    expect(await page.locator('.timeline > li').count()).toBe(20);
    await page.getByRole('button', { name: /^Показать ещё \d+$/ }).click();
    expect(await orders.count()).toBeGreaterThanOrEqual(customer.purchases);
    expect(await page.getByLabel('Имя').inputValue()).toBe(customer.name);

    // Editing the profile goes through PATCH /api/customers/{id}.
    const tags = page.locator('#p-tags');
    await tags.fill(`${await tags.inputValue()}, e2e-vip`.replace(/^, /, ''));
    const profile = page.locator('form', { has: tags });
    await profile.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await profile.getByText('Сохранено.').waitFor();
    const card = await app.get<{ tags: string[] }>(`/api/customers/${customer.id}`);
    expect(card.tags).toContain('e2e-vip');
  });

  test('a note added on the card shows on its timeline at once', async () => {
    const body = `Просила перенести визит на субботу (${Date.now()})`;
    await page.getByRole('textbox', { name: 'Новая заметка' }).fill(body);
    await page.getByRole('button', { name: 'Сохранить заметку' }).click();
    // The timeline is read again from the API: the note is there without reloading the page.
    await page.locator('.timeline .tl-note-body', { hasText: body }).waitFor();
    const customerId = /#\/customers\/(\d+)/.exec(page.url())![1];
    const notes = await app.get<{ items: { body: string }[] }>(`/api/customers/${customerId}/notes`);
    expect(notes.items.map((n) => n.body)).toContain(body);
  });

  test('reads customers page by page with "load more", never all at once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Клиенты' }).click();
    await page.getByRole('searchbox', { name: 'Найти клиента' }).fill('');
    const rows = page.locator('table.list tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(50);
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(100);

    // The column chooser and a saved view outlive a reload (localStorage).
    await page.locator('.column-chooser summary').click();
    await page.getByRole('checkbox', { name: 'E-mail' }).check();
    await page.getByRole('columnheader', { name: 'E-mail' }).waitFor();
    await page.locator('.filters summary').click();
    await page.locator('#f-status').selectOption('fan');
    await page.getByPlaceholder('Название вида').fill('Фанаты');
    await page.getByRole('button', { name: 'Сохранить вид' }).click();
    await page.reload();
    await page.getByRole('columnheader', { name: 'E-mail' }).waitFor();
    expect(await page.getByLabel('Сохранённые виды').inputValue()).toBe('Фанаты');
    // The rows arrive after the header: wait for them rather than read an empty table.
    await expect
      .poll(async () => new Set(await page.locator('td[data-col="status"]').allTextContents()), {
        timeout: 10_000,
      })
      .toEqual(new Set(['Фанат']));
  });

  test('an RFM cell of the heatmap opens Customers filtered by that cell', async () => {
    const champion = (await app.get<{ items: Summary[] }>('/api/customers?rfm_segment=champions&limit=1'))
      .items[0]!;
    const { r, f } = champion;
    await page.getByRole('navigation').getByRole('link', { name: 'Сводка' }).click();
    const cell = page.locator(`a.rfm-cell[data-r="${r}"][data-f="${f}"]`);
    expect(await cell.getAttribute('data-segment')).toBe('champions');
    await cell.click();

    await page.getByTestId('cell-filter').waitFor();
    expect(await page.getByTestId('cell-filter').textContent()).toContain(`R ${r}, F ${f}`);
    const url = new URL(page.url());
    const query = new URLSearchParams(url.hash.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({ rfm_segment: 'champions', r: String(r), f: String(f) });
    const rows = page.locator('table.list tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(new Set(await page.locator('td[data-col="r"]').allTextContents())).toEqual(new Set([String(r)]));
    expect(new Set(await page.locator('td[data-col="f"]').allTextContents())).toEqual(new Set([String(f)]));
    expect(new Set(await page.locator('td[data-col="rfm_segment"]').allTextContents())).toEqual(
      new Set(['Чемпионы']),
    );
  });

  test('switching the language turns a Russian label English', async () => {
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Клиенты' }).waitFor();
    expect(
      await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.lang),
    ).toBe('ru');
    await page.getByRole('button', { name: /English/ }).click();
    await nav.getByRole('link', { name: 'Customers' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Клиенты' }).count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.lang),
    ).toBe('en');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as BrowserGlobals).localStorage.getItem('comeback.lang'),
      ),
    ).toBe('en');
  });

  test('imports the cp1251 salon CSV through the wizard and shows the rejected rows', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Import' }).click();
    await page.getByLabel('CSV or Excel file').setInputFiles(FIXTURE.pathname);
    await page.getByRole('button', { name: 'Read the file' }).click();

    await page.getByTestId('detected').waitFor();
    expect(await page.getByTestId('detected').textContent()).toContain('cp1251');
    // The recognised columns are pre-selected and editable.
    expect(await page.locator('select[data-header="Дата"]').inputValue()).toBe('ordered_at');
    expect(await page.locator('select[data-header="Сумма"]').inputValue()).toBe('amount');
    expect(await page.locator('select[data-header="Телефон"]').inputValue()).toBe('phone');
    expect(await page.locator('table.preview tbody tr').count()).toBe(10);

    await page.getByRole('button', { name: 'Check without importing' }).click();
    const dryRejects = page.getByTestId('rejects').locator('tbody tr');
    await dryRejects.first().waitFor();
    expect(await dryRejects.count()).toBe(4);
    expect(await page.locator('[data-figure="rows"] dd').textContent()).toBe('40');

    await page.getByRole('button', { name: 'Import now' }).click();
    await expect
      .poll(() => page.getByTestId('import-done').textContent(), { timeout: 30_000 })
      .toBe('Import finished.');
    const rejects = page.getByTestId('rejects').locator('tbody tr');
    expect(await rejects.count()).toBe(4);
    const lines = await page.getByTestId('rejects').locator('tbody tr td:first-child').allTextContents();
    expect(lines.slice(0, 3)).toEqual(['16', '19', '22']);
    expect(await page.locator('progress#import-progress').getAttribute('value')).toBe('1');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    expect(csv.split('\r\n')[0]).toBe('line,column,reason,row');
    expect(csv.trim().split('\r\n')).toHaveLength(5);
  });

  test('on a 375 px phone the search box comes first and the bar sits at the bottom', async () => {
    const phone = await chromium.browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await signIn(phone, app);
      const p = await phone.newPage();
      await p.goto(`${app.url}/#/customers`);
      const search = p.getByRole('searchbox', { name: 'Найти клиента' });
      await search.waitFor();
      expect(
        await p.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id),
      ).toBe('customer-search');
      const searchBox = (await search.boundingBox())!;
      const firstRow = (await p.locator('table.list tbody tr').first().boundingBox())!;
      expect(searchBox.y).toBeLessThan(firstRow.y);
      const bar = (await p.getByRole('navigation').boundingBox())!;
      expect(bar.y + bar.height).toBeCloseTo(812, 0);
      expect(
        await p.evaluate(
          () => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(375);
    } finally {
      await phone.close();
    }
  });
});
