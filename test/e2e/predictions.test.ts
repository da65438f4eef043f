/**
 * Predictions in a real browser: after a refit the dashboard shows the two forecast widgets,
 * each a link to the customer list, and the card shows the prediction and "offer next".
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

beforeAll(async () => {
  await buildWeb();
  app = await startE2eApp({ customers: 300 });
  const res = await fetch(`${app.url}/api/predictions/refit`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.token}` },
  });
  if (res.status !== 200) throw new Error(`refit: ${res.status} ${await res.text()}`);
  chromium = await launchBrowser();
  context = await chromium.browser.newContext({ locale: 'en-GB', viewport: { width: 375, height: 800 } });
  await signIn(context, app);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await app?.close();
});

describe('predictions in the web app', () => {
  test('the dashboard shows expected repeat revenue with its band and high value at risk, linked to the list', async () => {
    await page.goto(`${app.url}/#/`);
    await page.getByText('Expected repeat revenue, next 90 days').waitFor();
    await expect(page.getByText(/90 % interval/).count()).resolves.toBe(1);
    const atRisk = page.getByRole('link', { name: 'Open the list' });
    expect(await atRisk.getAttribute('href')).toBe('#/customers?churn_risk=high&sort=predicted_clv&dir=desc');
  });

  test('the card shows the prediction and what to offer next', async () => {
    const list = await app.get<{ items: { id: number; purchases: number }[] }>('/api/customers?limit=50');
    const buyer = list.items.find((c) => c.purchases > 1)!;
    await page.goto(`${app.url}/#/customers/${buyer.id}`);
    await page.getByRole('heading', { name: /^Prediction/ }).waitFor();
    await page.getByText('Churn risk').waitFor();
    await page.getByText('Offer next').waitFor();
    const recs = page.locator('.predict-recs a');
    expect(await recs.count()).toBeGreaterThan(0);
    expect(await recs.first().getAttribute('href')).toMatch(/^#\/customers\?recommended=/);
  });
});
