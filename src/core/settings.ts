import { z } from 'zod';

/**
 * Workspace settings: every key, its type, default and meaning. Storage keeps them as
 * key → JSON; this schema is the only place that knows what they mean.
 */
export const SETTINGS = {
  business_name: {
    schema: z.string().min(1).max(200).nullable(),
    default: null,
    help: 'name of the business',
  },
  currency: { schema: z.string().regex(/^[A-Z]{3}$/), default: 'RUB', help: 'ISO 4217 currency code' },
  timezone: {
    schema: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Moscow'),
    default: 'Europe/Moscow',
    help: 'IANA time zone: days and dates are counted in it',
  },
  country: {
    schema: z.string().regex(/^[A-Z]{2}$/),
    default: 'RU',
    help: 'default country for phone numbers (ISO 3166 alpha-2)',
  },
  cycle_days: {
    schema: z.number().positive().max(3650).nullable(),
    default: null,
    help: 'purchase cycle of the business in days; unset = learned from the data',
  },
  lost_multiplier: { schema: z.number().gt(1).max(100), default: 3, help: 'lost after L × cycle days' },
  margin: { schema: z.number().min(0).max(1), default: 0.4, help: 'gross margin share for LTV' },
  rfm_mode: { schema: z.enum(['quantile', 'fixed']), default: 'quantile', help: 'RFM scoring rule' },
  rfm_thresholds: {
    schema: z
      .object({
        r: z.array(z.number()).length(4),
        f: z.array(z.number()).length(4),
        m: z.array(z.number()).length(4),
      })
      .nullable(),
    default: null,
    help: 'fixed RFM thresholds (4 ascending cut points per score) when rfm_mode = fixed',
  },
  date_format: {
    schema: z.enum(['auto', 'DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD']),
    default: 'auto',
    help: 'how imports read ambiguous dates',
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTINGS)[K]['schema']> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) out[key] = SETTINGS[key].default;
  return out as Settings;
}

/**
 * Parse a value typed on the command line ("30", "0.4", "Europe/Moscow", "null") for a key.
 * Returns the typed value or a message naming what the key accepts.
 */
export function parseSettingInput(
  key: SettingKey,
  raw: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  let candidate: unknown = raw;
  const trimmed = raw.trim();
  if (trimmed === 'null' || trimmed === '') candidate = null;
  else if (/^-?\d+(\.\d+)?$/.test(trimmed)) candidate = Number(trimmed);
  else if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      candidate = JSON.parse(trimmed);
    } catch {
      return { ok: false, error: `${key}: not valid JSON` };
    }
  }
  // Text settings given as digits ("currency 643") stay text for the schema to judge.
  const schema = SETTINGS[key].schema as z.ZodType;
  let parsed = schema.safeParse(candidate);
  if (!parsed.success && typeof candidate !== 'string') parsed = schema.safeParse(trimmed);
  if (!parsed.success) {
    return {
      ok: false,
      error: `${key}: ${parsed.error.issues[0]?.message ?? 'invalid'} (${SETTINGS[key].help})`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** Merge stored values over defaults, ignoring unknown or invalid stored keys. */
export function resolveSettings(stored: Record<string, unknown>): Settings {
  const out = defaultSettings() as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    if (!(key in stored)) continue;
    const parsed = (SETTINGS[key].schema as z.ZodType).safeParse(stored[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as Settings;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
