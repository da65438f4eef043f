import { describe, expect, it } from 'vitest';
import { addDays, dayToNumber } from '../../../src/core/day.ts';
import { CATEGORIES, CATEGORY_CYCLE_DAYS } from '../../../src/core/demo/catalog.ts';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES } from '../../../src/core/demo/names.ts';
import type { DemoBusiness, DemoOrder } from '../../../src/core/demo/salon.ts';
import { generateSalonDemo } from '../../../src/core/demo/salon.ts';

const AS_OF = '2026-11-23';
// Generation speed is measured by `npm run bench`, not asserted here (timed tests are flaky).
const demo: DemoBusiness = generateSalonDemo({ asOf: AS_OF });

const asOfNum = dayToNumber(AS_OF);
const ordersByCustomer = new Map<string, DemoOrder[]>();
for (const order of demo.orders) {
  const list = ordersByCustomer.get(order.customerExternalId) ?? [];
  list.push(order);
  ordersByCustomer.set(order.customerExternalId, list);
}
const completedOf = (id: string): DemoOrder[] =>
  (ordersByCustomer.get(id) ?? []).filter((o) => o.status === 'completed');
const share = (n: number, of: number): number => n / of;

describe('generateSalonDemo', () => {
  it('is deterministic: the same seed and asOf give byte-identical output, another seed differs', () => {
    const again = generateSalonDemo({ asOf: AS_OF });
    expect(again).toEqual(demo);
    expect(JSON.stringify(again)).toBe(JSON.stringify(demo));
    const other = generateSalonDemo({ asOf: AS_OF, seed: 7 });
    expect(other.customers).not.toEqual(demo.customers);
    expect(other.orders).not.toEqual(demo.orders);
    expect(generateSalonDemo({ asOf: AS_OF, seed: 7 })).toEqual(other);
  });

  it('has the expected size', () => {
    expect(demo.name).toBe('Салон красоты «Лотос»');
    expect(demo.customers).toHaveLength(1500);
    expect(demo.orders.length).toBeGreaterThan(8000);
    expect(demo.orders.length).toBeLessThan(20_000);
    expect(generateSalonDemo({ asOf: AS_OF, customers: 200 }).customers).toHaveLength(200);
  });

  it('describes two branches, ~10 masters, 3 managers and ~20 services in 7 categories', () => {
    expect(demo.branches).toHaveLength(2);
    const roles = (role: string) => demo.staff.filter((s) => s.role === role);
    expect(roles('master')).toHaveLength(10);
    expect(roles('manager')).toHaveLength(3);
    for (const s of demo.staff) expect(demo.branches).toContain(s.branch);
    expect(demo.services.length).toBeGreaterThanOrEqual(18);
    expect(new Set(demo.services.map((s) => s.name)).size).toBe(demo.services.length);
    expect(new Set(demo.services.map((s) => s.category))).toEqual(new Set(CATEGORIES));
    const manicure = demo.services.find((s) => s.name === 'Маникюр с покрытием гель-лак');
    expect(manicure).toMatchObject({ priceCents: 220_000, cycleDays: 21 });
    for (const s of demo.services) {
      expect(Number.isInteger(s.priceCents)).toBe(true);
      expect(s.priceCents).toBeGreaterThan(0);
      expect(s.cycleDays).toBeGreaterThan(0);
    }
  });

  it('keeps every order consistent: known customer, window, opening hours, sums, order', () => {
    const customers = new Map(demo.customers.map((c) => [c.externalId, c]));
    const services = new Map(demo.services.map((s) => [s.name, s]));
    const staff = new Map(demo.staff.map((s) => [s.name, s]));
    const firstDay = addDays(AS_OF, -730);
    const ids = new Set<string>();
    const problems: string[] = [];
    const check = (ok: boolean, order: DemoOrder, what: string): void => {
      if (!ok && problems.length < 10) problems.push(`${order.externalId}: ${what}`);
    };
    let previous = '';
    for (const order of demo.orders) {
      const customer = customers.get(order.customerExternalId);
      check(customer !== undefined, order, 'unknown customer');
      check(/^V\d{6}$/.test(order.externalId), order, 'id');
      ids.add(order.externalId);
      check(order.day >= firstDay && order.day < AS_OF, order, 'outside the two years before asOf');
      check(
        customer !== undefined && order.day >= customer.createdOn,
        order,
        'before the customer was created',
      );
      check(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(order.localDateTime), order, 'local time format');
      check(order.localDateTime.slice(0, 10) === order.day, order, 'day differs from local time');
      const time = order.localDateTime.slice(11);
      check(time >= '09:00' && time <= '20:30', order, `outside opening hours: ${time}`);
      check(order.localDateTime >= previous, order, 'not sorted by local time');
      previous = order.localDateTime;
      const master = staff.get(order.staff);
      check(
        master?.role === 'master' && master.branch === order.branch,
        order,
        'staff not a master of the branch',
      );
      check(order.lines.length > 0, order, 'no lines');
      let sum = 0;
      for (const line of order.lines) {
        check(services.get(line.service)?.category === line.category, order, `line ${line.service}`);
        check(Number.isInteger(line.quantity) && line.quantity >= 1, order, 'quantity');
        check(Number.isInteger(line.amountCents) && line.amountCents > 0, order, 'line amount');
        sum += line.amountCents;
      }
      check(order.amountCents === sum, order, 'lines do not sum to the amount');
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(demo.orders.length);
    expect(demo.orders[0]!.externalId).toBe('V000001');
  });

  it('has ~4 % cancelled and ~1 % refunded visits', () => {
    const count = (status: string) => demo.orders.filter((o) => o.status === status).length;
    const n = demo.orders.length;
    expect(share(count('cancelled'), n)).toBeGreaterThan(0.03);
    expect(share(count('cancelled'), n)).toBeLessThan(0.05);
    expect(share(count('refunded'), n)).toBeGreaterThan(0.005);
    expect(share(count('refunded'), n)).toBeLessThan(0.02);
    expect(count('completed') + count('cancelled') + count('refunded')).toBe(n);
  });

  it('gives customers unique valid RU mobile phones, unique e-mails for ~60 %, consistent names', () => {
    const phones = demo.customers.map((c) => c.phone);
    for (const phone of phones) expect(phone).toMatch(/^\+79\d{9}$/);
    expect(new Set(phones).size).toBe(phones.length);
    const emails = demo.customers.flatMap((c) => (c.email === null ? [] : [c.email]));
    for (const email of emails) expect(email).toMatch(/^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]+$/);
    expect(new Set(emails).size).toBe(emails.length);
    expect(share(emails.length, demo.customers.length)).toBeGreaterThan(0.55);
    expect(share(emails.length, demo.customers.length)).toBeLessThan(0.65);
    const telegrams = demo.customers.flatMap((c) => (c.telegram === null ? [] : [c.telegram]));
    expect(new Set(telegrams).size).toBe(telegrams.length);
    expect(demo.customers.map((c) => c.externalId)).toEqual(
      demo.customers.map((_, i) => `C${String(i + 1).padStart(5, '0')}`),
    );

    const female = new Set(FEMALE_FIRST_NAMES);
    const male = new Set(MALE_FIRST_NAMES);
    for (const c of demo.customers) {
      const parts = c.name.split(' ');
      const first = parts.length === 3 ? parts[1]! : parts[0]!;
      expect((c.gender === 'female' ? female : male).has(first)).toBe(true);
      if (parts.length === 3) expect(parts[2]).toMatch(c.gender === 'female' ? /вна$|чна$/ : /ич$/);
      expect(c.createdOn < AS_OF).toBe(true);
      if (c.birthday !== null) expect(c.birthday < c.createdOn).toBe(true);
    }
    const managers = new Set(demo.staff.filter((s) => s.role === 'manager').map((s) => s.name));
    const withManager = demo.customers.filter((c) => c.manager !== null);
    for (const c of withManager) expect(managers.has(c.manager!)).toBe(true);
    expect(share(withManager.length, demo.customers.length)).toBeGreaterThan(0.7);
  });

  it('mixes leads, lost customers, recent regulars and big spenders', () => {
    const leads = demo.customers.filter((c) => !ordersByCustomer.has(c.externalId));
    expect(share(leads.length, demo.customers.length)).toBeGreaterThan(0.05);
    expect(share(leads.length, demo.customers.length)).toBeLessThan(0.12);

    const cycleOf = new Map(demo.services.map((s) => [s.name, s.cycleDays]));
    let lost = 0;
    let regulars = 0;
    let oneVisit = 0;
    let buyers = 0;
    for (const c of demo.customers) {
      const done = completedOf(c.externalId);
      if (done.length === 0) continue;
      buyers++;
      const last = done[done.length - 1]!;
      const since = asOfNum - dayToNumber(last.day);
      const cycle = CATEGORY_CYCLE_DAYS[last.lines[0]!.category as keyof typeof CATEGORY_CYCLE_DAYS];
      expect(cycleOf.get(last.lines[0]!.service)).toBeGreaterThan(0);
      if (since > 3 * cycle) lost++;
      if (done.length >= 15 && done.length <= 40 && since <= cycle) regulars++;
      if (new Set(done.map((o) => o.day)).size === 1) oneVisit++;
    }
    expect(share(lost, demo.customers.length)).toBeGreaterThan(0.2);
    expect(regulars).toBeGreaterThan(30);
    // Many newbies never come back (seed 003).
    expect(share(oneVisit, buyers)).toBeGreaterThan(0.25);
    expect(share(oneVisit, buyers)).toBeLessThan(0.6);

    const spend = demo.customers.map((c) => completedOf(c.externalId).reduce((s, o) => s + o.amountCents, 0));
    spend.sort((a, b) => b - a);
    const median = spend[spend.length >> 1]!;
    expect(spend[0]!).toBeGreaterThan(10 * median);
  });

  it('uses both branches and every category, with cross-sells', () => {
    expect(new Set(demo.orders.map((o) => o.branch))).toEqual(new Set(demo.branches));
    expect(new Set(demo.orders.flatMap((o) => o.lines.map((l) => l.category)))).toEqual(new Set(CATEGORIES));
    let crossSold = 0;
    for (const orders of ordersByCustomer.values()) {
      if (new Set(orders.flatMap((o) => o.lines.map((l) => l.category))).size >= 2) crossSold++;
    }
    expect(crossSold).toBeGreaterThan(100);
  });

  it('acquires more customers in spring and before New Year than in summer', () => {
    const byMonth = new Map<string, number>();
    for (const c of demo.customers) {
      const m = c.createdOn.slice(5, 7);
      byMonth.set(m, (byMonth.get(m) ?? 0) + 1);
    }
    const get = (m: string) => byMonth.get(m) ?? 0;
    expect(get('04')).toBeGreaterThan(get('07'));
    expect(get('03') + get('04') + get('05')).toBeGreaterThan(get('06') + get('07') + get('08'));
    expect(get('12')).toBeGreaterThan(get('01'));
  });

  it('shows the price rise in the second year', () => {
    const service = 'Маникюр с покрытием гель-лак';
    const yearTwo = addDays(AS_OF, -365);
    const units: [number[], number[]] = [[], []];
    for (const order of demo.orders) {
      for (const line of order.lines) {
        if (line.service === service)
          units[order.day < yearTwo ? 0 : 1].push(line.amountCents / line.quantity);
      }
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(units[0].length).toBeGreaterThan(100);
    expect(units[1].length).toBeGreaterThan(100);
    expect(mean(units[1])).toBeGreaterThan(mean(units[0]) * 1.05);
  });

  it('honours years and rejects invalid options', () => {
    const short = generateSalonDemo({ asOf: AS_OF, customers: 300, years: 1, seed: 3 });
    const firstDay = addDays(AS_OF, -365);
    for (const order of short.orders) expect(order.day >= firstDay && order.day < AS_OF).toBe(true);
    for (const c of short.customers) expect(c.createdOn >= firstDay).toBe(true);
    expect(generateSalonDemo({ asOf: AS_OF, customers: 0 }).orders).toEqual([]);
    expect(() => generateSalonDemo({ asOf: '2026-13-01' })).toThrow(RangeError);
    expect(() => generateSalonDemo({ asOf: AS_OF, customers: -1 })).toThrow(RangeError);
    expect(() => generateSalonDemo({ asOf: AS_OF, years: 0 })).toThrow(RangeError);
  });
});
