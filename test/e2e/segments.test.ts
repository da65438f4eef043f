/**
 * Saved segments in a real browser: build a segment with the rule builder (its live count
 * agrees with the API), save it, open its customers in the list (total shown), select all of
 * them and tag them in bulk; the API then finds exactly those customers by the tag.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildWeb, type E2eApp, startE2eApp } from './support/app.ts';
import { launchBrowser, type RunningBrowser } from './support/browser.ts';
import { signIn } from './support/sign-in.ts';

let app: E2eApp;
let chromium: RunningBrowser;
let context: BrowserContext;
let page: Page;
let expected: number;

const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

beforeAll(async () => {
  await buildWeb();
  app = await startE2eApp();
  chromium = await launchBrowser();
  context = await chromium.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  await signIn(context, app);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const page1 = await app.get<{ total: number }>(
    '/api/customers?status=sleeping,lost&purchases_min=2&include_total=true&limit=1',
  );
  expected = page1.total;
}, 240_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await app?.close();
});

describe('segments', () => {
  test('build a segment: the live count is what the API counts', async () => {
    expect(expected).toBeGreaterThan(0);
    await page.goto(`${app.url}/#/segments`);
    await page.getByRole('heading', { level: 1, name: 'Segments' }).waitFor();
    await page.getByText('No conditions: every customer.').waitFor();

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1: field').selectOption('status');
    await page.getByRole('checkbox', { name: 'Sleeping' }).check();
    await page.getByRole('checkbox', { name: 'Lost' }).check();

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 2: field').selectOption('purchases');
    await page.locator('.condition').nth(1).getByLabel('From').fill('2');

    const preview = page.getByTestId('segment-preview');
    // The live count follows each edit (a half-made condition counts too): wait for the count of
    // the finished rule set rather than the first count shown.
    await expect
      .poll(async () => (await preview.textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/^Matches now: [\d,]+ customers?$/);
    await expect.poll(async () => digits(await preview.textContent()), { timeout: 15_000 }).toBe(expected);

    await page.getByLabel('Name').fill('Sleeping regulars');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const item = page.locator('.segment-list li').filter({ hasText: 'Sleeping regulars' });
    await item.waitFor();
    // The list shows '…' until the saved segment's count arrives.
    await expect
      .poll(async () => digits(await item.locator('.segment-count').textContent()), { timeout: 15_000 })
      .toBe(expected);
  });

  test('open its customers: the list shows the segment and its total', async () => {
    const item = page.locator('.segment-list li').filter({ hasText: 'Sleeping regulars' });
    await item.getByRole('link', { name: 'Customers' }).click();
    await page.getByTestId('segment-filter').filter({ hasText: 'Sleeping regulars' }).waitFor();
    const count = page.getByTestId('list-count');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/ of /);
    const [, total] = ((await count.textContent()) ?? '').split(' of ');
    expect(digits(total ?? '')).toBe(expected);
  });

  test('select all matching and tag them in bulk', async () => {
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    const selectAll = page.getByRole('button', { name: /^Select all .* matching$/ });
    // More than one page matches: "select all matching" is offered and taken.
    expect(await selectAll.isVisible()).toBe(expected > 50);
    if (expected > 50) {
      await selectAll.click();
      await page.getByText(/^All [\d,]+ matching customers selected/).waitFor();
    }
    await page.getByLabel('Bulk actions').first().waitFor();
    await page.locator('#bulk-action').selectOption('add_tag');
    await page.locator('#bulk-tag').fill('winback');
    await page.getByRole('button', { name: 'Apply' }).click();
    const done = page.locator('.bulk-result');
    await done.waitFor();
    expect(await done.textContent()).toMatch(/^Done: [\d,]+ of [\d,]+ changed\.$/);
    const [changed, matched] = ((await done.textContent()) ?? '').match(/[\d,]+/g)!.map(digits);
    expect(matched).toBe(expected);
    expect(changed).toBe(expected);
    const tagged = await app.get<{ total: number }>('/api/customers?tag=winback&include_total=true&limit=1');
    expect(tagged.total).toBe(expected);
    const inSegmentUntagged = await app.get<{ total: number }>(
      '/api/customers?status=sleeping,lost&purchases_min=2&include_total=true&limit=1&rules=' +
        encodeURIComponent(
          JSON.stringify({ match: 'all', conditions: [{ field: 'tag', op: 'has_not', value: 'winback' }] }),
        ),
    );
    expect(inSegmentUntagged.total).toBe(0);
  });
});
