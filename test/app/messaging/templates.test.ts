import { describe, expect, it } from 'vitest';
import {
  LIBRARY_KEYS,
  libraryTemplate,
  SAMPLE_CONTEXTS,
  TEMPLATE_LIBRARY,
} from '../../../src/app/messaging/template-library.ts';
import {
  formatDay,
  formatMoney,
  type MessageTemplate,
  mjmlToHtml,
  pluralWord,
  preview,
  renderForChannel,
  type TemplateContext,
  validateTemplate,
} from '../../../src/app/messaging/templates.ts';
import { isStopReply } from '../../../src/core/messaging/consent.ts';

function tpl(over: Partial<MessageTemplate>): MessageTemplate {
  return { key: 't', language: 'ru', purpose: 'transactional', text: '', ...over };
}

describe('Liquid rendering', () => {
  const cases: { name: string; text: string; ctx: TemplateContext; expected: string }[] = [
    {
      name: 'variables',
      text: '{{ customer.first_name }}, у вас {{ customer.points }} баллов',
      ctx: { customer: { first_name: 'Анна', points: 350 } },
      expected: 'Анна, у вас 350 баллов',
    },
    {
      name: 'fallback with default when missing',
      text: "{{ customer.first_name | default: 'друг' }}",
      ctx: { customer: {} },
      expected: 'друг',
    },
    {
      name: 'fallback with default when empty',
      text: "{{ customer.first_name | default: 'друг' }}",
      ctx: { customer: { first_name: '' } },
      expected: 'друг',
    },
    {
      name: 'fallback to another variable',
      text: '{{ business.booking_url | default: business.phone }}',
      ctx: { business: { phone: '+7 495 123-45-67' } },
      expected: '+7 495 123-45-67',
    },
    { name: 'unknown variables render empty', text: 'a{{ nope.deeper }}b', ctx: {}, expected: 'ab' },
    {
      name: 'zero points is not empty',
      text: "{{ customer.points | default: 'нет' }}",
      ctx: { customer: { points: 0 } },
      expected: '0',
    },
    {
      name: 'money from minor units',
      text: '{{ order.amount_minor | money }}',
      ctx: { order: { amount_minor: 250_000 } },
      expected: '2\u00a0500\u00a0₽',
    },
    {
      name: 'day',
      text: '{{ customer.next_expected_on | day }}',
      ctx: { customer: { next_expected_on: '2025-03-14' } },
      expected: '14 марта',
    },
    {
      name: 'plural ru',
      text: "{{ n }} {{ n | plural: 'балл', 'балла', 'баллов' }}",
      ctx: { n: 21 },
      expected: '21 балл',
    },
    {
      name: 'no prototype access',
      text: '{{ customer.constructor }}{{ customer.__proto__ }}',
      ctx: { customer: {} },
      expected: '',
    },
  ];
  it.each(cases)('$name', async (c) => {
    const p = await preview(tpl({ text: c.text }), c.ctx);
    expect(p.errors).toEqual([]);
    expect(p.text).toBe(c.expected);
  });

  it('an unknown filter is an error, not an empty string', async () => {
    const t = tpl({ text: '{{ customer.first_name | shout }}' });
    const p = await preview(t, { customer: { first_name: 'Анна' } });
    expect(p.ok).toBe(false);
    expect(p.errors[0]).toMatchObject({ part: 'text', kind: 'liquid' });
    expect(p.errors[0]!.message).toMatch(/shout/);
    expect(validateTemplate(t)).toHaveLength(1);
  });

  it('a syntax error is reported with its part', async () => {
    const t = tpl({ subject: '{% if customer.first_name %}Hi', text: 'ok' });
    const p = await preview(t, {});
    expect(p.ok).toBe(false);
    expect(p.errors.map((e) => e.part)).toEqual(['subject']);
    expect(p.text).toBe('ok');
  });

  it('includes cannot read files', async () => {
    const p = await preview(tpl({ text: "{% include '/etc/passwd' %}" }), {});
    expect(p.ok).toBe(false);
  });

  it('HTML output escapes variables; text does not', async () => {
    const ctx = { customer: { first_name: '<b>Ann & Co</b>' } };
    const p = await preview(
      tpl({
        text: '{{ customer.first_name }}',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ customer.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
      ctx,
    );
    expect(p.text).toBe('<b>Ann & Co</b>');
    expect(p.html).toContain('&lt;b&gt;Ann &amp; Co&lt;/b&gt;');
  });

  it('formatters', () => {
    expect(formatMoney(4_550, 'en-GB', 'GBP')).toBe('£45.50');
    expect(formatMoney(null, 'ru-RU', 'RUB')).toBe('');
    expect(formatDay('2025-03-14', 'en-GB', 'weekday')).toBe('Friday 14 March');
    expect(formatDay('not a day', 'ru-RU')).toBe('not a day');
    expect(
      ['1', '2', '5', '11', '22', '1.5'].map((n) => pluralWord(n, 'ru', ['балл', 'балла', 'баллов'])),
    ).toEqual(['балл', 'балла', 'баллов', 'баллов', 'балла', 'балла']);
    expect(pluralWord(1, 'en', ['point', 'points'])).toBe('point');
    expect(pluralWord(0, 'en', ['point', 'points'])).toBe('points');
  });
});

describe('MJML', () => {
  it('turns MJML into HTML that contains the text', async () => {
    const p = await preview(
      tpl({
        subject: 'Привет, {{ customer.first_name }}',
        text: 'Текст',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Здравствуйте, {{ customer.first_name }}!</mj-text></mj-column></mj-section></mj-body></mjml>',
      }),
      { customer: { first_name: 'Анна' } },
    );
    expect(p.ok).toBe(true);
    expect(p.subject).toBe('Привет, Анна');
    expect(p.html).toMatch(/^<!doctype html>/i);
    expect(p.html).toContain('Здравствуйте, Анна!');
  });

  it('reports validation errors (soft) and still produces HTML', async () => {
    const r = await mjmlToHtml(
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text><mj-unknown /></mj-column></mj-section></mj-body></mjml>',
    );
    expect(r.html).toContain('Hi');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ part: 'mjml', kind: 'mjml', line: 1 });
    expect(r.issues[0]!.message).toMatch(/mj-unknown/);
  });
});

describe('SMS preview and lint', () => {
  it('counts the SMS body (the sms part, or the text)', async () => {
    const p = await preview(tpl({ text: 'длинный текст', sms: '{{ customer.first_name }}, ждём вас!' }), {
      customer: { first_name: 'Анна' },
    });
    expect(p.sms).toBe('Анна, ждём вас!');
    expect(p.smsCount).toMatchObject({ encoding: 'ucs2', characters: 15, segments: 1 });
    const q = await preview(tpl({ text: 'Hello {{ customer.first_name }}' }), {
      customer: { first_name: 'Emma' },
    });
    expect(q.sms).toBe('Hello Emma');
    expect(q.smsCount).toMatchObject({ encoding: 'gsm7', segments: 1 });
  });

  it('warns when marketing has no unsubscribe link or STOP hint', async () => {
    const p = await preview(tpl({ purpose: 'marketing', subject: 'Акция', text: 'Скидка 10%' }), {});
    expect(p.ok).toBe(true);
    expect(p.warnings.map((w) => w.kind)).toEqual(['lint', 'lint']);
  });

  it('renders for a channel', async () => {
    const t = libraryTemplate('reminder', 'ru');
    const sms = await renderForChannel(t, SAMPLE_CONTEXTS.ru, 'sms');
    if (!sms.ok) throw new Error('render failed');
    expect(sms.value.html).toBeNull();
    expect(sms.value.smsCount!.segments).toBeGreaterThan(0);
    const email = await renderForChannel(t, SAMPLE_CONTEXTS.ru, 'email');
    if (!email.ok) throw new Error('render failed');
    expect(email.value.subject).toBe('Анна, скоро время следующего визита');
    expect(email.value.html).toContain('пт 14 марта 11:00');
    const tg = await renderForChannel(t, SAMPLE_CONTEXTS.ru, 'telegram');
    if (!tg.ok) throw new Error('render failed');
    expect(tg.value.body).toContain('Есть свободные окна');
    const bad = await renderForChannel(tpl({ text: '{{ x | nope }}' }), {}, 'sms');
    expect(bad.ok).toBe(false);
  });
});

describe('template library', () => {
  it('has every key in ru and en', () => {
    expect(TEMPLATE_LIBRARY).toHaveLength(LIBRARY_KEYS.length * 2);
    for (const key of LIBRARY_KEYS)
      for (const lang of ['ru', 'en'] as const) expect(libraryTemplate(key, lang).key).toBe(key);
  });

  const expectations: Record<string, string[]> = {
    'welcome/ru': ['Анна, спасибо, что выбрали нас', '350 приветственных баллов'],
    'thank_you/ru': ['Как вам маникюр?', 'от 0 до 10', 'Начислено 125 баллов'],
    'reminder/ru': ['примерно 14 марта', 'маникюр, мастер Ольга', 'пт 14 марта 11:00, сб 15 марта 16:30'],
    'win_back/ru': ['давно вас не видели', 'Парафинотерапия для рук', '350 баллов'],
    'birthday/ru': ['С днём рождения, Анна!', 'Дарим 500 бонусных баллов', 'до 31 марта'],
    'welcome/en': ['Emma, thank you for choosing Lotus Studio', '350 welcome points'],
    'thank_you/en': ['How was your manicure?', 'You earned 45 points'],
    'reminder/en': ['around 14 March', 'manicure with Olivia', 'Free slots: Fri 14 Mar 11:00'],
    'win_back/en': ['we miss you', 'Paraffin hand treatment'],
    'birthday/en': ['Happy birthday, Emma!', '500 bonus points', '31 March'],
  };

  it.each(TEMPLATE_LIBRARY.map((t) => [`${t.key}/${t.language}`, t] as const))(
    '%s renders against the sample customer',
    async (name, t) => {
      const p = await preview(t, SAMPLE_CONTEXTS[t.language]);
      expect(p.errors).toEqual([]);
      expect(p.warnings).toEqual([]);
      expect(p.subject).toBeTruthy();
      for (const fragment of expectations[name]!) {
        expect(p.text).toContain(fragment);
        expect(p.html).toContain(fragment.replace(/'/g, '&#39;'));
      }
      expect(p.text).not.toMatch(/\{\{|\{%/);
      expect(p.html).toContain(SAMPLE_CONTEXTS[t.language].unsubscribe_url as string);
      expect(p.smsCount.segments).toBeGreaterThanOrEqual(1);
      expect(p.smsCount.segments).toBeLessThanOrEqual(2);
      expect(p.smsCount.encoding).toBe(t.language === 'ru' ? 'ucs2' : 'gsm7');
      if (t.purpose === 'marketing') expect(isStopReply(p.sms.split(/[:.]/).at(-1)!, t.language)).toBe(true);
    },
  );

  it.each(TEMPLATE_LIBRARY.map((t) => [`${t.key}/${t.language}`, t] as const))(
    '%s renders with an almost empty customer (fallbacks, no dangling labels)',
    async (_name, t) => {
      const p = await preview(t, { business: { name: t.language === 'ru' ? 'Студия' : 'Studio' } });
      expect(p.errors).toEqual([]);
      expect(p.text).not.toMatch(/: *$|:\s*\n|undefined|null|NaN/m);
      expect(p.sms).not.toMatch(/undefined|null|NaN|:\s{2}/);
      expect(p.text.length).toBeGreaterThan(20);
    },
  );
});
