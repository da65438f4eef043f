import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CUSTOMER_FIELDS, ORDER_FIELDS } from '../../src/core/import/headers.ts';
import { type Client, openTestApi, type TestApi } from './support.ts';

const FIXTURES = new URL('../fixtures/imports/', import.meta.url);

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api.close();
});

async function upload(client: Client, file: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new File([readFileSync(new URL(file, FIXTURES))], file));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return client.send('POST', '/api/imports', { body: form });
}

async function until(client: Client, batchId: number) {
  for (let i = 0; i < 400; i++) {
    const res = await client.get(`/api/imports/${batchId}`);
    if (res.body.status !== 'running') return res;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

describe('imports', () => {
  test('upload reads format, encoding, delimiter, headers, first rows and the mapping', async () => {
    const ws = await api.workspace();
    const res = await upload(ws.owner, 'salon-ru-cp1251.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      file_name: 'salon-ru-cp1251.csv',
      format: 'csv',
      encoding: 'cp1251',
      delimiter: ';',
      kind: 'orders',
      headers: ['Дата', 'Клиент', 'Телефон', 'E-mail', 'Услуга', 'Мастер', 'Сумма', 'Статус'],
      mapping_error: null,
    });
    expect(res.body.rows).toHaveLength(10);
    expect(res.body.mapping).toMatchObject({ ordered_at: 'Дата', phone: 'Телефон', amount: 'Сумма' });
    // The mapping screen offers exactly the fields the importer knows (plus the time column).
    expect([...res.body.fields.orders].sort()).toEqual([...ORDER_FIELDS, 'time'].sort());
    expect([...res.body.fields.customers].sort()).toEqual([...CUSTOMER_FIELDS].sort());
    const customers = await upload(ws.owner, 'customers-en.csv');
    expect(customers.body).toMatchObject({ kind: 'customers', delimiter: ',', encoding: 'utf8' });
  });

  test('dry-run reports and writes nothing; run works in the background; rejects come back as CSV', async () => {
    const ws = await api.workspace();
    const up = await upload(ws.owner, 'salon-ru-cp1251.csv');
    const dry = await ws.owner.post(`/api/imports/${up.body.upload_id}/dry-run`, { kind: 'orders' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, batch_id: null, rows: 40 });
    expect(dry.body.rejected).toHaveLength(4);
    expect((await ws.owner.get('/api/customers')).body.items).toEqual([]);

    const run = await ws.owner.post(`/api/imports/${up.body.upload_id}/run`, { kind: 'orders' });
    expect(run.status).toBe(202);
    const done = await until(ws.owner, run.body.batch_id);
    expect(done.body).toMatchObject({ status: 'completed', rows: 40, rejected: 4, error: null });
    expect(done.body.summary).toMatchObject({ orders_created: dry.body.orders_created, dry_run: false });
    const maria = await ws.owner.get(`/api/customers?q=${encodeURIComponent('+7 916 1234567')}`);
    expect(maria.body.items).toHaveLength(1);

    const csv = await ws.owner.get(`/api/imports/${run.body.batch_id}/rejects.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(csv.body)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('line,column,reason,row');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['16', '19', '22', expect.any(String)]);
  });

  test('an unknown upload or batch is 404; unreadable columns are 422 mapping_failed; a bad map is 422', async () => {
    const ws = await api.workspace();
    const missing = await ws.owner.post('/api/imports/00000000-0000-4000-8000-000000000000/run', {
      kind: 'orders',
    });
    expect(missing.status).toBe(404);
    expect((await ws.owner.post('/api/imports/../../etc/dry-run', { kind: 'orders' })).status).toBe(404);
    expect((await ws.owner.get('/api/imports/999999')).status).toBe(404);
    expect((await ws.owner.get('/api/imports/999999/rejects.csv')).status).toBe(404);
    const up = await upload(ws.owner, 'customers-en.csv');
    const wrongKind = await ws.owner.post(`/api/imports/${up.body.upload_id}/run`, { kind: 'orders' });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.error.code).toBe('mapping_failed');
    const badMap = await ws.owner.post(`/api/imports/${up.body.upload_id}/dry-run`, {
      kind: 'customers',
      map: { phone: 'No Such Column' },
    });
    expect(badMap.status).toBe(422);
    expect(badMap.body.error.code).toBe('mapping_failed');
    const noFile = await ws.owner.send('POST', '/api/imports', { body: new FormData() });
    expect(noFile.status).toBe(422);
    expect(noFile.body.error.details[0].path).toBe('file');
    const other = await api.workspace();
    expect(
      (await other.owner.post(`/api/imports/${up.body.upload_id}/dry-run`, { kind: 'customers' })).status,
    ).toBe(404);
  });
});
