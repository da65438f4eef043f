/**
 * Name search by word prefixes (customer_name_words, migration 0011): the words follow every
 * way a name is written — insert (one row, many rows in one statement), rename, clearing the
 * name, delete — and the search folds case, ё and Unicode composition the way the stored
 * words were folded. Each expectation below fails if a trigger is dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { searchWords } from '../../src/core/search-words.ts';
import { insertCustomer } from '../../src/storage/queries/customer-edit.ts';
import { countCustomers, listCustomerPage } from '../../src/storage/queries/customer-list.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

/** Ids found by a search typed as `q`, in id order (driven by the matches) … */
async function found(ws: number, q: string): Promise<number[]> {
  const filter = { visibleManager: null, search: { nameWords: searchWords(q) } };
  const rows = await listCustomerPage(db.db, ws, filter, { field: 'id', desc: false }, null, 100);
  // … and the same set through the other path (a condition, as counts, exports and bulk use it).
  expect(await countCustomers(db.db, ws, filter)).toBe(rows.length);
  return rows.map((r) => r.id);
}

async function wordsOf(ws: number, id: number): Promise<string[]> {
  const rows = await db.db.query<{ word: string }>(
    'SELECT word FROM customer_name_words WHERE workspace_id = $1 AND customer_id = $2 ORDER BY word',
    [ws, id],
  );
  return rows.map((r) => r.word);
}

describe('customer name words', () => {
  test('a name is found by the start of any of its words, in any case, ё as е', async () => {
    const ws = await db.workspace('words');
    const anna = await insertCustomer(db.db, ws, { name: 'Анна-Мария Ковалёва' });
    const obrien = await insertCustomer(db.db, ws, { name: "Sean O'Brien" });
    const ivan = await insertCustomer(db.db, ws, { name: 'ИВАНОВ Иван Петрович' });
    await insertCustomer(db.db, ws, { name: null });
    expect(await wordsOf(ws, anna)).toEqual(['анна', 'ковалева', 'мария']);
    expect(await wordsOf(ws, ivan)).toEqual(['иван', 'иванов', 'петрович']);

    expect(await found(ws, 'ковалева')).toEqual([anna]);
    expect(await found(ws, 'КОВАЛЁВ')).toEqual([anna]);
    expect(await found(ws, 'мар')).toEqual([anna]);
    expect(await found(ws, 'Мария Анна')).toEqual([anna]);
    expect(await found(ws, 'анна-мар')).toEqual([anna]);
    expect(await found(ws, 'o’bri')).toEqual([obrien]);
    expect(await found(ws, 'иван')).toEqual([ivan]);
    expect(await found(ws, 'петр иванов')).toEqual([ivan]);
    // Word starts only: the middle of a word is not a match, and every word must match.
    expect(await found(ws, 'ванов')).toEqual([]);
    expect(await found(ws, 'иван мария')).toEqual([]);
    // Decomposed й (и + combining breve) is the same letter as composed й.
    const andrey = await insertCustomer(db.db, ws, { name: 'Андрей' });
    expect(await found(ws, 'Андре\u0438\u0306')).toEqual([andrey]);
  });

  test('the GIN keys of a name are its stored words, each prefixed with the workspace', async () => {
    // customer_name_keys (0012) spells the folding and splitting of customer_name_words (0011)
    // again as one inlinable expression: both must give the same words for any name.
    const names = [
      'Анна-Мария Ковалёва',
      '  ИВАНОВ  Иван Петрович ',
      "Sean O'Brien",
      'Андре\u0438\u0306',
      '№5, д.12 — кв. 7',
      'Ёлкина ёлка ЁЛКА',
      `${'я'.repeat(70)} ${'б'.repeat(64)}`,
      '---',
      '',
    ];
    const rows = await db.db.query<{ name: string; keys: string[] | null; words: string[] }>(
      `SELECT n AS name, customer_name_keys(42, n) AS keys,
              ARRAY(SELECT '42:' || w FROM customer_name_words(n) AS w ORDER BY 1) AS words
         FROM unnest($1::text[]) AS n`,
      [names],
    );
    for (const r of rows) expect([...new Set(r.keys ?? [])].sort(), r.name).toEqual(r.words);
    expect(rows.find((r) => r.name.startsWith('Анна'))!.words).toEqual([
      '42:анна',
      '42:ковалева',
      '42:мария',
    ]);
  });

  test('words follow a rename, a cleared name, a delete, and a many-row insert', async () => {
    const ws = await db.workspace('words-life');
    const id = await insertCustomer(db.db, ws, { name: 'Пётр Смирнов' });
    expect(await found(ws, 'смирн')).toEqual([id]);

    await db.db.query('UPDATE customers SET name = $3 WHERE workspace_id = $1 AND id = $2', [
      ws,
      id,
      'Пётр Соколов',
    ]);
    expect(await found(ws, 'смирн')).toEqual([]);
    expect(await found(ws, 'сокол петр')).toEqual([id]);

    // An update that leaves the name alone keeps the words.
    await db.db.query('UPDATE customers SET name = name, tags = $3 WHERE workspace_id = $1 AND id = $2', [
      ws,
      id,
      ['vip'],
    ]);
    expect(await wordsOf(ws, id)).toEqual(['петр', 'соколов']);

    await db.db.query('UPDATE customers SET name = NULL WHERE workspace_id = $1 AND id = $2', [ws, id]);
    expect(await wordsOf(ws, id)).toEqual([]);
    expect(await found(ws, 'петр')).toEqual([]);

    const [a, b] = (
      await db.db.query<{ id: number }>(
        `INSERT INTO customers (workspace_id, name) VALUES ($1, 'Ольга Орлова'), ($1, 'Олег Орлов') RETURNING id`,
        [ws],
      )
    ).map((r) => r.id);
    expect(await found(ws, 'орлов')).toEqual([a, b]);
    expect(await found(ws, 'оле')).toEqual([b]);

    await db.db.query('DELETE FROM customers WHERE workspace_id = $1 AND id = $2', [ws, a]);
    expect(await wordsOf(ws, a!)).toEqual([]);
    expect(await found(ws, 'орлов')).toEqual([b]);
  });

  test('a merged customer is not found; another workspace is not searched', async () => {
    const ws = await db.workspace('words-merge');
    const other = await db.workspace('words-other');
    const keep = await insertCustomer(db.db, ws, { name: 'Вера Лебедева' });
    const gone = await insertCustomer(db.db, ws, { name: 'Вера Лебедева' });
    await insertCustomer(db.db, other, { name: 'Вера Лебедева' });
    await db.db.query('UPDATE customers SET merged_into = $3 WHERE workspace_id = $1 AND id = $2', [
      ws,
      gone,
      keep,
    ]);
    expect(await found(ws, 'лебедева вера')).toEqual([keep]);
  });

  test('a page stays exact when the filters drop most matches (candidates read in batches)', async () => {
    const ws = await db.workspace('words-batches');
    const ids = (
      await db.db.query<{ id: number }>(
        `INSERT INTO customers (workspace_id, name) SELECT $1, 'Орлов ' || g FROM generate_series(1, 700) g
         RETURNING id`,
        [ws],
      )
    )
      .map((r) => r.id)
      .sort((a, b) => a - b);
    // Only every 97th is a fan: the first batch of 200 candidates holds 2 of the 8.
    const fans = ids.filter((_, i) => i % 97 === 96);
    await db.db.query(
      `UPDATE customers SET status = 'fan' WHERE workspace_id = $1 AND id = ANY($2::bigint[])`,
      [ws, fans],
    );
    const filter = { visibleManager: null, status: ['fan'], search: { nameWords: ['орл'] } };
    for (const desc of [false, true]) {
      const want = desc ? [...fans].reverse() : fans;
      const seen: number[] = [];
      let after: { value: number; id: number } | null = null;
      for (;;) {
        const page = await listCustomerPage(db.db, ws, filter, { field: 'id', desc }, after, 3);
        seen.push(...page.map((r) => r.id));
        if (page.length < 3) break;
        after = { value: page[2]!.id, id: page[2]!.id };
      }
      expect(seen).toEqual(want);
    }
    expect(await countCustomers(db.db, ws, filter)).toBe(fans.length);
  });

  test('the query is split like the stored names, cut to 8 words of at most 64 letters', () => {
    expect(searchWords('  Анна-Мария  O’Brien. ')).toEqual(['Анна', 'Мария', 'O', 'Brien']);
    expect(searchWords('—')).toEqual([]);
    expect(searchWords('a b c d e f g h i j')).toHaveLength(8);
    expect(searchWords('я'.repeat(100))).toEqual(['я'.repeat(64)]);
  });
});
