import type { MessagePurpose } from '../../core/messaging/channel.ts';
import type { MessageTemplate, TemplateContext, TemplateLanguage } from './templates.ts';

/**
 * The starter library (PRODUCT.md C8, seed 000 step 5, seed 003): welcome, thank-you after
 * a visit, a reminder 3–5 days before the next expected visit with free slots, win-back for
 * sleeping customers, birthday — in Russian and English. Written as data (paragraphs with
 * an optional Liquid condition) and assembled into text, SMS and MJML with one layout, so a
 * business copies one and edits words, not markup.
 *
 * Russian wording avoids putting variables where Russian would need another case
 * ("в {{ business.name }}" breaks for «Студия Лотос»): names stand alone or in quotes.
 */

export const LIBRARY_KEYS = ['welcome', 'thank_you', 'reminder', 'win_back', 'birthday'] as const;
export type LibraryKey = (typeof LIBRARY_KEYS)[number];

interface Paragraph {
  /** A Liquid condition (`loyalty.points > 0`); the paragraph shows only when it holds. */
  if?: string;
  text: string;
}

interface LibraryEntry {
  key: LibraryKey;
  purpose: MessagePurpose;
  /** When the automation sends it (for the UI). */
  trigger: string;
  subject: string;
  paragraphs: Paragraph[];
  /** The call to action: a button in e-mail, a line in text. */
  cta: string;
  sms: string;
}

const FN_RU = "{{ customer.first_name | default: 'Здравствуйте' }}";
const FN_EN = "{{ customer.first_name | default: 'Hello' }}";
const BOOK = '{{ business.booking_url | default: business.phone }}';
/** Only when there is a link or a phone to book with. */
const HAS_BOOK = 'business.booking_url or business.phone';
const SLOTS =
  '{% for slot in slots limit: 3 %}{{ slot.label }}{% unless forloop.last %}, {% endunless %}{% endfor %}';
const SLOTS_SMS =
  '{% for slot in slots limit: 2 %}{{ slot.label }}{% unless forloop.last %}, {% endunless %}{% endfor %}';

const RU: LibraryEntry[] = [
  {
    key: 'welcome',
    purpose: 'marketing',
    trigger: 'первая покупка или регистрация',
    subject: '{{ business.name }}: добро пожаловать!',
    paragraphs: [
      { text: `${FN_RU}, спасибо, что выбрали нас! Мы рады знакомству.` },
      {
        if: 'loyalty.points > 0',
        text: "На ваш счёт начислено {{ loyalty.points }} {{ loyalty.points | plural: 'приветственный балл', 'приветственных балла', 'приветственных баллов' }}: ими можно оплатить часть следующего визита.",
      },
      { text: 'Если что-то понадобится, просто ответьте на это сообщение.' },
    ],
    cta: 'Записаться',
    sms: `${FN_RU}, спасибо, что выбрали нас!{% if loyalty.points > 0 %} Вам {{ loyalty.points }} {{ loyalty.points | plural: 'балл', 'балла', 'баллов' }}.{% endif %} {% if ${HAS_BOOK} %}Запись: ${BOOK} {% endif %}Отписка: СТОП`,
  },
  {
    key: 'thank_you',
    purpose: 'transactional',
    trigger: 'на следующий день после визита',
    subject: 'Спасибо за визит! Как всё прошло?',
    paragraphs: [
      { text: `${FN_RU}, спасибо за визит!` },
      {
        text: "Как вам {{ order.service | downcase | default: 'у нас' }}? Оцените, пожалуйста, от 0 до 10 — просто ответьте цифрой на это сообщение. Нам важно каждое мнение.",
      },
      {
        if: 'loyalty.earned > 0',
        text: "Начислено {{ loyalty.earned }} {{ loyalty.earned | plural: 'балл', 'балла', 'баллов' }}, всего на счёте {{ loyalty.points }}.",
      },
    ],
    cta: 'Записаться снова',
    sms: "Спасибо за визит в «{{ business.name }}»! Как вам {{ order.service | downcase | default: 'у нас' }}? Ответьте цифрой от 0 до 10.{% if loyalty.earned > 0 %} +{{ loyalty.earned }} {{ loyalty.earned | plural: 'балл', 'балла', 'баллов' }}.{% endif %}",
  },
  {
    key: 'reminder',
    purpose: 'marketing',
    trigger: 'за 3–5 дней до ожидаемого визита',
    subject: `${FN_RU}, скоро время следующего визита`,
    paragraphs: [
      {
        text: `${FN_RU}, приближается время следующего визита{% if customer.next_expected_on %} — примерно {{ customer.next_expected_on | day }}{% endif %}.`,
      },
      {
        if: 'order.service',
        text: 'В прошлый раз: {{ order.service | downcase }}{% if order.staff %}, мастер {{ order.staff }}{% endif %}.',
      },
      { if: 'slots.size > 0', text: `Есть свободные окна: ${SLOTS}.` },
      { if: 'slots.size == 0', text: 'Подберём удобное время — ответьте на это сообщение.' },
    ],
    cta: 'Выбрать время',
    sms: `${FN_RU}, пора на следующий визит.{% if slots.size > 0 %} Окна: ${SLOTS_SMS}.{% endif %} {% if ${HAS_BOOK} %}Запись: ${BOOK} {% endif %}Отписка: СТОП`,
  },
  {
    key: 'win_back',
    purpose: 'marketing',
    trigger: 'клиент перешёл в статус «спящий»',
    subject: `${FN_RU}, мы соскучились`,
    paragraphs: [
      { text: `${FN_RU}, давно вас не видели — мы соскучились!` },
      {
        if: 'recommendation.title',
        text: 'Попробуйте новое: {{ recommendation.title }}{% if recommendation.reason %} — {{ recommendation.reason }}{% endif %}.',
      },
      {
        if: 'loyalty.points > 0',
        text: "На вашем счёте {{ loyalty.points }} {{ loyalty.points | plural: 'балл', 'балла', 'баллов' }} — ими можно оплатить часть визита.",
      },
    ],
    cta: 'Записаться',
    sms: `${FN_RU}, давно не виделись!{% if loyalty.points > 0 %} У вас {{ loyalty.points }} {{ loyalty.points | plural: 'балл', 'балла', 'баллов' }}.{% endif %} {% if ${HAS_BOOK} %}Запись: ${BOOK} {% endif %}Отписка: СТОП`,
  },
  {
    key: 'birthday',
    purpose: 'marketing',
    trigger: 'в день рождения (или за несколько дней)',
    subject: 'С днём рождения{% if customer.first_name %}, {{ customer.first_name }}{% endif %}!',
    paragraphs: [
      {
        text: 'С днём рождения{% if customer.first_name %}, {{ customer.first_name }}{% endif %}! Команда «{{ business.name }}» желает вам радости и сил.',
      },
      {
        if: 'loyalty.birthday_bonus > 0',
        text: "Дарим {{ loyalty.birthday_bonus }} {{ loyalty.birthday_bonus | plural: 'бонусный балл', 'бонусных балла', 'бонусных баллов' }}{% if loyalty.bonus_expires_on %} — они действуют до {{ loyalty.bonus_expires_on | day }}{% endif %}.",
      },
    ],
    cta: 'Записаться',
    sms: "С днём рождения{% if customer.first_name %}, {{ customer.first_name }}{% endif %}!{% if loyalty.birthday_bonus > 0 %} Дарим {{ loyalty.birthday_bonus }} {{ loyalty.birthday_bonus | plural: 'балл', 'балла', 'баллов' }}{% if loyalty.bonus_expires_on %} до {{ loyalty.bonus_expires_on | day }}{% endif %}.{% endif %} Отписка: СТОП",
  },
];

const EN: LibraryEntry[] = [
  {
    key: 'welcome',
    purpose: 'marketing',
    trigger: 'first purchase or sign-up',
    subject: 'Welcome to {{ business.name }}!',
    paragraphs: [
      { text: `${FN_EN}, thank you for choosing {{ business.name }}! We are glad to meet you.` },
      {
        if: 'loyalty.points > 0',
        text: "We have added {{ loyalty.points }} welcome {{ loyalty.points | plural: 'point', 'points' }} to your account: use them towards your next visit.",
      },
      { text: 'If you need anything, just reply to this message.' },
    ],
    cta: 'Book a visit',
    sms: `${FN_EN}, thanks for choosing us!{% if loyalty.points > 0 %} You have {{ loyalty.points }} {{ loyalty.points | plural: 'point', 'points' }}.{% endif %} {% if ${HAS_BOOK} %}Book: ${BOOK} {% endif %}Reply STOP to opt out`,
  },
  {
    key: 'thank_you',
    purpose: 'transactional',
    trigger: 'the day after a visit',
    subject: 'Thank you for your visit! How did it go?',
    paragraphs: [
      { text: `${FN_EN}, thank you for visiting {{ business.name }}!` },
      {
        text: "How was your {{ order.service | default: 'visit' | downcase }}? Please rate it from 0 to 10 — just reply with a number. Every answer helps us.",
      },
      {
        if: 'loyalty.earned > 0',
        text: "You earned {{ loyalty.earned }} {{ loyalty.earned | plural: 'point', 'points' }}; your balance is {{ loyalty.points }}.",
      },
    ],
    cta: 'Book again',
    sms: "Thanks for visiting {{ business.name }}! How was your {{ order.service | default: 'visit' | downcase }}? Reply with a number from 0 to 10.{% if loyalty.earned > 0 %} +{{ loyalty.earned }} {{ loyalty.earned | plural: 'point', 'points' }}.{% endif %}",
  },
  {
    key: 'reminder',
    purpose: 'marketing',
    trigger: '3–5 days before the expected visit',
    subject: `${FN_EN}, it is almost time for your next visit`,
    paragraphs: [
      {
        text: `${FN_EN}, it is almost time for your next visit{% if customer.next_expected_on %} — around {{ customer.next_expected_on | day }}{% endif %}.`,
      },
      {
        if: 'order.service',
        text: 'Last time: {{ order.service | downcase }}{% if order.staff %} with {{ order.staff }}{% endif %}.',
      },
      { if: 'slots.size > 0', text: `Free slots: ${SLOTS}.` },
      { if: 'slots.size == 0', text: 'Reply to this message and we will find a time that suits you.' },
    ],
    cta: 'Pick a time',
    sms: `${FN_EN}, time for your next visit.{% if slots.size > 0 %} Free: ${SLOTS_SMS}.{% endif %} {% if ${HAS_BOOK} %}Book: ${BOOK} {% endif %}Reply STOP to opt out`,
  },
  {
    key: 'win_back',
    purpose: 'marketing',
    trigger: 'the customer became sleeping',
    subject: `${FN_EN}, we miss you`,
    paragraphs: [
      { text: `${FN_EN}, we have not seen you for a while — we miss you!` },
      {
        if: 'recommendation.title',
        text: 'Try something new: {{ recommendation.title }}{% if recommendation.reason %} — {{ recommendation.reason }}{% endif %}.',
      },
      {
        if: 'loyalty.points > 0',
        text: "You have {{ loyalty.points }} {{ loyalty.points | plural: 'point', 'points' }} to use towards your visit.",
      },
    ],
    cta: 'Book a visit',
    sms: `${FN_EN}, we miss you!{% if loyalty.points > 0 %} You have {{ loyalty.points }} {{ loyalty.points | plural: 'point', 'points' }}.{% endif %} {% if ${HAS_BOOK} %}Book: ${BOOK} {% endif %}Reply STOP to opt out`,
  },
  {
    key: 'birthday',
    purpose: 'marketing',
    trigger: 'on the birthday (or a few days before)',
    subject: 'Happy birthday{% if customer.first_name %}, {{ customer.first_name }}{% endif %}!',
    paragraphs: [
      {
        text: 'Happy birthday{% if customer.first_name %}, {{ customer.first_name }}{% endif %}! Everyone at {{ business.name }} wishes you a wonderful year.',
      },
      {
        if: 'loyalty.birthday_bonus > 0',
        text: "Here are {{ loyalty.birthday_bonus }} bonus {{ loyalty.birthday_bonus | plural: 'point', 'points' }}{% if loyalty.bonus_expires_on %}, valid until {{ loyalty.bonus_expires_on | day }}{% endif %}.",
      },
    ],
    cta: 'Book a treat',
    sms: "Happy birthday{% if customer.first_name %}, {{ customer.first_name }}{% endif %}!{% if loyalty.birthday_bonus > 0 %} A gift of {{ loyalty.birthday_bonus }} bonus {{ loyalty.birthday_bonus | plural: 'point', 'points' }}.{% endif %} Reply STOP to opt out",
  },
];

const FOOTER: Record<TemplateLanguage, { book: string; unsubscribe: string; why: string }> = {
  ru: {
    book: 'Записаться',
    unsubscribe: 'Отписаться от рассылки',
    why: 'Вы получили это письмо, потому что вы клиент «{{ business.name }}».',
  },
  en: {
    book: 'Book',
    unsubscribe: 'Unsubscribe',
    why: 'You are receiving this because you are a customer of {{ business.name }}.',
  },
};

function wrap(p: Paragraph, body: string): string {
  return p.if ? `{% if ${p.if} %}${body}{% endif %}` : body;
}

function textOf(e: LibraryEntry, language: TemplateLanguage): string {
  const lines = e.paragraphs.map((p) => wrap(p, `${p.text}\n\n`)).join('');
  const footer =
    language === 'ru'
      ? `{% if ${HAS_BOOK} %}${e.cta}: ${BOOK}{% endif %}{% if unsubscribe_url %}\n\nОтписаться: {{ unsubscribe_url }}{% endif %}`
      : `{% if ${HAS_BOOK} %}${e.cta}: ${BOOK}{% endif %}{% if unsubscribe_url %}\n\nUnsubscribe: {{ unsubscribe_url }}{% endif %}`;
  return `${lines}${footer}`;
}

function mjmlOf(e: LibraryEntry, language: TemplateLanguage): string {
  const f = FOOTER[language];
  const paragraphs = e.paragraphs.map((p) => wrap(p, `\n        <mj-text>${p.text}</mj-text>`)).join('');
  return `<mjml lang="${language}">
  <mj-head>
    <mj-title>${e.subject}</mj-title>
    <mj-preview>${e.paragraphs[0]?.text ?? ''}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="1.5" color="#1f2933" />
      <mj-button background-color="#2f6f5e" color="#ffffff" font-size="16px" border-radius="6px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="24px 16px">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">{{ business.name }}</mj-text>${paragraphs}
        {% if business.booking_url %}<mj-button href="{{ business.booking_url }}">${e.cta}</mj-button>{% elsif business.phone %}<mj-text>${f.book}: {{ business.phone }}</mj-text>{% endif %}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 16px">
      <mj-column>
        <mj-text font-size="12px" color="#6b7280" align="center">${f.why}{% if business.address %}<br />{{ business.address }}{% endif %}{% if unsubscribe_url %}<br /><a href="{{ unsubscribe_url }}" style="color:#6b7280">${f.unsubscribe}</a>{% endif %}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

function build(entries: readonly LibraryEntry[], language: TemplateLanguage): LibraryTemplate[] {
  return entries.map((e) => ({
    key: e.key,
    language,
    purpose: e.purpose,
    trigger: e.trigger,
    subject: e.subject,
    text: textOf(e, language),
    sms: e.sms,
    mjml: mjmlOf(e, language),
  }));
}

export interface LibraryTemplate extends MessageTemplate {
  key: LibraryKey;
  trigger: string;
}

/** Every library template, ru first. */
export const TEMPLATE_LIBRARY: readonly LibraryTemplate[] = [...build(RU, 'ru'), ...build(EN, 'en')];

export function libraryTemplate(key: LibraryKey, language: TemplateLanguage): LibraryTemplate {
  const t = TEMPLATE_LIBRARY.find((x) => x.key === key && x.language === language);
  if (!t) throw new RangeError(`no library template ${key}/${language}`);
  return t;
}

/** Sample customers for previews in the template editor. */
export const SAMPLE_CONTEXTS: Record<TemplateLanguage, TemplateContext> = {
  ru: {
    customer: {
      name: 'Анна Смирнова',
      first_name: 'Анна',
      status: 'fan',
      points: 350,
      next_expected_on: '2025-03-14',
    },
    order: { day: '2025-02-12', service: 'Маникюр', staff: 'Ольга', amount_minor: 250_000 },
    loyalty: { points: 350, earned: 125, birthday_bonus: 500, bonus_expires_on: '2025-03-31' },
    recommendation: { title: 'Парафинотерапия для рук', reason: 'её часто берут вместе с маникюром' },
    business: {
      name: 'Студия Лотос',
      phone: '+7 495 123-45-67',
      booking_url: 'https://lotos.example/book',
      address: 'Москва, ул. Тверская, 1',
      currency: 'RUB',
    },
    slots: [{ label: 'пт 14 марта 11:00' }, { label: 'сб 15 марта 16:30' }, { label: 'вс 16 марта 12:00' }],
    unsubscribe_url: 'https://lotos.example/u/abc123',
  },
  en: {
    customer: {
      name: 'Emma Brown',
      first_name: 'Emma',
      status: 'fan',
      points: 350,
      next_expected_on: '2025-03-14',
    },
    order: { day: '2025-02-12', service: 'Manicure', staff: 'Olivia', amount_minor: 4_500 },
    loyalty: { points: 350, earned: 45, birthday_bonus: 500, bonus_expires_on: '2025-03-31' },
    recommendation: { title: 'Paraffin hand treatment', reason: 'often booked together with a manicure' },
    business: {
      name: 'Lotus Studio',
      phone: '+44 20 7946 0000',
      booking_url: 'https://lotus.example/book',
      address: '1 High Street, London',
      currency: 'GBP',
    },
    slots: [{ label: 'Fri 14 Mar 11:00' }, { label: 'Sat 15 Mar 16:30' }, { label: 'Sun 16 Mar 12:00' }],
    unsubscribe_url: 'https://lotus.example/u/abc123',
  },
};
