/**
 * Settings kept by a database handle (src/storage/queries/settings.ts): read by nearly every
 * request, so a handle keeps them for SETTINGS_TTL_MS. A write through saveSetting is seen at
 * once by every handle of this process; one made behind its back (another process) after the TTL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSettings, SETTINGS_TTL_MS, saveSetting } from '../../src/storage/queries/settings.ts';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

describe('settings kept by a handle', () => {
  test('a write through saveSetting is seen at once, one behind its back after the TTL', async () => {
    const ws = await db.workspace('kept-settings');
    await saveSetting(db.db, ws, 'currency', 'RUB');
    expect((await loadSettings(db.db, ws)).currency).toBe('RUB');
    // Inside a transaction (another handle) too: the write moves what every handle kept.
    await db.db.transaction((tx) => saveSetting(tx, ws, 'currency', 'EUR'));
    expect((await loadSettings(db.db, ws)).currency).toBe('EUR');

    await db.db.query(`UPDATE settings SET value = '"USD"' WHERE workspace_id = $1 AND key = 'currency'`, [
      ws,
    ]);
    expect((await loadSettings(db.db, ws)).currency).toBe('EUR');
    await new Promise((r) => setTimeout(r, SETTINGS_TTL_MS + 50));
    expect((await loadSettings(db.db, ws)).currency).toBe('USD');
  });

  test('each caller gets its own copy; workspaces are kept apart', async () => {
    const a = await db.workspace('kept-a');
    const b = await db.workspace('kept-b');
    await saveSetting(db.db, a, 'timezone', 'Europe/Moscow');
    const first = await loadSettings(db.db, a);
    first.timezone = 'changed by a caller';
    expect((await loadSettings(db.db, a)).timezone).toBe('Europe/Moscow');
    expect((await loadSettings(db.db, b)).timezone).toBeUndefined();
  });
});
