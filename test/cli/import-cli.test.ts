import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTarget, runCli, startCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

const FIX = 'test/fixtures/imports';

describe('bin/comeback import (the CLI contract)', () => {
  it('prints one JSON document with the contract keys on stdout, logs on stderr, exit 0 with rejects', async () => {
    const { args } = cliTarget(uniqueName('cli'));
    const r = await runCli([...args, 'import', 'orders', `${FIX}/salon-ru-cp1251.csv`, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['rows', 'imported', 'rejected', 'customers_created', 'customers_matched']) {
      expect(out).toHaveProperty(key);
    }
    expect(out.rows).toBe(40);
    expect(out.imported).toBe(36);
    expect(out.rejected).toHaveLength(4);
    expect(out.rejected[0]).toEqual({ line: 16, column: 'Дата', reason: 'not a date: "31.02.2024 12:00"' });
    expect(out.customers_created).toBe(11);
    expect(r.stderr).toContain('cp1251');
  });

  it('prints a readable summary without --json, and --dry-run writes nothing', async () => {
    const { args } = cliTarget(uniqueName('cli'));
    const dry = await runCli([...args, 'import', 'orders', `${FIX}/evotor-receipts.csv`, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run — nothing written.');
    const real = await runCli([...args, 'import', 'orders', `${FIX}/evotor-receipts.csv`, '--json']);
    expect(JSON.parse(real.stdout)).toMatchObject({ imported: 10, orders_created: 6, customers_created: 3 });
  });

  it('honours --map over the recognised headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-map-'));
    writeFileSync(join(dir, 'odd.csv'), 'Когда,Кто,Сколько,Звонить\n2024-05-01,Ирина,2500,+79160000001\n');
    const { args } = cliTarget(uniqueName('cli'));
    const bad = await runCli([...args, 'import', 'orders', join(dir, 'odd.csv'), '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('mapping_failed');
    const r = await runCli([
      ...args,
      'import',
      'orders',
      join(dir, 'odd.csv'),
      '--map',
      'ordered_at=Когда',
      '--map',
      'amount=Сколько',
      '--map',
      'phone=Звонить',
      '--map',
      'name=Кто',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 1, customers_created: 1 });
  });

  it('exits 2 on bad usage and 1 on a failure', async () => {
    const { args } = cliTarget(uniqueName('cli'));
    expect((await runCli([...args, 'import', 'orders'])).code).toBe(2);
    expect((await runCli([...args, 'import', 'orders', 'x.csv', '--map', 'nonsense'])).code).toBe(2);
    expect((await runCli([...args, 'import', 'orders', 'x.csv', '--delimiter', '|'])).code).toBe(2);
    expect((await runCli([...args, 'frobnicate'])).code).toBe(2);
    const missing = await runCli([...args, 'import', 'orders', 'no-such-file.csv', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no-such-file.csv');
  });

  it('settings set/get round-trip, with validation', async () => {
    const { args } = cliTarget(uniqueName('cli'));
    expect((await runCli([...args, 'settings', 'set', 'cycle_days', '30'])).code).toBe(0);
    expect((await runCli([...args, 'settings', 'set', 'timezone', 'Asia/Yekaterinburg'])).code).toBe(0);
    const got = await runCli([...args, 'settings', 'get', 'cycle_days', '--json']);
    expect(JSON.parse(got.stdout)).toEqual({ key: 'cycle_days', value: 30 });
    const all = JSON.parse((await runCli([...args, 'settings', 'get', '--json'])).stdout);
    expect(all).toMatchObject({
      cycle_days: 30,
      timezone: 'Asia/Yekaterinburg',
      currency: 'RUB',
      lost_multiplier: 3,
    });
    const bad = await runCli([...args, 'settings', 'set', 'lost_multiplier', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lost_multiplier');
    expect((await runCli([...args, 'settings', 'set', 'no_such_key', '1'])).code).toBe(2);
  });
});

describe('an import killed with kill -9', () => {
  it('leaves the database consistent; the same command resumes and adds no duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comeback-kill-'));
    const rows = ['Номер чека;Дата;Телефон;Услуга;Сумма'];
    const total = 12_000;
    for (let i = 0; i < total; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      rows.push(
        `R${i};${day}.02.2024 12:00;+7 916 ${100 + (i % 900)}-${String(10 + (i % 89)).padStart(2, '0')}-00;Стрижка;1 500,00`,
      );
    }
    writeFileSync(join(dir, 'sales.csv'), rows.join('\n'));
    const { args } = cliTarget(uniqueName('kill'));
    const cmd = [
      ...args,
      'import',
      'orders',
      join(dir, 'sales.csv'),
      '--chunk-size',
      '500',
      '--verbose',
      '--json',
    ];

    const child = startCli(cmd);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
        // Two chunks are in: kill it hard in the middle of the rest.
        if ((err.match(/committed through line/g) ?? []).length >= 2) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('close', () => reject(new Error(`import ended before it could be killed: ${err}`)));
    });
    await new Promise((r) => child.on('close', r));

    const second = await runCli(cmd);
    expect(second.code, second.stderr).toBe(0);
    const s = JSON.parse(second.stdout);
    expect(s.resumed_from_line).toBeGreaterThan(1);
    expect(s.rows).toBe(total);
    expect(s.imported).toBe(total);
    expect(s.rejected).toEqual([]);

    // A third run adds nothing: every order is there exactly once.
    const third = JSON.parse((await runCli(cmd)).stdout);
    expect(third.imported).toBe(0);
    expect(third.skipped).toBe(total);
  }, 240_000);
});
