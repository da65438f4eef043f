/**
 * Pieces of the delivery engine that need no database: the fast e-mail rendering path gives
 * exactly what templates.ts gives, the secret key file, sealed secrets, signed link tokens.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Count the MJML compiles of the delivery path (templates.ts keeps calling its own copy).
const compiles = vi.hoisted(() => vi.fn());
vi.mock('../../src/app/messaging/templates.ts', async (load) => {
  const real = await load<typeof import('../../src/app/messaging/templates.ts')>();
  return {
    ...real,
    mjmlToHtml: (mjml: string) => {
      compiles(mjml);
      return real.mjmlToHtml(mjml);
    },
  };
});

import { renderMessage } from '../../src/app/messaging/deliver-message.ts';
import {
  decryptSecret,
  encryptSecret,
  loadSecretKey,
  SECRET_KEY_FILE,
} from '../../src/app/messaging/secrets.ts';
import { SAMPLE_CONTEXTS, TEMPLATE_LIBRARY } from '../../src/app/messaging/template-library.ts';
import { renderForChannel, type TemplateContext } from '../../src/app/messaging/templates.ts';
import { addTracking, readToken, signToken } from '../../src/app/messaging/tracking.ts';
import { splitStatements } from '../../src/jobs/pgboss-adapter.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('rendering for delivery', () => {
  const variants = (ctx: TemplateContext): TemplateContext[] => [
    ctx,
    { ...ctx, customer: { ...ctx.customer, first_name: null }, loyalty: { points: 0, earned: 0 } },
    { ...ctx, business: { name: 'Nail <Bar> & Co "1"', currency: 'EUR' }, slots: [] },
    { ...ctx, unsubscribe_url: null },
  ];
  for (const t of TEMPLATE_LIBRARY) {
    it(`renders ${t.key}/${t.language} exactly as templates.ts does, on every channel`, async () => {
      for (const ctx of variants(SAMPLE_CONTEXTS[t.language])) {
        for (const channel of ['email', 'sms', 'telegram'] as const) {
          const slow = await renderForChannel(t, ctx, channel);
          expect(slow.ok).toBe(true);
          const fast = await renderMessage(t, ctx, channel);
          expect(fast).toEqual(slow.ok ? slow.value : null);
        }
      }
    });
  }

  it('compiles MJML once per shape, not once per message', async () => {
    const t = TEMPLATE_LIBRARY.find((x) => x.key === 'reminder' && x.language === 'ru')!;
    const ctx = SAMPLE_CONTEXTS.ru;
    await renderMessage(t, ctx, 'email');
    compiles.mockClear();
    for (let i = 0; i < 50; i++) {
      await renderMessage(t, { ...ctx, customer: { ...ctx.customer, first_name: `Анна${i}` } }, 'email');
    }
    // Names differ, the layout does not: already compiled.
    expect(compiles).toHaveBeenCalledTimes(0);
    // A branch that changes the layout (no booking link → a text line instead of a button) is a new shape.
    await renderMessage(t, { ...ctx, business: { ...ctx.business, booking_url: null } }, 'email');
    expect(compiles).toHaveBeenCalledTimes(1);
  });

  it('sends links through the click redirect, except the unsubscribe link, and adds the open pixel', () => {
    const key = Buffer.alloc(32, 7);
    const html =
      '<html><body><a href="https://a.example/x?y=1&amp;z=2">A</a><a href="https://crm.test/u/t">U</a></body></html>';
    const out = addTracking(html, 'https://crm.test', key, 3, 9, ['https://crm.test/u/t']);
    const click = /href="https:\/\/crm\.test\/t\/c\/([^"]+)"/.exec(out)![1]!;
    expect(readToken(key, click, 'c')).toEqual({ k: 'c', w: 3, m: 9, u: 'https://a.example/x?y=1&z=2' });
    expect(out).toContain('href="https://crm.test/u/t"');
    expect(out).toMatch(/<img src="https:\/\/crm\.test\/t\/o\/[^"]+\.gif"[^>]*\/><\/body>/);
  });
});

describe('secrets and tokens', () => {
  it('creates secret.key (32 bytes, mode 0600) once and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-key-'));
    dirs.push(dir);
    const key = loadSecretKey({ dataDir: dir });
    expect(key).toHaveLength(32);
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ dataDir: dir }).equals(key)).toBe(true);
    const env = Buffer.alloc(32, 1).toString('base64');
    expect(loadSecretKey({ dataDir: dir, keyBase64: env }).equals(Buffer.alloc(32, 1))).toBe(true);
    expect(() => loadSecretKey({ keyBase64: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => loadSecretKey({})).toThrow(/COMEBACK_SECRET_KEY/);
  });

  it('seals secrets with AES-256-GCM bound to their workspace and channel', () => {
    const key = Buffer.alloc(32, 2);
    const sealed = encryptSecret(key, '{"botToken":"1:abc"}', '7:telegram');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('abc');
    expect(encryptSecret(key, 'x', '7:telegram')).not.toBe(encryptSecret(key, 'x', '7:telegram'));
    expect(decryptSecret(key, sealed, '7:telegram')).toBe('{"botToken":"1:abc"}');
    expect(() => decryptSecret(key, sealed, '8:telegram')).toThrow(/does not decrypt/);
    expect(() => decryptSecret(Buffer.alloc(32, 3), sealed, '7:telegram')).toThrow(/does not decrypt/);
  });

  it('refuses link tokens that were altered, forged or are of another kind', () => {
    const key = Buffer.alloc(32, 4);
    const token = signToken(key, { k: 'u', w: 1, m: 2 });
    expect(readToken(key, token, 'u')).toEqual({ k: 'u', w: 1, m: 2 });
    expect(readToken(key, token, 'c')).toBeNull();
    expect(readToken(Buffer.alloc(32, 5), token, 'u')).toBeNull();
    const [body, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ k: 'u', w: 1, m: 3 })).toString('base64url');
    expect(readToken(key, `${other}.${sig}`, 'u')).toBeNull();
    expect(readToken(key, `${body}.`, 'u')).toBeNull();
    expect(readToken(key, 'garbage', 'u')).toBeNull();
  });
});

describe('the pg-boss adapter', () => {
  it('splits SQL at top-level semicolons only', () => {
    const sql = `BEGIN;
      CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
      -- a comment; with a semicolon
      INSERT INTO t VALUES ('a;b', "c;d", $tag$x;y$tag$); /* block; comment */
      COMMIT;`;
    expect(splitStatements(sql)).toEqual([
      'BEGIN',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
      `INSERT INTO t VALUES ('a;b', "c;d", $tag$x;y$tag$)`,
      'COMMIT',
    ]);
    expect(splitStatements("SELECT 'it''s; fine'")).toEqual(["SELECT 'it''s; fine'"]);
  });
});
