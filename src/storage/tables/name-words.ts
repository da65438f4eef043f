/**
 * Name search by word prefixes (migration 0011_name_words.sql). Every word of a customer's name,
 * folded (lower case, ё → е, NFC), one row each, kept by triggers on `customers` so no write
 * path can forget it. A search for «иван петр» finds the customers having a word that starts
 * with «иван» and one that starts with «петр», from this B-tree alone: index-only range scans
 * that read only the matches. Substring search (`name ILIKE '%…%'` over a trigram index, which
 * this replaces) had to fold the case of thousands of names per page at 1M customers.
 */
import { bigint, customType, index, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { workspaceId } from '../columns.ts';

/** Byte order: a prefix is a contiguous range of the index whatever the database's locale. */
const textC = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

export const customerNameWords = pgTable(
  'customer_name_words',
  {
    workspaceId: workspaceId(),
    word: textC('word').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.word, t.customerId] }),
    // By customer: a renamed or deleted customer's words; the other words of a multi-word
    // search, checked per candidate; and a common word's matches in customer order, read from
    // here until a page is full instead of collecting and sorting all of them.
    index('customer_name_words_customer_idx').on(t.workspaceId, t.customerId, t.word),
  ],
);
