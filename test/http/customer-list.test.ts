/**
 * GET /api/customers: each filter against the full list read independently, every sort
 * paged two rows at a time (nothing skipped or repeated, nulls last), totals, predictions,
 * and a manager's isolation under every filter.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

type Row = {
  id: number;
  r: number | null;
  f: number | null;
  status: string;
  revenue: { amount: string };
  purchases: number;
  last_purchase_on: string | null;
  next_expected_on: string | null;
  manager_id: number | null;
  tags: string[];
  source: string | null;
  name: string | null;
  birthday: string | null;
  p_alive: number | null;
  predicted_clv: { amount: string } | null;
  churn_risk: string | null;
};

const AS_OF = '2025-06-15';
let api: TestApi;
let ws: Workspace;
let olga: Client;
let olgaId: number;
let ivanId: number;
let all: Row[];
const ids: Record<string, number> = {};

async function readAll(client: Client, query: string, limit = 200): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = query ? '&' : '';
    const res = await client.get(
      `/api/customers?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('too many pages');
}

const idsOf = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  [olgaId, ivanId] = (await ws.staff('Ольга', 'Иван')) as [number, number];
  olga = await ws.as({ role: 'manager', managerStaffId: olgaId });
  const people: [string, string | null, number | null, string[], string | null, string | null][] = [
    ['a', 'Анна', olgaId, ['vip'], 'instagram', '1990-05-17'],
    ['b', 'Борис', olgaId, [], 'vk', '1985-06-01'],
    ['c', 'Вера', ivanId, ['vip', 'new'], 'instagram', null],
    ['d', null, ivanId, [], null, '1979-05-30'],
    ['e', 'Елена', null, ['new'], 'vk', null],
    ['f', 'Фёдор', olgaId, [], null, null],
    ['g', 'Галина', null, [], 'instagram', '2000-12-31'],
    ['h', 'Христофор', ivanId, ['vip'], null, null],
  ];
  for (const [key, name, manager, tags, source, birthday] of people) {
    const res = await ws.owner.post('/api/customers', {
      external_id: key,
      name,
      manager_id: manager,
      tags,
      source,
      birthday,
    });
    expect(res.status).toBe(201);
    ids[key] = res.body.id;
  }
  const line = (category: string, amount: number) => ({
    item: category,
    category,
    amountCents: amount * 100,
  });
  await ws.orders(
    [
      { ...order('a1', 'a', '2025-01-05', 1000), lines: [line('Ногти', 1000)] },
      order('a2', 'a', '2025-03-05', 1200),
      order('a3', 'a', '2025-05-20', 900),
      { ...order('b1', 'b', '2024-09-01', 5000), lines: [line('Волосы', 5000)] },
      order('c1', 'c', '2025-06-01', 300),
      order('c2', 'c', '2025-06-10', 300),
      order('d1', 'd', '2024-03-01', 15000),
      order('d2', 'd', '2024-04-01', 15000),
      order('e1', 'e', '2025-02-14', 2500),
      { ...order('f1', 'f', '2025-04-01', 700), lines: [line('Ногти', 700)] },
      order('f2', 'f', '2025-05-01', 700),
      order('f3', 'f', '2025-05-31', 700),
      order('f4', 'f', '2025-06-14', 700),
      // g: a lead with no purchase; h: one old purchase.
      order('h1', 'h', '2023-11-11', 400),
    ],
    AS_OF,
  );
  // Predictions for some customers (the nightly refit's table), recommendations for two.
  const predictions: [string, number | null, string | null, string][] = [
    ['a', 0.91, '8000.00', 'low'],
    ['b', 0.2, '1200.50', 'high'],
    ['c', 0.91, '8000.00', 'low'],
    ['d', null, null, 'high'],
    ['f', 0.75, '15000.00', 'medium'],
  ];
  for (const [key, pAlive, clv, risk] of predictions) {
    await api.db.db.query(
      `INSERT INTO customer_predictions (workspace_id, customer_id, as_of, source, p_alive, predicted_clv, churn_risk)
       VALUES ($1, $2, $3, 'model', $4, $5::numeric, $6)`,
      [ws.id, ids[key], AS_OF, pAlive, clv, risk],
    );
  }
  for (const [key, item] of [
    ['a', 'Педикюр'],
    ['e', 'Педикюр'],
    ['e', 'Брови'],
  ] as const) {
    await api.db.db.query(
      `INSERT INTO customer_recommendations (workspace_id, customer_id, rank, item, score, as_of)
       VALUES ($1, $2, (SELECT count(*) + 1 FROM customer_recommendations WHERE workspace_id = $1 AND customer_id = $2), $3, 1, $4)`,
      [ws.id, ids[key], item, AS_OF],
    );
  }
  all = await readAll(ws.owner, '');
}, 120_000);

afterAll(async () => {
  await api.close();
});

describe('filters', () => {
  test('the base is what was made, with scores and predictions on each summary', () => {
    expect(all).toHaveLength(8);
    const a = all.find((r) => r.id === ids.a)!;
    expect(a).toMatchObject({ p_alive: 0.91, predicted_clv: { amount: '8000.00' }, churn_risk: 'low' });
    const g = all.find((r) => r.id === ids.g)!;
    expect(g).toMatchObject({ p_alive: null, predicted_clv: null, churn_risk: null });
    expect(all.filter((r) => r.r !== null).length).toBe(7);
  });

  test.each([
    ['r', (r: Row, v: number) => r.r === v],
    ['f', (r: Row, v: number) => r.f === v],
  ])('%s score: each value and a list', async (key, match) => {
    let seen = 0;
    for (let v = 1; v <= 5; v++) {
      const got = await readAll(ws.owner, `${key}=${v}`);
      const want = all.filter((r) => match(r, v));
      expect(idsOf(got), `${key}=${v}`).toEqual(idsOf(want));
      seen += got.length;
    }
    expect(seen).toBe(7);
    const both = await readAll(ws.owner, `${key}=4,5`);
    expect(idsOf(both)).toEqual(idsOf(all.filter((r) => match(r, 4) || match(r, 5))));
  });

  test.each<[string, (r: Row) => boolean]>([
    ['tag=vip', (r) => r.tags.includes('vip')],
    [`manager_id=${'OLGA'}`, (r) => r.manager_id === olgaId],
    ['manager_id=none', (r) => r.manager_id === null],
    ['source=instagram', (r) => r.source === 'instagram'],
    [
      'spent_min=1000&spent_max=5000',
      (r) => Number(r.revenue.amount) >= 1000 && Number(r.revenue.amount) <= 5000,
    ],
    ['purchases_min=2&purchases_max=3', (r) => r.purchases >= 2 && r.purchases <= 3],
    [
      'last_purchase_after=2025-01-01&last_purchase_before=2025-06-01',
      (r) =>
        r.last_purchase_on !== null && r.last_purchase_on > '2025-01-01' && r.last_purchase_on < '2025-06-01',
    ],
    ['birthday_month=5', (r) => r.birthday?.slice(5, 7) === '05'],
    ['category=%D0%9D%D0%BE%D0%B3%D1%82%D0%B8', (r) => r.id === ids.a || r.id === ids.f],
    [
      'next_expected_from=2025-07-10&next_expected_to=2025-07-20',
      (r) =>
        r.next_expected_on !== null &&
        r.next_expected_on >= '2025-07-10' &&
        r.next_expected_on <= '2025-07-20',
    ],
    ['churn_risk=high', (r) => r.churn_risk === 'high'],
    ['churn_risk=low,medium', (r) => r.churn_risk === 'low' || r.churn_risk === 'medium'],
    ['recommended=%D0%9F%D0%B5%D0%B4%D0%B8%D0%BA%D1%8E%D1%80', (r) => r.id === ids.a || r.id === ids.e],
    ['status=fan,newbie&tag=vip', (r) => ['fan', 'newbie'].includes(r.status) && r.tags.includes('vip')],
  ])('%s', async (query, match) => {
    const q = query.replace('OLGA', String(olgaId));
    const got = await readAll(ws.owner, q, 3);
    const want = all.filter(match);
    expect(idsOf(got)).toEqual(idsOf(want));
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.length);
  });

  test('status_since_from: status changed on or after the day', async () => {
    const since = await api.db.db.query<{ id: number }>(
      `SELECT id FROM customers WHERE workspace_id = $1 AND status_since >= '2025-05-01' ORDER BY id`,
      [ws.id],
    );
    const got = await readAll(ws.owner, 'status_since_from=2025-05-01');
    expect(idsOf(got)).toEqual(since.map((r) => r.id));
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(8);
  });

  test('inline rules and a saved segment narrow the list like the same filters', async () => {
    const rules = { match: 'all', conditions: [{ field: 'tag', op: 'has', value: 'vip' }] };
    const inline = await readAll(ws.owner, `rules=${encodeURIComponent(JSON.stringify(rules))}`);
    expect(idsOf(inline)).toEqual(idsOf(all.filter((r) => r.tags.includes('vip'))));
    const seg = await ws.owner.post('/api/saved-segments', { name: 'VIP', rules });
    expect(seg.status).toBe(201);
    const bySegment = await readAll(ws.owner, `segment=${seg.body.id}&source=instagram`);
    expect(idsOf(bySegment)).toEqual(
      idsOf(all.filter((r) => r.tags.includes('vip') && r.source === 'instagram')),
    );
  });

  test('bad values are 422 with the parameter as path; an unknown segment is 404', async () => {
    for (const q of [
      'r=6',
      'f=0',
      'r=x',
      'churn_risk=extreme',
      'next_expected_from=2025-13-01',
      'rules=%7Bnope',
    ]) {
      const res = await ws.owner.get(`/api/customers?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details[0].path, q).toMatch(new RegExp(`^${q.split('=')[0]}(.|$)`));
    }
    const badRule = await ws.owner.get(
      `/api/customers?rules=${encodeURIComponent(JSON.stringify({ match: 'all', conditions: [{ field: 'spent' }] }))}`,
    );
    expect(badRule.status).toBe(422);
    expect(badRule.body.error.details[0].path).toBe('rules.conditions.0.min');
    const missing = await ws.owner.get('/api/customers?segment=999999');
    expect(missing.status).toBe(404);
  });
});

describe('sorts and cursor paging', () => {
  const SORTS = [
    'id',
    'name',
    'revenue',
    'purchases',
    'last_purchase_on',
    'next_expected_on',
    'predicted_clv',
    'p_alive',
  ] as const;
  const sortValueOf = (r: Row, f: (typeof SORTS)[number]): string | number | null => {
    switch (f) {
      case 'revenue':
        return Number(r.revenue.amount);
      case 'predicted_clv':
        return r.predicted_clv === null ? null : Number(r.predicted_clv.amount);
      default:
        return r[f];
    }
  };

  test.each(SORTS.flatMap((f) => [f, `-${f}`]))(
    'sort=%s in pages of 2: every row once, nulls last',
    async (sort) => {
      const field = sort.replace(/^-/, '') as (typeof SORTS)[number];
      const desc = sort.startsWith('-');
      const got = await readAll(ws.owner, `sort=${sort}`, 2);
      expect(got).toHaveLength(all.length);
      expect(new Set(got.map((r) => r.id)).size).toBe(all.length);
      const want = [...all].sort((x, y) => {
        const a = sortValueOf(x, field);
        const b = sortValueOf(y, field);
        if (a === null && b === null) return desc ? y.id - x.id : x.id - y.id;
        if (a === null) return 1;
        if (b === null) return -1;
        const c = a < b ? -1 : a > b ? 1 : 0;
        if (c !== 0) return desc ? -c : c;
        return desc ? y.id - x.id : x.id - y.id;
      });
      expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
    },
  );

  test('a cursor replayed with other filters is refused', async () => {
    const first = await ws.owner.get('/api/customers?sort=-p_alive&limit=2');
    const again = await ws.owner.get(
      `/api/customers?sort=-p_alive&limit=2&tag=vip&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    expect(again.status).toBe(400);
  });
});

describe('totals', () => {
  test('exact when asked, null otherwise, independent of the page size', async () => {
    const plain = await ws.owner.get('/api/customers?limit=2');
    expect(plain.body.total).toBeNull();
    const counted = await ws.owner.get('/api/customers?limit=2&include_total=true');
    expect(counted.body.total).toBe(8);
    expect(counted.body.items).toHaveLength(2);
    const vip = await ws.owner.get('/api/customers?tag=vip&include_total=true');
    expect(vip.body.total).toBe(all.filter((r) => r.tags.includes('vip')).length);
  });
});

describe('manager isolation', () => {
  test('every filter and the total see only their own customers', async () => {
    const own = all.filter((r) => r.manager_id === olgaId);
    expect(idsOf(await readAll(olga, '', 2))).toEqual(idsOf(own));
    const t = await olga.get('/api/customers?include_total=true');
    expect(t.body.total).toBe(own.length);
    expect(idsOf(await readAll(olga, 'tag=vip'))).toEqual(idsOf(own.filter((r) => r.tags.includes('vip'))));
    expect(await readAll(olga, `manager_id=${ivanId}`)).toEqual([]);
    expect(idsOf(await readAll(olga, 'churn_risk=high'))).toEqual(
      idsOf(own.filter((r) => r.churn_risk === 'high')),
    );
    expect(idsOf(await readAll(olga, 'sort=-predicted_clv', 1))).toEqual(idsOf(own));
    const rules = { match: 'any', conditions: [{ field: 'manager', op: 'in', values: [ivanId, null] }] };
    expect(await readAll(olga, `rules=${encodeURIComponent(JSON.stringify(rules))}`)).toEqual([]);
  });
});

describe('GET /api/segments', () => {
  test('rfm_grid has all 25 cells and sums to the scored customers, per manager too', async () => {
    const res = await ws.owner.get('/api/segments');
    expect(res.status).toBe(200);
    const grid = res.body.rfm_grid as { r: number; f: number; count: number }[];
    expect(grid).toHaveLength(25);
    expect(grid.reduce((s, c) => s + c.count, 0)).toBe(7);
    for (const c of grid) {
      expect(c.count).toBe(all.filter((r) => r.r === c.r && r.f === c.f).length);
    }
    const mine = await olga.get('/api/segments');
    const own = all.filter((r) => r.manager_id === olgaId && r.r !== null);
    expect((mine.body.rfm_grid as { count: number }[]).reduce((s, c) => s + c.count, 0)).toBe(own.length);
  });
});
