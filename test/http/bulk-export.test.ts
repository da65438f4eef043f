/**
 * POST /api/customers/bulk and GET /api/customers/export.csv: the same selection as the list,
 * exact "changed" counts, timeline events, and a manager confined to their own customers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Client, openTestApi, order, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
let olga: Client;
let olgaId: number;
let ivanId: number;
const ids: Record<string, number> = {};

async function tagsOf(id: number): Promise<string[]> {
  return (await ws.owner.get(`/api/customers/${id}`)).body.tags;
}

/** Parses our CSV (quoted cells, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  [olgaId, ivanId] = (await ws.staff('Ольга', 'Иван')) as [number, number];
  olga = await ws.as({ role: 'manager', managerStaffId: olgaId });
  for (const [key, name, manager, phone] of [
    ['a', 'Анна, "Звезда"', olgaId, '+7 916 000-00-01'],
    ['b', '=HYPERLINK("http://x")', olgaId, null],
    ['c', 'Вера', ivanId, '+7 916 000-00-03'],
    ['d', 'Дарья', null, null],
  ] as const) {
    const res = await ws.owner.post('/api/customers', {
      external_id: key,
      name,
      manager_id: manager,
      ...(phone ? { phone } : {}),
      tags: key === 'a' ? ['vip'] : [],
    });
    ids[key] = res.body.id;
  }
  await ws.orders([order('a1', 'a', '2025-01-10', 1500.5), order('c1', 'c', '2025-02-10', 700)]);
});

afterAll(async () => {
  await api.close();
});

describe('POST /api/customers/bulk', () => {
  test('add_tag by ids: changed counts only real changes, and a repeat changes nothing', async () => {
    const first = await ws.owner.post('/api/customers/bulk', {
      ids: [ids.a, ids.b],
      action: 'add_tag',
      tag: 'акция',
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ matched: 2, changed: 2 });
    expect(await tagsOf(ids.a!)).toEqual(['vip', 'акция']);
    const again = await ws.owner.post('/api/customers/bulk', {
      ids: [ids.a, ids.b],
      action: 'add_tag',
      tag: 'акция',
    });
    expect(again.body).toEqual({ matched: 2, changed: 0 });
    const card = await ws.owner.get(`/api/customers/${ids.b}`);
    const events = card.body.timeline.filter(
      (t: { type: string; event?: { data: { via?: string } } }) =>
        t.type === 'event' && t.event?.data.via === 'bulk',
    );
    expect(events).toHaveLength(1);
  });

  test('remove_tag and assign_manager by filter (the list filters, a segment)', async () => {
    const removed = await ws.owner.post('/api/customers/bulk', {
      filter: { tag: 'акция' },
      action: 'remove_tag',
      tag: 'акция',
    });
    expect(removed.body).toEqual({ matched: 2, changed: 2 });
    expect(await tagsOf(ids.b!)).toEqual([]);

    const seg = await ws.owner.post('/api/saved-segments', {
      name: 'Без менеджера',
      rules: { match: 'all', conditions: [{ field: 'manager', op: 'in', values: [null] }] },
    });
    const assigned = await ws.owner.post('/api/customers/bulk', {
      filter: { segment: String(seg.body.id) },
      action: 'assign_manager',
      manager_id: ivanId,
    });
    expect(assigned.body).toEqual({ matched: 1, changed: 1 });
    expect((await ws.owner.get(`/api/customers/${ids.d}`)).body.manager.id).toBe(ivanId);
    const back = await ws.owner.post('/api/customers/bulk', {
      ids: [ids.d],
      action: 'assign_manager',
      manager_id: null,
    });
    expect(back.body).toEqual({ matched: 1, changed: 1 });
  });

  test('validation: ids or filter, the action’s field, a real manager', async () => {
    const cases: [unknown, string][] = [
      [{ action: 'add_tag', tag: 'x' }, 'ids'],
      [{ ids: [1], filter: {}, action: 'add_tag', tag: 'x' }, 'ids'],
      [{ ids: [1], action: 'add_tag' }, 'tag'],
      [{ ids: [1], action: 'assign_manager' }, 'manager_id'],
      [{ ids: [1], action: 'delete_all' }, 'action'],
      [{ filter: { r: '9' }, action: 'add_tag', tag: 'x' }, 'filter.r'],
      [{ ids: [ids.a], action: 'assign_manager', manager_id: 999_999 }, 'manager_id'],
    ];
    for (const [body, path] of cases) {
      const res = await ws.owner.post('/api/customers/bulk', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path).join(' ')).toContain(path);
    }
  });

  test('a manager acts only on their own customers and assigns only to themself; viewers not at all', async () => {
    const res = await olga.post('/api/customers/bulk', {
      ids: [ids.a, ids.b, ids.c, ids.d],
      action: 'add_tag',
      tag: 'olga',
    });
    expect(res.body).toEqual({ matched: 2, changed: 2 });
    expect(await tagsOf(ids.c!)).toEqual([]);
    const all = await olga.post('/api/customers/bulk', { filter: {}, action: 'remove_tag', tag: 'olga' });
    expect(all.body).toEqual({ matched: 2, changed: 2 });
    const toIvan = await olga.post('/api/customers/bulk', {
      ids: [ids.a],
      action: 'assign_manager',
      manager_id: ivanId,
    });
    expect(toIvan.status).toBe(403);
    const viewer = await ws.as({ role: 'viewer' });
    expect(
      (await viewer.post('/api/customers/bulk', { ids: [ids.a], action: 'add_tag', tag: 'x' })).status,
    ).toBe(403);
  });
});

describe('GET /api/customers/export.csv', () => {
  test('UTF-8 with BOM, a header, quoted cells, formulas neutralised, in the list order', async () => {
    const res = await ws.owner.send('GET', '/api/customers/export.csv?sort=-revenue');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('customers.csv');
    // The test client decodes text (which drops a BOM): read the bytes themselves.
    const raw = await api.app.request('/api/customers/export.csv?sort=-revenue', {
      headers: { Authorization: `Bearer ${ws.owner.token}` },
    });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(res.body as string);
    const head = rows[0]!;
    expect(head.slice(0, 4)).toEqual(['id', 'name', 'phone', 'email']);
    const col = (name: string) => head.indexOf(name);
    expect(rows.slice(1).map((r) => Number(r[col('id')]))).toEqual([ids.a, ids.c, ids.d, ids.b]);
    const a = rows[1]!;
    expect(a[col('name')]).toBe('Анна, "Звезда"');
    expect(a[col('phone')]).toBe('+79160000001');
    expect(a[col('revenue')]).toBe('1500.50');
    expect(a[col('manager')]).toBe('Ольга');
    expect(a[col('tags')]).toBe('vip');
    expect(rows[4]![col('name')]).toBe(`'=HYPERLINK("http://x")`);
  });

  test('the same filters as the list; a manager exports only their own; viewers may export', async () => {
    const filtered = parseCsv(
      (await ws.owner.send('GET', '/api/customers/export.csv?tag=vip')).body as string,
    );
    expect(filtered.slice(1).map((r) => Number(r[0]))).toEqual([ids.a]);
    const mine = parseCsv((await olga.send('GET', '/api/customers/export.csv')).body as string);
    expect(mine.slice(1).map((r) => Number(r[0]))).toEqual([ids.a, ids.b]);
    const none = parseCsv(
      (await olga.send('GET', `/api/customers/export.csv?manager_id=${ivanId}`)).body as string,
    );
    expect(none).toHaveLength(1);
    const viewer = await ws.as({ role: 'viewer' });
    expect((await viewer.send('GET', '/api/customers/export.csv')).status).toBe(200);
    const noRead = await ws.as({ role: 'owner', scopes: ['orders:write'] });
    expect((await noRead.send('GET', '/api/customers/export.csv')).status).toBe(403);
    expect((await ws.owner.send('GET', '/api/customers/export.csv?r=7')).status).toBe(422);
  });

  test('more rows than one chunk stream completely', async () => {
    const big = await api.workspace();
    await api.db.db.query(
      `INSERT INTO customers (workspace_id, name) SELECT $1, 'n' || g FROM generate_series(1, 2345) g`,
      [big.id],
    );
    const rows = parseCsv((await big.owner.send('GET', '/api/customers/export.csv?sort=-id')).body as string);
    expect(rows).toHaveLength(2346);
    const got = rows.slice(1).map((r) => Number(r[0]));
    expect(new Set(got).size).toBe(2345);
    expect(got).toEqual([...got].sort((x, y) => y - x));
  });
});
