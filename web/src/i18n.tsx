/**
 * Language and formatting: `t` looks a message up in the catalogue, `fmt` formats money in the
 * workspace currency and dates in the workspace time zone with Intl. The language is the
 * user's choice (localStorage), else Russian when navigator.languages prefers it to English.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Money } from './api.ts';
import { type Day, dayDate } from './days.ts';
import { en, type MessageKey, ru } from './messages.ts';

export type Lang = 'ru' | 'en';
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, ru };
const LANG_KEY = 'comeback.lang';

/** The first of ru/en in the browser's preference order; English when neither is listed. */
export function preferredLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ru') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'ru' || saved === 'en') return saved;
  } catch {
    // storage disabled
  }
  return preferredLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export type Params = Record<string, string | number>;

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  let text: string = CATALOGUES[lang][key] ?? key;
  if (text.includes('|')) {
    const forms = text.split('|');
    // `count` when `n` is pre-formatted ("12,5"); a Russian fraction takes the "few" form (2,5 дня).
    const n = Number(params?.count ?? params?.n ?? 0);
    const rule = new Intl.PluralRules(lang).select(n);
    const order = lang === 'ru' ? ['one', 'few', 'many', 'other'] : ['one', 'other'];
    const i = lang === 'ru' && rule === 'other' ? 1 : order.indexOf(rule);
    text = forms[i >= 0 ? i : forms.length - 1] ?? forms[0]!;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export interface Formatters {
  /** Money in its currency; `digits` 0 rounds to whole units (tiles, axes). */
  money(m: Money | null | undefined, digits?: 0 | 2): string;
  /** A plain amount in the workspace currency. */
  amount(value: number, digits?: 0 | 2): string;
  number(n: number | null | undefined, digits?: number): string;
  /** 0.4213 → "42.1 %". */
  percent(x: number | null | undefined, digits?: number): string;
  /** A calendar day 'YYYY-MM-DD' (already in the workspace zone). */
  day(d: Day | null | undefined): string;
  /** An instant, shown in the workspace time zone. */
  dateTime(iso: string | null | undefined): string;
  /** 'YYYY-MM' → "Mar 2025". */
  month(m: string): string;
  currency: string;
  timeZone: string;
}

function makeFormatters(lang: Lang, currency: string, timeZone: string): Formatters {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const moneyFormat = (digits: 0 | 2, cur: string) =>
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: cur,
      // Whole amounts without ",00"; any other amount with all its kopecks (₽4.50, not ₽4.5).
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      trailingZeroDisplay: 'stripIfInteger',
      currencyDisplay: 'narrowSymbol',
    });
  const cache = new Map<string, Intl.NumberFormat>();
  const mf = (digits: 0 | 2, cur: string) => {
    const k = `${digits}:${cur}`;
    let f = cache.get(k);
    if (!f) {
      try {
        f = moneyFormat(digits, cur);
      } catch {
        f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      }
      cache.set(k, f);
    }
    return f;
  };
  const dayFormat = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const monthFormat = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', year: 'numeric' });
  let dateTimeFormat: Intl.DateTimeFormat;
  try {
    dateTimeFormat = new Intl.DateTimeFormat(locale, {
      timeZone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  } catch {
    dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }
  const dash = '—';
  return {
    currency,
    timeZone,
    money: (m, digits = 2) => (m ? mf(digits, m.currency).format(Number(m.amount)) : dash),
    amount: (value, digits = 2) => mf(digits, currency).format(value),
    number: (n, digits = 0) =>
      n === null || n === undefined
        ? dash
        : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n),
    percent: (x, digits = 1) =>
      x === null || x === undefined
        ? dash
        : new Intl.NumberFormat(locale, {
            style: 'percent',
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          }).format(x),
    day: (d) => (d ? dayFormat.format(dayDate(d)) : dash),
    dateTime: (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : dash),
    month: (m) => monthFormat.format(dayDate(`${m.slice(0, 7)}-01`)),
  };
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, params?: Params): string;
  /** A key built at run time ('status.' + value): its message, or `fallback` when there is none. */
  tk(key: string, fallback: string): string;
  fmt: Formatters;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider(props: { currency: string; timeZone: string; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // storage disabled: the choice lasts for this page
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      tk: (key, fallback) => (hasMessage(key) ? translate(lang, key) : fallback),
      fmt: makeFormatters(lang, props.currency, props.timeZone),
    }),
    [lang, setLang, props.currency, props.timeZone],
  );
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
