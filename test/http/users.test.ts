/** /api/me and /api/users: members, roles, manager staff, passwords, the last owner. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApi, type TestApi } from './support.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
}, 60_000);
afterAll(async () => {
  await api.close();
});

describe('/api/me', () => {
  it('describes an API key caller', async () => {
    const ws = await api.workspace();
    const me = await ws.owner.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: null,
      key: { name: 'owner' },
      role: 'owner',
      workspace: { id: ws.id },
    });
    expect(me.body.permissions).toContain('users:manage');
  });
});

describe('members', () => {
  it('adds a user who can then sign in, lists, changes role and staff, and removes them', async () => {
    const ws = await api.workspace();
    const owner = await ws.user({ role: 'owner' });
    const [anna, boris] = await ws.staff('Anna', 'Boris');
    const created = await owner.post('/api/users', {
      email: 'Maria@Example.com',
      name: 'Maria',
      password: 'initial-password-1',
      role: 'manager',
      staff_id: anna,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'maria@example.com',
      name: 'Maria',
      role: 'manager',
      staff_id: anna,
      staff_name: 'Anna',
    });
    const maria = await api.signIn('maria@example.com', 'initial-password-1');
    expect((await maria.get('/api/me')).body).toMatchObject({ role: 'manager', manager_staff: { id: anna } });

    const list = await owner.get('/api/users');
    expect(list.body.items.map((m: { email: string }) => m.email).sort()).toEqual(
      ['maria@example.com', owner.email].sort(),
    );

    const moved = await owner.patch(`/api/users/${created.body.id}`, { staff_id: boris });
    expect(moved.body).toMatchObject({ role: 'manager', staff_id: boris, staff_name: 'Boris' });
    // Another role drops the staff member.
    const marketer = await owner.patch(`/api/users/${created.body.id}`, { role: 'marketer' });
    expect(marketer.body).toMatchObject({ role: 'marketer', staff_id: null });
    expect((await maria.get('/api/me')).body.role).toBe('marketer');

    const removed = await owner.del(`/api/users/${created.body.id}`);
    expect(removed.status).toBe(200);
    expect((await maria.get('/api/me')).status).toBe(401);
    await expect(api.signIn('maria@example.com', 'initial-password-1')).rejects.toThrow(/failed: 401/);
    expect((await owner.del(`/api/users/${created.body.id}`)).status).toBe(404);
  });

  it('validates: e-mail, password length, manager needs a staff member, staff only for managers', async () => {
    const ws = await api.workspace();
    const bad = await ws.owner.post('/api/users', { email: 'nope', password: 'short', role: 'manager' });
    expect(bad.status).toBe(422);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password']));
    const noStaff = await ws.owner.post('/api/users', {
      email: `m-${ws.id}@example.com`,
      password: 'long enough password',
      role: 'manager',
    });
    expect(noStaff.status).toBe(422);
    expect(noStaff.body.error.details).toEqual([{ path: 'staff_id', message: expect.any(String) }]);
    const [anna] = await ws.staff('Anna');
    const viewerWithStaff = await ws.owner.post('/api/users', {
      email: `v-${ws.id}@example.com`,
      password: 'long enough password',
      role: 'viewer',
      staff_id: anna,
    });
    expect(viewerWithStaff.status).toBe(422);
    const unknownStaff = await ws.owner.post('/api/users', {
      email: `u-${ws.id}@example.com`,
      password: 'long enough password',
      role: 'manager',
      staff_id: 999_999,
    });
    expect(unknownStaff.status).toBe(422);
  });

  it('refuses a second membership for the same e-mail with 409 email_taken', async () => {
    const ws = await api.workspace();
    const input = { email: `dup-${ws.id}@example.com`, password: 'long enough password', role: 'viewer' };
    expect((await ws.owner.post('/api/users', input)).status).toBe(201);
    const again = await ws.owner.post('/api/users', { ...input, email: input.email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('never removes or demotes the last owner (409 last_owner)', async () => {
    const ws = await api.workspace();
    const owner = await ws.user({ role: 'owner' });
    const demote = await owner.patch(`/api/users/${owner.userId}`, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_owner');
    const remove = await owner.del(`/api/users/${owner.userId}`);
    expect(remove.status).toBe(409);
    expect(remove.body.error.code).toBe('last_owner');
    // With a second owner, the first may step down.
    const second = await owner.post('/api/users', {
      email: `second-${ws.id}@example.com`,
      password: 'long enough password',
      role: 'owner',
    });
    expect(second.status).toBe(201);
    const stepDown = await owner.patch(`/api/users/${owner.userId}`, { role: 'viewer' });
    expect(stepDown.status).toBe(200);
    expect((await owner.get('/api/users')).status).toBe(403);
    const last = await ws.owner.del(`/api/users/${second.body.id}`);
    expect(last.status).toBe(409);
  });

  it('lets only an owner manage users', async () => {
    const ws = await api.workspace();
    for (const role of ['marketer', 'viewer'] as const) {
      const u = await ws.user({ role });
      const r = await u.get('/api/users');
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
      expect(
        (
          await u.post('/api/users', {
            email: 'x@example.com',
            password: 'long enough password',
            role: 'owner',
          })
        ).status,
      ).toBe(403);
    }
  });
});

describe('passwords', () => {
  it('changes one’s own password with the current one; other sessions end, this one stays', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const otherBrowser = await api.signIn(u.email, u.password);
    const wrong = await u.post('/api/me/password', {
      current_password: 'not it at all',
      new_password: 'new password 123',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([{ path: 'current_password', message: 'does not match' }]);
    const ok = await u.post('/api/me/password', {
      current_password: u.password,
      new_password: 'new password 123',
    });
    expect(ok.status).toBe(200);
    expect((await u.get('/api/me')).status).toBe(200);
    expect((await otherBrowser.get('/api/me')).status).toBe(401);
    await expect(api.signIn(u.email, u.password)).rejects.toThrow(/401/);
    const again = await api.signIn(u.email, 'new password 123');
    expect((await again.get('/api/me')).status).toBe(200);
  });

  it('an API key has no password to change', async () => {
    const ws = await api.workspace();
    const r = await ws.owner.post('/api/me/password', {
      current_password: 'x',
      new_password: 'new password 123',
    });
    expect(r.status).toBe(400);
  });

  it('an owner sets a member’s password, which signs them out', async () => {
    const ws = await api.workspace();
    const u = await ws.user({ role: 'viewer' });
    const r = await ws.owner.post(`/api/users/${u.userId}/password`, { password: 'reset by owner 1' });
    expect(r.status).toBe(200);
    expect((await u.get('/api/me')).status).toBe(401);
    expect((await (await api.signIn(u.email, 'reset by owner 1')).get('/api/me')).status).toBe(200);
    const other = await api.workspace();
    expect(
      (await other.owner.post(`/api/users/${u.userId}/password`, { password: 'not yours 12345' })).status,
    ).toBe(404);
  });
});
