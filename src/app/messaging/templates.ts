import { Liquid } from 'liquidjs';
import mjml2html from 'mjml';
import type { MessageChannel, MessagePurpose } from '../../core/messaging/channel.ts';
import { countSms, type SmsCount } from '../../core/messaging/sms.ts';

/**
 * Message templates (PRODUCT.md C7): LiquidJS for personalisation, MJML for e-mail HTML.
 *
 * Variables: `customer` (name, first_name, status, points, next_expected_on, …), `order`,
 * `loyalty`, `recommendation`, `business`, `slots` (free booking slots), `unsubscribe_url`.
 * Unknown variables render empty (fallbacks with Liquid's `default` filter:
 * `{{ customer.first_name | default: 'друг' }}`); an unknown filter is an error. Extra
 * filters: `money` (minor units → "2 500 ₽"), `day` (YYYY-MM-DD → "14 марта"), `plural`
 * (`{{ n | plural: 'балл', 'балла', 'баллов' }}` → the word for n).
 *
 * Includes, layouts and file access are off; parse and render are bounded in size and time.
 */

export type TemplateLanguage = 'ru' | 'en';
export type TemplatePart = 'subject' | 'text' | 'sms' | 'mjml';

export interface MessageTemplate {
  key: string;
  language: TemplateLanguage;
  purpose: MessagePurpose;
  /** E-mail subject. */
  subject?: string;
  /** Plain text: messengers and the text part of e-mail; the SMS body when `sms` is absent. */
  text: string;
  /** A short SMS body. */
  sms?: string;
  /** E-mail body in MJML (rendered by Liquid first, then MJML → HTML). */
  mjml?: string;
}

/** What templates may read. Every group is optional; extra fields pass through. */
export interface TemplateContext {
  customer?: {
    name?: string | null;
    first_name?: string | null;
    status?: string | null;
    points?: number | null;
    next_expected_on?: string | null;
    [field: string]: unknown;
  };
  order?: Record<string, unknown>;
  loyalty?: Record<string, unknown>;
  recommendation?: Record<string, unknown>;
  business?: {
    name?: string | null;
    currency?: string;
    [field: string]: unknown;
  };
  slots?: readonly { label: string; [field: string]: unknown }[];
  unsubscribe_url?: string | null;
  [group: string]: unknown;
}

export interface TemplateIssue {
  part: TemplatePart;
  /** `liquid` (syntax, unknown filter, render failure), `mjml` (validation), `lint` (content). */
  kind: 'liquid' | 'mjml' | 'lint';
  message: string;
  line: number | null;
}

export interface RenderOptions {
  /** ISO 4217 for `money`; default `business.currency`, else RUB. */
  currency?: string;
}

export interface PreviewResult {
  /** False when any part failed to render (errors); warnings do not make it fail. */
  ok: boolean;
  subject: string | null;
  text: string;
  /** The SMS body (the `sms` part, or `text` when there is none). */
  sms: string;
  smsCount: SmsCount;
  html: string | null;
  errors: TemplateIssue[];
  warnings: TemplateIssue[];
}

// ---------------------------------------------------------------------------------------
// Engines

const LOCALES: Record<TemplateLanguage, string> = { ru: 'ru-RU', en: 'en-GB' };
const engines = new Map<string, Liquid>();

function engine(language: TemplateLanguage, currency: string, html: boolean): Liquid {
  const key = `${language}|${currency}|${html ? 'html' : 'text'}`;
  let liquid = engines.get(key);
  if (liquid) return liquid;
  liquid = new Liquid({
    strictVariables: false,
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    ...(html ? { outputEscape: 'escape' as const } : {}),
    parseLimit: 200_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  const locale = LOCALES[language];
  liquid.registerFilter('money', (v: unknown) => formatMoney(v, locale, currency));
  liquid.registerFilter('day', (v: unknown, style?: unknown) => formatDay(v, locale, style));
  liquid.registerFilter('plural', (v: unknown, ...forms: unknown[]) => pluralWord(v, language, forms));
  engines.set(key, liquid);
  return liquid;
}

type Parsed = ReturnType<Liquid['parse']>;
const parsedTemplates = new WeakMap<Liquid, Map<string, Parsed>>();
/** Sources kept parsed per engine; beyond it the cache starts over (sources are small). */
const PARSE_CACHE_SIZE = 500;

/**
 * A source parsed once per engine (liquidjs caches only file templates): a campaign renders
 * one template thousands of times, and parsing is most of a render's cost.
 */
function parsed(liquid: Liquid, source: string): Parsed {
  let cache = parsedTemplates.get(liquid);
  if (!cache) {
    cache = new Map();
    parsedTemplates.set(liquid, cache);
  }
  let t = cache.get(source);
  if (!t) {
    if (cache.size >= PARSE_CACHE_SIZE) cache.clear();
    t = liquid.parse(source);
    cache.set(source, t);
  }
  return t;
}

/**
 * Liquid alone (no MJML, no tidying) with the cached engine and parse: the building block of
 * the delivery path's e-mail HTML (deliver-message.ts). `html` escapes every output. Throws
 * what liquidjs throws (syntax, unknown filter, limits).
 */
export function renderLiquid(
  source: string,
  context: TemplateContext,
  language: TemplateLanguage,
  currency: string,
  html: boolean,
): string {
  const liquid = engine(language, currency, html);
  return String(liquid.renderSync(parsed(liquid, source), context) as unknown);
}

/** Minor units → "2 500 ₽" / "₽2,500.50"; kopecks shown only when there are any. */
export function formatMoney(value: unknown, locale: string, currency: string): string {
  const minor = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(minor)) return '';
  const whole = Math.round(minor) % 100 === 0;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(Math.round(minor) / 100);
}

/** `YYYY-MM-DD` → "14 марта" (style 'year': "14 марта 2025 г.", 'weekday': "пятница, 14 марта"). */
export function formatDay(value: unknown, locale: string, style?: unknown): string {
  if (typeof value !== 'string') return value == null ? '' : String(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    ...(style === 'year' ? { year: 'numeric' as const } : {}),
    ...(style === 'weekday' ? { weekday: 'long' as const } : {}),
  }).format(at);
}

/** The word form for a count: ru takes (one, few, many), en (one, other). */
export function pluralWord(value: unknown, language: TemplateLanguage, forms: readonly unknown[]): string {
  const words = forms.map((f) => String(f ?? ''));
  if (words.length === 0) return '';
  const n = Number(value);
  const category = Number.isFinite(n) ? new Intl.PluralRules(LOCALES[language]).select(n) : 'other';
  // ru 'other' is a fraction ("1,5 балла"), which takes the few-form; en 'other' is the plural.
  const index = category === 'one' ? 0 : category === 'many' ? 2 : 1;
  return words[Math.min(index, words.length - 1)]!;
}

// ---------------------------------------------------------------------------------------
// Rendering

function issueFrom(part: TemplatePart, e: unknown): TemplateIssue {
  const message = e instanceof Error ? e.message : String(e);
  const line = /line:(\d+)/.exec(message);
  return { part, kind: 'liquid', message, line: line ? Number(line[1]) : null };
}

/** The currency `money` formats in: the option, else the business's, else RUB. */
export function currencyOf(context: TemplateContext, options: RenderOptions = {}): string {
  const c = options.currency ?? context.business?.currency;
  return typeof c === 'string' && /^[A-Z]{3}$/.test(c) ? c : 'RUB';
}

function renderPart(
  part: TemplatePart,
  source: string,
  context: TemplateContext,
  language: TemplateLanguage,
  currency: string,
): { ok: true; value: string } | { ok: false; issue: TemplateIssue } {
  try {
    return { ok: true, value: renderLiquid(source, context, language, currency, part === 'mjml') };
  } catch (e) {
    return { ok: false, issue: issueFrom(part, e) };
  }
}

/** Parse every part without rendering: syntax errors and unknown filters, for the editor. */
export function validateTemplate(template: MessageTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const [part, source] of partsOf(template)) {
    try {
      const liquid = engine(template.language, 'RUB', part === 'mjml');
      parsed(liquid, source);
    } catch (e) {
      issues.push(issueFrom(part, e));
    }
  }
  return issues;
}

function partsOf(template: MessageTemplate): [TemplatePart, string][] {
  const parts: [TemplatePart, string][] = [];
  if (template.subject !== undefined) parts.push(['subject', template.subject]);
  parts.push(['text', template.text]);
  if (template.sms !== undefined) parts.push(['sms', template.sms]);
  if (template.mjml !== undefined) parts.push(['mjml', template.mjml]);
  return parts;
}

/** MJML → HTML with validation level 'soft': the HTML plus the validation errors found. */
export async function mjmlToHtml(mjml: string): Promise<{ html: string | null; issues: TemplateIssue[] }> {
  try {
    const r = await mjml2html(mjml, { validationLevel: 'soft', keepComments: false, ignoreIncludes: true });
    return {
      html: r.html,
      issues: r.errors.map((e) => ({
        part: 'mjml' as const,
        kind: 'mjml' as const,
        message: `${e.tagName}: ${e.message}`,
        line: e.line ?? null,
      })),
    };
  } catch (e) {
    return {
      html: null,
      issues: [
        { part: 'mjml', kind: 'mjml', message: e instanceof Error ? e.message : String(e), line: null },
      ],
    };
  }
}

const OPT_OUT_HINT = /(стоп|stop|отпис|unsubscribe)/i;

/** Content checks that do not stop rendering: marketing needs a way out. */
function lint(template: MessageTemplate): TemplateIssue[] {
  if (template.purpose !== 'marketing') return [];
  const out: TemplateIssue[] = [];
  const email = `${template.mjml ?? ''}${template.text}`;
  if ((template.mjml !== undefined || template.subject !== undefined) && !email.includes('unsubscribe_url')) {
    out.push({
      part: template.mjml !== undefined ? 'mjml' : 'text',
      kind: 'lint',
      message: 'a marketing e-mail needs {{ unsubscribe_url }} (one-click unsubscribe)',
      line: null,
    });
  }
  const sms = template.sms ?? template.text;
  if (!OPT_OUT_HINT.test(sms)) {
    out.push({
      part: template.sms !== undefined ? 'sms' : 'text',
      kind: 'lint',
      message: 'a marketing SMS should say how to opt out (e.g. "Отписка: СТОП")',
      line: null,
    });
  }
  return out;
}

/**
 * Render every part of a template against a context: subject, text, SMS (with the SMS
 * counter) and MJML → HTML. Never throws: Liquid and MJML problems come back as `errors`
 * (`ok: false` when a part could not be rendered), content problems as `warnings`.
 *
 * @example
 * const p = await preview(template, SAMPLE_CONTEXTS.ru);
 * p.smsCount // { encoding: 'ucs2', segments: 2, … }
 */
export async function preview(
  template: MessageTemplate,
  sampleContext: TemplateContext,
  options: RenderOptions = {},
): Promise<PreviewResult> {
  const currency = currencyOf(sampleContext, options);
  const errors: TemplateIssue[] = [];
  const warnings: TemplateIssue[] = lint(template);
  const rendered: Partial<Record<TemplatePart, string>> = {};
  for (const [part, source] of partsOf(template)) {
    const r = renderPart(part, source, sampleContext, template.language, currency);
    if (r.ok) rendered[part] = part === 'mjml' ? r.value : tidy(r.value);
    else errors.push(r.issue);
  }
  let html: string | null = null;
  if (rendered.mjml !== undefined) {
    const m = await mjmlToHtml(rendered.mjml);
    html = m.html;
    // Soft validation: HTML is produced; the findings are warnings unless there is no HTML.
    (m.html === null ? errors : warnings).push(...m.issues);
  }
  const text = rendered.text ?? '';
  const sms = template.sms !== undefined ? (rendered.sms ?? '') : text;
  return {
    ok: errors.length === 0,
    subject: template.subject !== undefined ? (rendered.subject ?? '').replace(/\s+/g, ' ').trim() : null,
    text,
    sms,
    smsCount: countSms(sms),
    html,
    errors,
    warnings,
  };
}

export interface RenderedMessage {
  channel: MessageChannel;
  subject: string | null;
  /** The body for SMS and messengers; the text part for e-mail. */
  body: string;
  html: string | null;
  smsCount: SmsCount | null;
}

/**
 * The message for one channel, ready for an adapter: e-mail gets subject, text and HTML;
 * SMS gets the SMS body and its counter; messengers and webhooks get the text.
 */
export async function renderForChannel(
  template: MessageTemplate,
  context: TemplateContext,
  channel: MessageChannel,
  options: RenderOptions = {},
): Promise<{ ok: true; value: RenderedMessage } | { ok: false; errors: TemplateIssue[] }> {
  const p = await preview(template, context, options);
  if (!p.ok) return { ok: false, errors: p.errors };
  if (channel === 'email') {
    return { ok: true, value: { channel, subject: p.subject, body: p.text, html: p.html, smsCount: null } };
  }
  if (channel === 'sms') {
    return { ok: true, value: { channel, subject: null, body: p.sms, html: null, smsCount: p.smsCount } };
  }
  return { ok: true, value: { channel, subject: null, body: p.text, html: null, smsCount: null } };
}

/** Trim trailing spaces per line and collapse runs of blank lines left by Liquid tags. */
function tidy(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
