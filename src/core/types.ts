/** Shared domain vocabulary. */

export const ORDER_STATUSES = ['completed', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const LIFECYCLE_STATUSES = ['lead', 'newbie', 'fan', 'sleeping', 'lost'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** Money inside the program: integer minor units (kopecks, cents). Never a float amount. */
export type Cents = number;

export const IDENTIFIER_KINDS = ['external', 'phone', 'email', 'telegram', 'whatsapp', 'vk', 'max'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** Format integer minor units as a decimal string with 2 places ("-12.30"); exact. */
export function centsToDecimal(cents: Cents): string {
  const neg = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const s = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Parse a plain decimal string ("123.4", "-0.05", "12") into integer minor units, exactly. */
export function decimalToCents(s: string): Cents {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) throw new RangeError(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = Number(m[2]) * 100 + Number(frac.slice(0, 2));
  // Round half away from zero on the third decimal (22.200000000000003 → 22.20).
  if (Number(frac[2]) >= 5) cents += 1;
  return m[1] === '-' ? -cents : cents;
}
