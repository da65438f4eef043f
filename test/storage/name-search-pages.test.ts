/**
 * Name search pages (src/storage/queries/customer-list.ts): whether the page is driven from the
 * matches (id order) or the matches are sorted (revenue), every page is exactly the next matches
 * in the requested order, both ways, for page sizes that split the matches unevenly. A name word
 * matches at the start of any word of the name (customer_name_words, kept by triggers).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { searchWords } from '../../src/core/search-words.ts';
import { insertCustomer } from '../../src/storage/queries/customer-edit.ts';
import { type CustomerSortField, listCustomerPage } from '../../src/storage/queries/customer-list.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let ws: number;
/** id → [name, revenue] */
const people = new Map<number, { name: string; revenue: number }>();

beforeAll(async () => {
  db = await openTestDatabase();
  ws = await db.workspace('names');
  for (let i = 0; i < 120; i++) {
    // Every third customer is an "Орлова"; a handful more have it in the middle of the name.
    const name = i % 3 === 0 ? `Мария Орлова ${i}` : i % 37 === 5 ? `Ан${i} орлов-Кин` : `Иван Петров ${i}`;
    const id = await insertCustomer(db.db, ws, { name });
    const revenue = (i * 7919) % 1000;
    await db.db.query('UPDATE customers SET revenue = $3 WHERE workspace_id = $1 AND id = $2', [
      ws,
      id,
      revenue,
    ]);
    people.set(id, { name, revenue });
  }
});
afterAll(async () => {
  await db.close();
});

/** The reference: every query word starts some word of the name (any case, ё = е). */
const fold = (s: string) => s.toLowerCase().replaceAll('ё', 'е');
const matches = (name: string, query: string) => {
  const words = fold(name).split(/[^\p{L}\p{N}]+/u);
  return searchWords(query).every((q) => words.some((w) => w.startsWith(fold(q))));
};

const expected = (fragment: string, sort: 'id' | 'revenue', desc: boolean): number[] => {
  const rows = [...people].filter(([, p]) => matches(p.name, fragment));
  rows.sort(([a, pa], [b, pb]) => {
    const d = sort === 'id' ? a - b : pa.revenue - pb.revenue || a - b;
    return desc ? -d : d;
  });
  return rows.map(([id]) => id);
};

async function allPages(
  fragment: string,
  sort: CustomerSortField,
  desc: boolean,
  limit: number,
  workspace: number = ws,
) {
  const ids: number[] = [];
  let after: { value: string | number | null; id: number } | null = null;
  for (;;) {
    const page = await listCustomerPage(
      db.db,
      workspace,
      { visibleManager: null, search: { nameWords: searchWords(fragment) } },
      { field: sort, desc },
      after,
      limit,
    );
    ids.push(...page.map((r) => r.id));
    if (page.length < limit) return ids;
    const last = page[page.length - 1]!;
    after = { value: last.sortValue, id: last.id };
  }
}

describe('name search pages', () => {
  for (const [sort, desc] of [
    ['id', false],
    ['id', true],
    ['revenue', false],
    ['revenue', true],
  ] as const) {
    test(`pages by ${desc ? '-' : ''}${sort} are the matches in order`, async () => {
      const want = expected('орлов', sort, desc);
      expect(want.length).toBeGreaterThan(40);
      for (const limit of [3, 7, 50]) expect(await allPages('орлов', sort, desc, limit)).toEqual(want);
      // A word only a few names have, after a hyphen and in another case; two words together.
      const few = expected('КИН', sort, desc);
      expect(few.length).toBeGreaterThan(1);
      expect(await allPages('КИН', sort, desc, 2)).toEqual(few);
      const both = expected('мар орл', sort, desc);
      expect(both).toEqual(expected('орлова мария', sort, desc));
      expect(await allPages('мар орл', sort, desc, 7)).toEqual(both);
    });
  }
});

/**
 * Every way a name search is walked (src/storage/queries/name-search.ts) against the same
 * reference, on 600 customers built to reach each branch: one word expanding to one or a few
 * stored words (walked per stored word), a prefix with more than EXPANSION_CAP stored words
 * («зв»: 40 distinct surnames, walked through the customer index), two words that often meet
 * (the driver's customers probed for the other), two that rarely meet (the walk gives up after
 * WALK_FACTOR × the batch and the GIN index of name keys answers: «ярослава зимина»), a dense
 * word beside a rare one (probed per GIN match), two dense words, and nobody at all.
 */
describe('name search strategies', () => {
  const names = new Map<number, string>();
  let wsAll: number;
  const nameOf = (i: number) =>
    [
      i % 2 === 0 ? 'Ксения' : i % 10 === 1 ? 'Ярослава' : 'Ольга',
      i % 3 === 0 ? 'Лебедева' : `Зв${i % 40}ина`,
      [11, 581, 591, 2].includes(i) ? 'Зимина' : '',
    ]
      .filter((w) => w !== '')
      .join(' ');

  beforeAll(async () => {
    wsAll = await db.workspace('strategies');
    // One statement, as an import writes them (the words come from the statement trigger).
    const rows = await db.db.query<{ id: number; name: string }>(
      `INSERT INTO customers (workspace_id, name) SELECT $1, n FROM unnest($2::text[]) WITH ORDINALITY AS t (n, i)
       ORDER BY i RETURNING id, name`,
      [wsAll, Array.from({ length: 600 }, (_, i) => nameOf(i))],
    );
    for (const r of rows) names.set(r.id, r.name);
  });

  const QUERIES: [string, number][] = [
    ['ксен', 300],
    ['зв', 400],
    ['ксения лебедева', 100],
    ['ярослава зимина', 3],
    ['зимина ярослава', 3],
    ['зв ксен', 200],
    ['зв ол', 160],
    ['з я', 41],
    ['зв з', 400],
    ['ксения ярослава', 0],
    ['лебедева зимина', 1],
  ];
  for (const desc of [false, true]) {
    test(`each strategy pages exactly, ${desc ? 'newest' : 'oldest'} first`, async () => {
      for (const [q, count] of QUERIES) {
        const want = [...names]
          .filter(([, n]) => matches(n, q))
          .map(([id]) => id)
          .sort((a, b) => (desc ? b - a : a - b));
        expect(want.length, q).toBe(count);
        for (const limit of [3, 7, 50])
          expect(await allPages(q, 'id', desc, limit, wsAll), `${q} by ${limit}`).toEqual(want);
      }
    });
  }
});
