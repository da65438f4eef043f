/**
 * SMS length and segments (3GPP TS 23.038 / 23.040). A text that fits the GSM 03.38
 * default alphabet goes as GSM-7: 160 septets in one SMS, 153 per segment when
 * concatenated (the user data header takes 7); characters of the extension table
 * (^ { } \ [ ] ~ | € and form feed) take two septets. Anything else — Cyrillic, emoji,
 * typographic quotes — makes the whole message UCS-2: 70 UTF-16 units, 67 per segment;
 * an emoji is a surrogate pair and takes two. A two-unit character is never split across
 * segments, so segments may carry one unit less than the maximum.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Characters as a person counts them (Unicode code points). */
  characters: number;
  /** What the network counts: septets for GSM-7 (extension = 2), UTF-16 units for UCS-2. */
  units: number;
  /** 0 for an empty text. */
  segments: number;
  /** Capacity of a segment for this text: 160/70 single, 153/67 when concatenated. */
  perSegment: number;
  /** Units still free in the last segment before another segment is needed. */
  remainingInSegment: number;
  /** Distinct characters that forced UCS-2 (empty for GSM-7), to suggest replacements. */
  nonGsm: string[];
}

const LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const;

/** Units of one character (code point) in the encoding. */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return ch.length;
  return EXTENSION.has(ch) ? 2 : 1;
}

/** True when every character of `text` is in the GSM 03.38 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/**
 * Count an SMS body.
 *
 * @example
 * countSms('Привет') // { encoding: 'ucs2', characters: 6, units: 6, segments: 1, perSegment: 70, remainingInSegment: 64, … }
 */
export function countSms(text: string): SmsCount {
  const chars = Array.from(text);
  const nonGsm = [...new Set(chars.filter((ch) => !BASIC.has(ch) && !EXTENSION.has(ch)))];
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'gsm7' : 'ucs2';
  const limit = LIMITS[encoding];
  let units = 0;
  for (const ch of chars) units += unitsOf(ch, encoding);

  if (units <= limit.single) {
    return {
      encoding,
      characters: chars.length,
      units,
      segments: units === 0 ? 0 : 1,
      perSegment: limit.single,
      remainingInSegment: limit.single - units,
      nonGsm,
    };
  }
  let segments = 1;
  let used = 0;
  for (const ch of chars) {
    const u = unitsOf(ch, encoding);
    if (used + u > limit.multi) {
      segments++;
      used = 0;
    }
    used += u;
  }
  return {
    encoding,
    characters: chars.length,
    units,
    segments,
    perSegment: limit.multi,
    remainingInSegment: limit.multi - used,
    nonGsm,
  };
}
