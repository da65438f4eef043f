/**
 * A name search first walks a few rows in the page's order and falls back to the trigram index
 * when they do not fill the page (src/storage/queries/customer-list.ts). Either way the page
 * must be exactly the first matches in the requested order: checked here with a walk much
 * shorter than the data, on pages that the walk fills and pages it cannot.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { insertCustomer } from '../../src/storage/queries/customer-edit.ts';
import { type CustomerSortField, listCustomerPage } from '../../src/storage/queries/customer-list.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let ws: number;
/** id → [name, revenue] */
const people = new Map<number, { name: string; revenue: number }>();

beforeAll(async () => {
  db = await openTestDatabase();
  ws = await db.workspace('walk');
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

const expected = (fragment: string, sort: 'id' | 'revenue', desc: boolean): number[] => {
  const rows = [...people].filter(([, p]) => p.name.toLowerCase().includes(fragment.toLowerCase()));
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
  walk: number,
) {
  const ids: number[] = [];
  let after: { value: string | number | null; id: number } | null = null;
  for (;;) {
    const page = await listCustomerPage(
      db.db,
      ws,
      { visibleManager: null, search: { nameLike: fragment } },
      { field: sort, desc },
      after,
      limit,
      walk,
    );
    ids.push(...page.map((r) => r.id));
    if (page.length < limit) return ids;
    const last = page[page.length - 1]!;
    after = { value: last.sortValue, id: last.id };
  }
}

describe('name search walk', () => {
  for (const [sort, desc] of [
    ['id', false],
    ['id', true],
    ['revenue', false],
    ['revenue', true],
  ] as const) {
    test(`pages by ${desc ? '-' : ''}${sort} are the first matches in order, walked or not`, async () => {
      const want = expected('орлов', sort, desc);
      expect(want.length).toBeGreaterThan(40);
      // Walk of 12 rows: a page of 3 fills from it, a page of 10 does not (4 matches per 12 rows).
      for (const [limit, walk] of [
        [3, 12],
        [10, 12],
        [7, 5_000],
        [50, 1],
      ] as const)
        expect(await allPages('орлов', sort, desc, limit, walk)).toEqual(want);
      // A fragment only the rare names have: the walk never fills, the index answers.
      expect(await allPages('-кин', sort, desc, 2, 12)).toEqual(expected('-кин', sort, desc));
    });
  }
});
