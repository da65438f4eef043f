/**
 * Notes and tasks on the customer card: CRUD, validation with field paths, who may change a
 * note, manager isolation (by id, in lists, in GET /api/tasks), and notes on the timeline.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Client, openTestApi, type TestApi, type Workspace } from './support.ts';

let api: TestApi;
let ws: Workspace;
let olga: Client;
let ivan: Client;
let viewer: Client;
let marketer: Client;
let olgaId: number;
let ivanId: number;
const ids: Record<string, number> = {};

beforeAll(async () => {
  api = await openTestApi();
  ws = await api.workspace();
  [olgaId, ivanId] = (await ws.staff('Ольга', 'Иван')) as [number, number];
  olga = await ws.as({ role: 'manager', managerStaffId: olgaId, name: 'Olga key' });
  ivan = await ws.as({ role: 'manager', managerStaffId: ivanId, name: 'Ivan key' });
  viewer = await ws.as({ role: 'viewer' });
  marketer = await ws.as({ role: 'marketer', name: 'Marketing' });
  for (const [key, manager] of [
    ['o1', olgaId],
    ['i1', ivanId],
    ['free', null],
  ] as const) {
    const res = await ws.owner.post('/api/customers', {
      name: `Client ${key}`,
      external_id: key,
      manager_id: manager,
    });
    expect(res.status).toBe(201);
    ids[key] = res.body.id;
  }
});
afterAll(async () => {
  await api.close();
});

describe('notes', () => {
  test('add, list newest first with cursor pages, edit, delete', async () => {
    const c = ids.free!;
    const first = await ws.owner.post(`/api/customers/${c}/notes`, { body: '  Prefers mornings  ' });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/api/customers/${c}/notes/${first.body.id}`);
    expect(first.body).toMatchObject({
      customer_id: c,
      body: 'Prefers mornings',
      author: { name: 'owner', user_id: null },
      edited_at: null,
      can_edit: true,
    });
    for (const b of ['second', 'third']) await ws.owner.post(`/api/customers/${c}/notes`, { body: b });

    const page1 = await ws.owner.get(`/api/customers/${c}/notes?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((n: { body: string }) => n.body)).toEqual(['third', 'second']);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await ws.owner.get(`/api/customers/${c}/notes?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.items.map((n: { body: string }) => n.body)).toEqual(['Prefers mornings']);
    expect(page2.body.next_cursor).toBeNull();

    const edited = await ws.owner.patch(`/api/customers/${c}/notes/${first.body.id}`, {
      body: 'Prefers 9–11',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.body).toBe('Prefers 9–11');
    expect(edited.body.edited_at).toEqual(expect.any(String));

    expect((await ws.owner.del(`/api/customers/${c}/notes/${first.body.id}`)).status).toBe(204);
    expect((await ws.owner.del(`/api/customers/${c}/notes/${first.body.id}`)).status).toBe(404);
    const after = await ws.owner.get(`/api/customers/${c}/notes`);
    expect(after.body.items.map((n: { body: string }) => n.body)).toEqual(['third', 'second']);
  });

  test('validation: 422 with field paths', async () => {
    const c = ids.free!;
    const empty = await ws.owner.post(`/api/customers/${c}/notes`, { body: '' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('validation_failed');
    expect(empty.body.error.details).toEqual([expect.objectContaining({ path: 'body' })]);
    const blank = await ws.owner.post(`/api/customers/${c}/notes`, { body: '   \n ' });
    expect(blank.status).toBe(422);
    expect(blank.body.error.details[0].path).toBe('body');
    const long = await ws.owner.post(`/api/customers/${c}/notes`, { body: 'x'.repeat(5001) });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0].path).toBe('body');
    const missing = await ws.owner.post(`/api/customers/${c}/notes`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.error.details[0].path).toBe('body');
    expect((await ws.owner.post('/api/customers/999999999/notes', { body: 'x' })).status).toBe(404);
  });

  test('permissions: a viewer reads but cannot write; only the author or an owner changes a note', async () => {
    const c = ids.free!;
    const mine = await marketer.post(`/api/customers/${c}/notes`, { body: 'from marketing' });
    expect(mine.status).toBe(201);
    expect(mine.body.author.name).toBe('Marketing');
    expect((await viewer.get(`/api/customers/${c}/notes`)).status).toBe(200);
    const denied = await viewer.post(`/api/customers/${c}/notes`, { body: 'no' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');

    const byOwner = await ws.owner.post(`/api/customers/${c}/notes`, { body: 'owner wrote this' });
    const other = await marketer.patch(`/api/customers/${c}/notes/${byOwner.body.id}`, { body: 'hijack' });
    expect(other.status).toBe(403);
    expect((await marketer.del(`/api/customers/${c}/notes/${byOwner.body.id}`)).status).toBe(403);
    // In the list, can_edit tells the UI which notes to offer editing.
    const list = await marketer.get(`/api/customers/${c}/notes`);
    const flags = Object.fromEntries(
      list.body.items.map((n: { body: string; can_edit: boolean }) => [n.body, n.can_edit]),
    );
    expect(flags['from marketing']).toBe(true);
    expect(flags['owner wrote this']).toBe(false);
    // An owner may tidy up anyone's note.
    expect(
      (await ws.owner.patch(`/api/customers/${c}/notes/${mine.body.id}`, { body: 'tidied' })).status,
    ).toBe(200);
  });

  test("manager isolation: another manager's customer's notes are 404 by every route", async () => {
    const note = await ivan.post(`/api/customers/${ids.i1}/notes`, { body: 'Ivan only' });
    expect(note.status).toBe(201);
    expect((await olga.get(`/api/customers/${ids.i1}/notes`)).status).toBe(404);
    expect((await olga.post(`/api/customers/${ids.i1}/notes`, { body: 'x' })).status).toBe(404);
    // Even with Ivan's note id on Olga's own customer path or on Ivan's customer.
    expect((await olga.patch(`/api/customers/${ids.i1}/notes/${note.body.id}`, { body: 'x' })).status).toBe(
      404,
    );
    expect((await olga.patch(`/api/customers/${ids.o1}/notes/${note.body.id}`, { body: 'x' })).status).toBe(
      404,
    );
    expect((await olga.del(`/api/customers/${ids.i1}/notes/${note.body.id}`)).status).toBe(404);
    expect((await olga.get(`/api/customers/${ids.o1}/notes`)).status).toBe(200);
    const still = await ivan.get(`/api/customers/${ids.i1}/notes`);
    expect(still.body.items.map((n: { body: string }) => n.body)).toEqual(['Ivan only']);
  });

  test('the card timeline shows notes and done tasks; deleted notes disappear', async () => {
    const c = ids.o1!;
    const n = await olga.post(`/api/customers/${c}/notes`, { body: 'Asked about gift cards' });
    const gone = await olga.post(`/api/customers/${c}/notes`, { body: 'typo note' });
    await olga.del(`/api/customers/${c}/notes/${gone.body.id}`);
    const task = await olga.post(`/api/customers/${c}/tasks`, { title: 'Send the price list', done: true });
    expect(task.status).toBe(201);
    const card = await olga.get(`/api/customers/${c}`);
    expect(card.status).toBe(200);
    const notes = card.body.timeline.filter((t: { type: string }) => t.type === 'note');
    expect(notes).toEqual([
      {
        type: 'note',
        at: n.body.created_at,
        note: { id: n.body.id, body: 'Asked about gift cards', author: 'Olga key', edited_at: null },
      },
    ]);
    const tasks = card.body.timeline.filter((t: { type: string }) => t.type === 'task');
    expect(tasks).toEqual([
      {
        type: 'task',
        at: task.body.done_at,
        task: { id: task.body.id, title: 'Send the price list', done_by: 'Olga key' },
      },
    ]);
  });
});

describe('merges', () => {
  test("a merged duplicate's notes and tasks show on the survivor's card, and go back on undo", async () => {
    const mk = async (key: string) =>
      (await ws.owner.post('/api/customers', { name: key, external_id: key })).body.id as number;
    const main = await mk('main-1');
    const dup = await mk('dup-1');
    await ws.owner.post(`/api/customers/${main}/notes`, { body: 'on main' });
    const dupNote = await ws.owner.post(`/api/customers/${dup}/notes`, { body: 'on the duplicate' });
    const dupTask = await ws.owner.post(`/api/customers/${dup}/tasks`, { title: 'call the duplicate' });
    const merged = await ws.owner.post(`/api/customers/${dup}/merge`, { into: main });
    expect(merged.status).toBe(200);

    const notes = await ws.owner.get(`/api/customers/${main}/notes`);
    expect(notes.body.items.map((n: { body: string }) => n.body)).toEqual(['on the duplicate', 'on main']);
    const tasks = await ws.owner.get(`/api/customers/${main}/tasks`);
    expect(tasks.body.items.map((x: { id: number }) => x.id)).toEqual([dupTask.body.id]);
    expect(tasks.body.items[0].customer.id).toBe(main);
    const card = await ws.owner.get(`/api/customers/${main}`);
    expect(card.body.timeline.filter((x: { type: string }) => x.type === 'note')).toHaveLength(2);
    // Editable from the survivor's card.
    const edited = await ws.owner.patch(`/api/customers/${main}/notes/${dupNote.body.id}`, { body: 'kept' });
    expect(edited.status).toBe(200);
    expect(
      (await ws.owner.patch(`/api/customers/${main}/tasks/${dupTask.body.id}`, { done: true })).status,
    ).toBe(200);

    expect((await ws.owner.post(`/api/merges/${merged.body.merge_id}/undo`)).status).toBe(200);
    const back = await ws.owner.get(`/api/customers/${main}/notes`);
    expect(back.body.items.map((n: { body: string }) => n.body)).toEqual(['on main']);
    const restored = await ws.owner.get(`/api/customers/${dup}/notes`);
    expect(restored.body.items.map((n: { body: string }) => n.body)).toEqual(['kept']);
  });
});

describe('tasks', () => {
  test('create with a due day or a due time, assign, mark done and reopen, delete', async () => {
    const c = ids.free!;
    const byDay = await ws.owner.post(`/api/customers/${c}/tasks`, {
      title: 'Call back',
      due_on: '2020-01-10',
      assignee_id: olgaId,
    });
    expect(byDay.status).toBe(201);
    expect(byDay.body).toMatchObject({
      customer: { id: c, name: 'Client free' },
      title: 'Call back',
      due_on: '2020-01-10',
      due_at: null,
      assignee: { id: olgaId, name: 'Ольга' },
      done: false,
      overdue: true,
      created_by: 'owner',
    });
    // A due time sets the due day in the workspace calendar.
    const timed = await ws.owner.post(`/api/customers/${c}/tasks`, {
      title: 'Confirm booking',
      due_at: '2099-03-01T22:30:00Z',
    });
    expect(timed.status).toBe(201);
    expect(timed.body.due_at).toBe('2099-03-01T22:30:00.000Z');
    const zone: string = (await ws.owner.get('/api/settings')).body.timezone;
    const dayThere = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(
      new Date('2099-03-01T22:30:00Z'),
    );
    expect(timed.body.due_on).toBe(dayThere);
    expect(timed.body.overdue).toBe(false);

    const done = await ws.owner.patch(`/api/customers/${c}/tasks/${byDay.body.id}`, { done: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ done: true, overdue: false, done_by: 'owner' });
    expect(done.body.done_at).toEqual(expect.any(String));
    const open = await ws.owner.get(`/api/customers/${c}/tasks?state=open`);
    expect(open.body.items.map((t: { id: number }) => t.id)).toEqual([timed.body.id]);
    const reopened = await ws.owner.patch(`/api/customers/${c}/tasks/${byDay.body.id}`, { done: false });
    expect(reopened.body).toMatchObject({ done: false, done_at: null });
    const moved = await ws.owner.patch(`/api/customers/${c}/tasks/${byDay.body.id}`, {
      due_on: '2099-01-01',
      assignee_id: null,
    });
    expect(moved.body).toMatchObject({ due_on: '2099-01-01', assignee: null, overdue: false });

    expect((await ws.owner.del(`/api/customers/${c}/tasks/${timed.body.id}`)).status).toBe(204);
    const all = await ws.owner.get(`/api/customers/${c}/tasks`);
    expect(all.body.items.map((t: { id: number }) => t.id)).toEqual([byDay.body.id]);
  });

  test('validation: 422 with field paths', async () => {
    const c = ids.free!;
    const noTitle = await ws.owner.post(`/api/customers/${c}/tasks`, { title: '' });
    expect(noTitle.status).toBe(422);
    expect(noTitle.body.error.details[0].path).toBe('title');
    const badDay = await ws.owner.post(`/api/customers/${c}/tasks`, { title: 'x', due_on: '10.01.2025' });
    expect(badDay.status).toBe(422);
    expect(badDay.body.error.details[0].path).toBe('due_on');
    const both = await ws.owner.post(`/api/customers/${c}/tasks`, {
      title: 'x',
      due_on: '2025-01-01',
      due_at: '2025-01-01T10:00:00Z',
    });
    expect(both.status).toBe(422);
    expect(both.body.error.details[0].path).toBe('due_at');
    const nobody = await ws.owner.post(`/api/customers/${c}/tasks`, { title: 'x', assignee_id: 987654 });
    expect(nobody.status).toBe(422);
    expect(nobody.body.error.details).toEqual([{ path: 'assignee_id', message: 'no staff member 987654' }]);
  });

  test('GET /api/tasks: due by a day, overdue, my tasks, cursor pages; a manager sees only their customers', async () => {
    const w = await api.workspace();
    const [a, b] = (await w.staff('Anna', 'Boris')) as [number, number];
    const anna = await w.as({ role: 'manager', managerStaffId: a });
    const mk = async (key: string, manager: number) =>
      (await w.owner.post('/api/customers', { name: key, external_id: key, manager_id: manager })).body
        .id as number;
    const ca = await mk('ca', a);
    const cb = await mk('cb', b);
    const t = async (c: number, title: string, extra: Record<string, unknown>) => {
      const r = await w.owner.post(`/api/customers/${c}/tasks`, { title, ...extra });
      expect(r.status).toBe(201);
      return r.body.id as number;
    };
    const old = await t(ca, 'old', { due_on: '2020-01-01', assignee_id: a });
    const soon = await t(ca, 'soon', { due_on: '2099-01-01', assignee_id: a });
    const undated = await t(ca, 'undated', {});
    const boris = await t(cb, 'boris', { due_on: '2020-01-02', assignee_id: b });
    const finished = await t(ca, 'finished', { due_on: '2020-01-01', done: true });

    const all = await w.owner.get('/api/tasks');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { id: number }) => x.id)).toEqual([old, boris, soon, undated]);
    expect(all.body.items.map((x: { id: number }) => x.id)).not.toContain(finished);
    expect(all.body.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const overdue = await w.owner.get('/api/tasks?overdue=true');
    expect(overdue.body.items.map((x: { id: number }) => x.id)).toEqual([old, boris]);
    expect(overdue.body.items.every((x: { overdue: boolean }) => x.overdue)).toBe(true);
    const dueBy = await w.owner.get('/api/tasks?due_by=2099-01-01');
    expect(dueBy.body.items.map((x: { id: number }) => x.id)).toEqual([old, boris, soon]);
    expect(
      (await w.owner.get(`/api/tasks?assignee=${b}`)).body.items.map((x: { id: number }) => x.id),
    ).toEqual([boris]);
    expect(
      (await w.owner.get('/api/tasks?assignee=none')).body.items.map((x: { id: number }) => x.id),
    ).toEqual([undated]);

    // Pages of one through the keyset, undated last.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: number }[]; next_cursor: string | null } } = await w.owner.get(
        `/api/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([old, boris, soon, undated]);
    const wrong = await w.owner.get(
      `/api/tasks?overdue=true&cursor=${(await w.owner.get('/api/tasks?limit=1')).body.next_cursor}`,
    );
    expect(wrong.status).toBe(400);

    // The manager: only tasks on her customers, "my tasks" by her staff id.
    const mine = await anna.get('/api/tasks');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toEqual([old, soon, undated]);
    expect((await anna.get('/api/tasks?assignee=me')).body.items.map((x: { id: number }) => x.id)).toEqual([
      old,
      soon,
    ]);
    expect((await anna.get(`/api/tasks?assignee=${b}`)).body.items).toEqual([]);
    expect((await anna.get(`/api/customers/${cb}/tasks`)).status).toBe(404);
    expect((await anna.patch(`/api/customers/${cb}/tasks/${boris}`, { done: true })).status).toBe(404);
    expect((await anna.del(`/api/customers/${cb}/tasks/${boris}`)).status).toBe(404);
    // A manager's new task is assigned to her by default.
    const own = await anna.post(`/api/customers/${ca}/tasks`, { title: 'mine by default' });
    expect(own.body.assignee).toEqual({ id: a, name: 'Anna' });
    expect((await w.owner.get('/api/tasks?assignee=me')).status).toBe(400);
  });
});
