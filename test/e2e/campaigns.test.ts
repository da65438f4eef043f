/**
 * A marketer sends a campaign to a segment in the browser and sees who got it in which
 * channel: the demo salon (with its `log` channels and consent ledger), the delivery worker
 * running beside the API, Debian's chromium. Signed in through signIn(), in English.
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChannelPool } from '../../src/app/messaging/channel-settings.ts';
import type { MessagingDeps } from '../../src/http/routes/messaging.ts';
import { type Delivery, startDelivery } from '../../src/jobs/delivery.ts';
import { buildWeb, type E2eApp, startE2eApp } from './support/app.ts';
import { launchBrowser, type RunningBrowser } from './support/browser.ts';
import { signIn } from './support/sign-in.ts';

const KEY = randomBytes(32);
const pool = new ChannelPool(KEY, { ttlMs: 0 });
const messaging: Omit<MessagingDeps, 'db'> = { key: KEY, pool, deliveryRunning: true };

let app: E2eApp;
let delivery: Delivery;
let chromium: RunningBrowser;
let context: BrowserContext;
let page: Page;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  await buildWeb();
  app = await startE2eApp({ customers: 300, messaging });
  messaging.publicUrl = app.url;
  delivery = await startDelivery(app.db.db, {
    key: KEY,
    publicUrl: app.url,
    pool,
    pollMs: 100,
    workspaceIds: [app.workspaceId],
    queue: `messages.deliver.e2e-${app.workspaceId}`,
  });
  // Whatever the hour the test runs at: no quiet hours, so "now" means now.
  await api('PATCH', '/api/messaging/settings', {
    budget: { caps: [{ purpose: 'marketing', max: 2, perDays: 7 }], quietHours: null },
  });
  chromium = await launchBrowser();
  context = await chromium.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  await signIn(context, app);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await delivery?.stop();
  await pool.close();
  await app?.close();
});

describe('campaigns in the browser', () => {
  test('the demo has the log channel; a test send shows the provider answer', async () => {
    await page.goto(`${app.url}/#/settings/channels`);
    if (process.env.E2E_SHOTS) {
      await page.waitForTimeout(3000);
      await page.screenshot({ path: '/tmp/channels.png', fullPage: true });
    }
    const email = page.locator('[data-channel="email"]');
    await email.getByText('Log only (test) · on').waitFor();
    await email.getByRole('button', { name: 'Edit' }).click();
    await email.getByLabel('E-mail address').fill('anna@example.com');
    await email.getByRole('button', { name: 'Send test' }).click();
    await email.getByText('Accepted by the provider.').waitFor();
    expect(await email.locator('code').first().textContent()).toMatch(/^log:test:/);
  });

  test('a channel with credentials: the token is write-only, shown as set and never sent back', async () => {
    const card = page.locator('[data-channel="whatsapp"]');
    await card.getByRole('button', { name: 'Set up' }).click();
    await card.getByLabel('Phone number ID *').fill('106540352242922');
    await card.getByLabel('Access token *').fill('EAAG-secret-token-42');
    // Off: nothing may go to the real provider from a test.
    await card.getByLabel('Send through this channel').uncheck();
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved', { exact: true }).waitFor();
    await card.getByText('WhatsApp Cloud API · off').waitFor();
    await card.locator('.secret-state .badge', { hasText: 'set' }).first().waitFor();
    expect(await card.getByLabel('Access token *').inputValue()).toBe('');
    const stored = await api<{ items: { channel: string; secretsSet: string[]; enabled: boolean }[] }>(
      'GET',
      '/api/channels',
    );
    const whatsapp = stored.items.find((c) => c.channel === 'whatsapp')!;
    expect(whatsapp).toMatchObject({ secretsSet: ['accessToken'], enabled: false });
    expect(JSON.stringify(stored)).not.toContain('EAAG-secret-token-42');
  });

  test('the builder shows the budget preview for a segment before anything is sent', async () => {
    await page.goto(`${app.url}/#/campaigns`);
    await page.getByRole('link', { name: 'New campaign' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
    await page.getByLabel('Name *').fill('We miss you');
    // The audience: sleeping customers (the default choice) and lost ones.
    await page.getByLabel('Lost', { exact: true }).check();
    const preview = page.getByTestId('budget-preview');
    await preview.waitFor();
    const { plan } = await api<{
      plan: { now: number; excluded: number; audience: number; excludedBy: Record<string, number> };
    }>('POST', '/api/campaigns/preview', {
      name: 'x',
      purpose: 'marketing',
      audience: { status: ['sleeping', 'lost'] },
      templates: { default: { language: 'en', text: 'Hi' } },
      channelPolicy: { preferred: true },
    });
    expect(plan.now).toBeGreaterThan(0);
    expect(plan.excludedBy.no_consent).toBeGreaterThan(0);
    await preview.locator('[data-plan="now"]', { hasText: String(plan.now) }).waitFor();
    await preview.locator('[data-plan="excluded"]', { hasText: String(plan.excluded) }).waitFor();
    await preview.getByText(/^No consent: \d+/).waitFor();
    if (process.env.E2E_SHOTS) await page.screenshot({ path: '/tmp/campaign-builder.png', fullPage: true });
    // The message rendered for a real customer of the audience, with the SMS counter.
    await page.getByText(/^Preview for /).waitFor();
    await page.getByText(/\d+ characters · 1 SMS/).waitFor();
  });

  test('sending opens the report: the funnel and who got it in which channel', async () => {
    await page.getByRole('button', { name: 'Review and send' }).click();
    await page
      .getByRole('alertdialog')
      .getByText(/^Send now: /)
      .waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(/#\/campaigns\/\d+$/);
    const id = Number(/campaigns\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { level: 1, name: 'We miss you' }).waitFor();
    await delivery.drain(30_000);
    const report = await api<{
      funnel: { planned: number; sent: number };
      byChannel: Record<string, Record<string, number>>;
    }>('GET', `/api/campaigns/${id}/report`);
    expect(report.funnel.sent).toBe(report.funnel.planned);
    expect(report.funnel.sent).toBeGreaterThan(0);
    // The page refreshes itself while messages are going out.
    await page
      .locator('[data-funnel="sent"] .funnel-n', { hasText: new RegExp(`^${report.funnel.sent}`) })
      .waitFor();
    if (process.env.E2E_SHOTS) await page.screenshot({ path: '/tmp/campaign-report.png', fullPage: true });
    await page.getByLabel('Status').selectOption('sent');
    const rows = page.locator('table.recipients tbody tr[data-status="sent"]');
    await rows.first().waitFor();
    const channel = await rows.first().getAttribute('data-channel');
    expect(Object.keys(report.byChannel)).toContain(channel);
    const shown = { email: 'E-mail', sms: 'SMS', telegram: 'Telegram' }[
      channel as 'email' | 'sms' | 'telegram'
    ];
    expect(await rows.first().locator('td').nth(1).textContent()).toBe(shown);
    // A recipient links to their card.
    const link = rows.first().getByRole('link');
    expect(await link.getAttribute('href')).toMatch(/^#\/customers\/\d+$/);
    // The excluded ones, with their reason.
    await page.getByLabel('Status').selectOption('skipped');
    await page.locator('table.recipients tbody tr[data-status="skipped"]').first().waitFor();
    expect(await page.locator('table.recipients tbody tr[data-status="sent"]').count()).toBe(0);
    // And the list shows the campaign with its counts.
    await page.goto(`${app.url}/#/campaigns`);
    await page.getByRole('link', { name: 'We miss you' }).waitFor();
  });

  test('sending rules: the channel order is reordered from the keyboard and saved', async () => {
    await page.goto(`${app.url}/#/settings/messaging`);
    await page.getByRole('heading', { level: 1, name: 'Sending rules' }).waitFor();
    const items = page.locator('.cascade-item .grow');
    // The title shows before the settings arrive: wait for the list itself.
    await items.nth(1).waitFor();
    const before = await items.allTextContents();
    const second = before[1]!;
    await page.getByRole('button', { name: `Move ${second} up` }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(`${second} is now number 1`).waitFor();
    expect((await items.allTextContents())[0]).toBe(second);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    if (process.env.E2E_SHOTS) await page.screenshot({ path: '/tmp/sending-rules.png', fullPage: true });
    const settings = await api<{ cascade: string[] }>('GET', '/api/messaging/settings');
    expect(settings.cascade[0]).toBe(
      {
        Telegram: 'telegram',
        WhatsApp: 'whatsapp',
        VK: 'vk',
        MAX: 'max',
        SMS: 'sms',
        'E-mail': 'email',
        Webhook: 'webhook',
      }[second],
    );
  });

  test('consent on the customer card: the ledger, and a grant recorded after a confirmation', async () => {
    const campaigns = await api<{ items: { id: number }[] }>('GET', '/api/campaigns');
    const skipped = await api<{ items: { customerId: number; reason: string }[] }>(
      'GET',
      `/api/campaigns/${campaigns.items[0]!.id}/messages?status=skipped&limit=1`,
    );
    const customerId = skipped.items[0]!.customerId;
    expect(skipped.items[0]!.reason).toBe('no_consent');
    await page.goto(`${app.url}/#/customers/${customerId}`);
    const panel = page.locator('section.consent-panel');
    await panel.getByRole('heading', { name: 'Consent' }).waitFor();
    await panel.getByText('No consent recorded.').waitFor();
    await panel.getByRole('button', { name: 'Record consent to marketing messages in E-mail' }).click();
    await panel
      .getByRole('alertdialog')
      .getByText(/agreed to marketing messages in E-mail/)
      .waitFor();
    await panel.getByRole('button', { name: 'Record', exact: true }).click();
    await panel.locator('.consent-ledger li', { hasText: 'granted' }).waitFor();
    await panel.locator('tr[data-channel="email"] .badge-on').first().waitFor();
    if (process.env.E2E_SHOTS) await panel.screenshot({ path: '/tmp/consent.png' });
    const ledger = await api<{ items: { channel: string; action: string; source: string; actor: string }[] }>(
      'GET',
      `/api/customers/${customerId}/consents`,
    );
    expect(ledger.items).toEqual([
      expect.objectContaining({
        channel: 'email',
        action: 'granted',
        source: 'manual',
        actor: expect.stringMatching(/^user:/),
      }),
    ]);
  });

  test('works on a 375 px wide phone: no horizontal scrolling in the builder or the report', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${app.url}/#/campaigns/new`);
    await page.getByTestId('budget-preview').waitFor();
    if (process.env.E2E_SHOTS) await page.screenshot({ path: '/tmp/phone-builder.png', fullPage: true });
    // Nothing of the page's own content reaches past the screen's right edge (the app shell is not ours).
    const overflow = () =>
      page.evaluate(() => {
        // A wide table scrolls inside its own box (.table-scroll): that is fine on a phone.
        type El = { getBoundingClientRect(): { right: number }; closest(s: string): unknown };
        const d = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } })
          .document;
        return (
          Math.max(
            0,
            ...[...d.querySelectorAll('.messaging *')]
              .filter((e) => !e.closest('.table-scroll'))
              .map((e) => e.getBoundingClientRect().right),
          ) - 375
        );
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    const campaigns = await api<{ items: { id: number }[] }>('GET', '/api/campaigns');
    await page.goto(`${app.url}/#/campaigns/${campaigns.items[0]!.id}`);
    await page.locator('[data-funnel="sent"]').waitFor();
    if (process.env.E2E_SHOTS) await page.screenshot({ path: '/tmp/phone-report.png', fullPage: true });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
