import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api.close();
});

const body = {
  external_id: 'pos-1',
  customer: { phone: '8 916 555-44-33', name: 'Ольга' },
  ordered_at: '2025-03-01T10:30:00+03:00',
  amount: '1500',
  lines: [{ item: 'Маникюр', category: 'Ногти', amount: '1500' }],
};

describe('POST /api/orders', () => {
  test('creates the order and its customer, and updates the customer aggregates', async () => {
    const ws = await api.workspace();
    const res = await ws.owner.post('/api/orders', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      external_id: 'pos-1',
      ordered_on: '2025-03-01',
      amount: { amount: '1500.00', currency: 'RUB' },
      status: 'completed',
      lines: [{ item: 'Маникюр', category: 'Ногти', amount: { amount: '1500.00' } }],
    });
    const card = await ws.owner.get(`/api/customers/${res.body.customer_id}`);
    expect(card.body.identifiers).toEqual([{ kind: 'phone', value: '+79165554433' }]);
    expect(card.body.purchases.count).toBe(1);
    const again = await ws.owner.post('/api/orders', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    const byId = await ws.owner.post('/api/orders', {
      customer: { id: res.body.customer_id },
      ordered_at: '2025-04-01T10:00:00Z',
      amount: '900.50',
    });
    expect(byId.status).toBe(201);
    expect(byId.body.customer_id).toBe(res.body.customer_id);
    expect((await ws.owner.get(`/api/customers/${res.body.customer_id}`)).body.purchases.revenue.amount).toBe(
      '2400.50',
    );
  });

  test('the same Idempotency-Key and body replays the first response; another body is 409', async () => {
    const ws = await api.workspace();
    const { external_id: _, ...noId } = body;
    const headers = { 'Idempotency-Key': 'key-1' };
    const first = await ws.owner.post('/api/orders', noId, headers);
    expect(first.status).toBe(201);
    const replay = await ws.owner.post('/api/orders', noId, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await ws.owner.post('/api/orders', { ...noId, amount: '1600' }, headers);
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'conflict', details: { idempotency_key: 'key-1' } });
    const fresh = await ws.owner.post('/api/orders', noId, { 'Idempotency-Key': 'key-2' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    const card = await ws.owner.get(`/api/customers/${first.body.customer_id}`);
    expect(card.body.purchases.count).toBe(2);
  });

  test('a failed request releases its key; invalid fields are 422 with paths', async () => {
    const ws = await api.workspace();
    const bad = await ws.owner.post(
      '/api/orders',
      { ...body, customer: { phone: '123' }, lines: [{ item: 'x', amount: 'abc' }] },
      { 'Idempotency-Key': 'k' },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['lines.0.amount']);
    const badPhone = await ws.owner.post(
      '/api/orders',
      { ...body, customer: { phone: '123' } },
      { 'Idempotency-Key': 'k' },
    );
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error.details).toEqual([{ path: 'customer.phone', message: expect.any(String) }]);
    const ok = await ws.owner.post('/api/orders', body, { 'Idempotency-Key': 'k' });
    expect(ok.status).toBe(201);
    const noCustomer = await ws.owner.post('/api/orders', {
      ...body,
      external_id: 'p2',
      customer: { id: 999999 },
    });
    expect(noCustomer.status).toBe(422);
    expect(noCustomer.body.error.details[0].path).toBe('customer.id');
  });

  test('cancel and refund take the order out of the metrics; unknown orders are 404', async () => {
    const ws = await api.workspace();
    const a = await ws.owner.post('/api/orders', body);
    const b = await ws.owner.post('/api/orders', {
      ...body,
      external_id: 'pos-2',
      ordered_at: '2025-04-01T10:00:00Z',
    });
    const cancelled = await ws.owner.post(`/api/orders/${a.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const refunded = await ws.owner.post(`/api/orders/${b.body.id}/refund`);
    expect(refunded.body.status).toBe('refunded');
    const card = await ws.owner.get(`/api/customers/${a.body.customer_id}`);
    expect(card.body.purchases.count).toBe(0);
    expect(card.body.status.current).toBe('lead');
    expect((await ws.owner.post(`/api/orders/${b.body.id}/cancel`)).status).toBe(409);
    const missing = await ws.owner.post('/api/orders/999999/refund');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});
