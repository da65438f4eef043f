/**
 * The words of a name search, as typed: split at anything that is not a letter or a digit
 * (spaces, hyphens, apostrophes, dots), the way the database splits stored names
 * (`customer_name_words`, migration 0011), which also folds case and ё on both sides.
 */

/** More words than this narrow nothing a person types; the rest are ignored. */
export const MAX_SEARCH_WORDS = 8;
/** Stored words are cut to this length, so a longer search word must be cut alike to match. */
export const MAX_WORD_LENGTH = 64;

export function searchWords(q: string): string[] {
  const words = q
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .map((w) => [...w].slice(0, MAX_WORD_LENGTH).join(''));
  return [...new Set(words)].slice(0, MAX_SEARCH_WORDS);
}
