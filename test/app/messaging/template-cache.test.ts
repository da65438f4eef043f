/**
 * templates.ts keeps each Liquid source parsed (delivery renders one template thousands of
 * times): the cached render must be the render, for every library template, and a source
 * must never be answered with another source's parse.
 */
import { Liquid } from 'liquidjs';
import { describe, expect, test } from 'vitest';
import { SAMPLE_CONTEXTS, TEMPLATE_LIBRARY } from '../../../src/app/messaging/template-library.ts';
import { preview, renderLiquid } from '../../../src/app/messaging/templates.ts';

describe('the parse cache', () => {
  test('a second render of every library template equals the first, for other customers too', async () => {
    for (const t of TEMPLATE_LIBRARY) {
      const ctx = SAMPLE_CONTEXTS[t.language];
      const first = await preview(t, ctx);
      expect(first.ok).toBe(true);
      expect(await preview(t, ctx)).toEqual(first);
      const other = { ...ctx, customer: { ...ctx.customer, first_name: 'Зоя', name: 'Зоя Петрова' } };
      const again = await preview(t, other);
      expect(again.ok).toBe(true);
      expect(again.text).toContain('Зоя');
    }
  });

  test('renders what a fresh liquidjs engine renders', () => {
    const source =
      '{% if customer.points > 0 %}{{ customer.first_name | upcase }}: {{ customer.points }}{% else %}—{% endif %}';
    const fresh = new Liquid();
    for (const points of [0, 5, 120]) {
      const ctx = { customer: { first_name: 'анна', points } };
      expect(renderLiquid(source, ctx, 'ru', 'RUB', false)).toBe(fresh.parseAndRenderSync(source, ctx));
    }
  });

  test('tells sources apart, escapes only in HTML, and starts over when full', () => {
    const ctx = { customer: { name: 'Tom & <Jerry>' } };
    expect(renderLiquid('{{ customer.name }}', ctx, 'en', 'RUB', false)).toBe('Tom & <Jerry>');
    expect(renderLiquid('{{ customer.name }}', ctx, 'en', 'RUB', true)).toBe('Tom &amp; &lt;Jerry&gt;');
    expect(renderLiquid('{{ customer.name }}!', ctx, 'en', 'RUB', false)).toBe('Tom & <Jerry>!');
    // More distinct sources than the cache holds: each still renders as itself.
    for (let i = 0; i < 1200; i++) {
      expect(renderLiquid(`${i}:{{ n | plus: ${i} }}`, { n: 1 }, 'ru', 'RUB', false)).toBe(`${i}:${1 + i}`);
    }
    expect(renderLiquid('{{ 150000 | money }}', {}, 'ru', 'RUB', false)).toBe(
      new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', maximumFractionDigits: 0 }).format(
        1500,
      ),
    );
  });

  test('an unknown filter is still an error after the source was seen once', async () => {
    const t = {
      key: 'x',
      language: 'ru' as const,
      purpose: 'transactional' as const,
      text: '{{ a | nope }}',
    };
    expect((await preview(t, {})).ok).toBe(false);
    expect((await preview(t, {})).ok).toBe(false);
    expect(() => renderLiquid('{{ a | nope }}', {}, 'ru', 'RUB', false)).toThrow(/nope/);
  });
});
