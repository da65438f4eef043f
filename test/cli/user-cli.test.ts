/** `comeback user create|list|password` and the first-run hints, through bin/comeback. */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/http/app.ts';
import { connect } from '../../src/storage/connect.ts';
import { cliTarget, runCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

const target = cliTarget(uniqueName('users'));
afterAll(() => {
  if (target.dataDir) rmSync(target.dataDir, { recursive: true, force: true });
});

async function signInStatus(email: string, password: string): Promise<number> {
  const db = await connect(
    target.dataDir ? { dataDir: target.dataDir } : { databaseUrl: process.env.TEST_DATABASE_URL! },
  );
  try {
    const res = await createApi({ db }).request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
      body: JSON.stringify({ email, password }),
    });
    return res.status;
  } finally {
    await db.close();
  }
}

describe('comeback user', () => {
  const email = `owner-${Date.now()}@example.com`;

  it('lists nobody at first and says how to add the owner', async () => {
    const r = await runCli([...target.args, 'user', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('user create --email');
  });

  it('creates users with a given or a generated password; they can sign in', async () => {
    const r = await runCli([
      ...target.args,
      'user',
      'create',
      '--email',
      email,
      '--password',
      'given password 1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${email} (owner) added`);
    expect(r.stdout).not.toContain('Password');
    expect(await signInStatus(email, 'given password 1')).toBe(200);

    const viewer = `viewer-${Date.now()}@example.com`;
    const g = await runCli([
      ...target.args,
      'user',
      'create',
      '--email',
      viewer,
      '--role',
      'viewer',
      '--json',
    ]);
    expect(g.code, g.stderr).toBe(0);
    const created = JSON.parse(g.stdout);
    expect(created).toMatchObject({ email: viewer, role: 'viewer', staff_id: null });
    expect(created.password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(await signInStatus(viewer, created.password)).toBe(200);

    const list = await runCli([...target.args, 'user', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((u: { email: string; role: string }) => [u.email, u.role])).toEqual(
      [
        [email, 'owner'],
        [viewer, 'viewer'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
  }, 60_000);

  it('refuses bad input with a clear error and exit code', async () => {
    const dup = await runCli([
      ...target.args,
      'user',
      'create',
      '--email',
      email,
      '--password',
      'another one 12',
    ]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/already a member/);
    const manager = await runCli([
      ...target.args,
      'user',
      'create',
      '--email',
      `m-${Date.now()}@example.com`,
      '--role',
      'manager',
    ]);
    expect(manager.code).not.toBe(0);
    expect(manager.stderr).toMatch(/staff/);
    const short = await runCli([
      ...target.args,
      'user',
      'create',
      '--email',
      `s-${Date.now()}@example.com`,
      '--password',
      'short',
    ]);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/8 characters/);
  }, 60_000);

  it('sets a password (given or generated)', async () => {
    const r = await runCli([...target.args, 'user', 'password', '--email', email, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { password } = JSON.parse(r.stdout);
    expect(await signInStatus(email, 'given password 1')).toBe(401);
    expect(await signInStatus(email, password)).toBe(200);
    const missing = await runCli([...target.args, 'user', 'password', '--email', 'nobody@example.com']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no user/);
  }, 60_000);
});

describe('first run', () => {
  it('`start` creates the demo owner once and prints a login that signs in', async () => {
    const fresh = cliTarget(uniqueName('first-run'));
    try {
      const r = await runCli([...fresh.args, 'start', '--no-serve']);
      expect(r.code, r.stderr).toBe(0);
      const email = /e-mail:\s+(\S+)/.exec(r.stdout)?.[1];
      const password = /password:\s+(\S+)/.exec(r.stdout)?.[1];
      expect(email).toMatch(/^owner(\+\d+)?@comeback\.local$/);
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
      const db = await connect(
        fresh.dataDir ? { dataDir: fresh.dataDir } : { databaseUrl: process.env.TEST_DATABASE_URL! },
      );
      try {
        const res = await createApi({ db }).request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' },
          body: JSON.stringify({ email, password }),
        });
        expect(res.status).toBe(200);
      } finally {
        await db.close();
      }
      // A second start shows no new login: the owner exists.
      const again = await runCli([...fresh.args, 'start', '--no-serve']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).not.toContain('Demo login');
    } finally {
      if (fresh.dataDir) rmSync(fresh.dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
