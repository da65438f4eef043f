/**
 * The customer card's notes and tasks: write a note (plain text), read the newest first and
 * page back, edit or delete your own; add a task with a due day (and optionally a time) and an
 * assignee, tick it done, reopen it, see what is overdue. The server decides who may change
 * what (`can_edit`, 403); the panel hides itself for a key that may not read the customer.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { NOTE_MAX_LENGTH, type Note, notesApi, type Task } from '../../api-notes.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import '../../styles/notes.css';
import { ErrorBox, Loading } from '../ui.tsx';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `onChange`: a note or task changed, so the card's timeline (which shows them) is stale. */
export function NotesPanel(props: { customerId: number; onChange?: () => void }) {
  const { t } = useI18n();
  return (
    <section className="card notes-panel" aria-labelledby="notes-title">
      <h2 id="notes-title" className="card-title">
        {t('notes.title')}
      </h2>
      <div className="notes-columns">
        <Notes customerId={props.customerId} onChange={props.onChange} />
        <Tasks customerId={props.customerId} onChange={props.onChange} />
      </div>
    </section>
  );
}

function Notes(props: { customerId: number; onChange?: (() => void) | undefined }) {
  const { t, fmt } = useI18n();
  const id = useId();
  const [extra, setExtra] = useState<Note[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const loaded = useLoad(
    async (signal) => {
      const page = await notesApi.notes(props.customerId, { limit: 20 }, { signal });
      setExtra([]);
      setCursor(page.next_cursor);
      return page;
    },
    [props.customerId],
  );
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: number; body: string } | null>(null);

  if (loaded.error instanceof ApiError && (loaded.error.status === 403 || loaded.error.status === 404))
    return null;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      await notesApi.addNote(props.customerId, draft);
      setDraft('');
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldProblems().body ?? err.message) : message(err));
    } finally {
      setBusy(false);
    }
  };

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await notesApi.notes(props.customerId, { limit: 20, cursor });
      setExtra((x) => [...x, ...page.items]);
      setCursor(page.next_cursor);
    } catch (err) {
      setError(message(err));
    }
  };

  const saveEdit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    setBusy(true);
    setError(null);
    try {
      await notesApi.editNote(props.customerId, editing.id, editing.body);
      setEditing(null);
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldProblems().body ?? err.message) : message(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (n: Note) => {
    if (!window.confirm(t('notes.confirmDelete'))) return;
    setError(null);
    try {
      await notesApi.deleteNote(props.customerId, n.id);
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      setError(message(err));
    }
  };

  const notes = [...(loaded.data?.items ?? []), ...extra];
  return (
    <div className="notes-col">
      <h3 className="notes-sub">{t('notes.notes')}</h3>
      <form onSubmit={add} className="note-form">
        <label htmlFor={`${id}-body`} className="visually-hidden">
          {t('notes.bodyLabel')}
        </label>
        <textarea
          id={`${id}-body`}
          rows={3}
          maxLength={NOTE_MAX_LENGTH}
          placeholder={t('notes.placeholder')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-describedby={`${id}-count`}
        />
        <div className="note-form-foot">
          <span id={`${id}-count`} className="hint">
            {draft.length > NOTE_MAX_LENGTH * 0.8
              ? t('notes.chars', { n: draft.length, max: NOTE_MAX_LENGTH })
              : ''}
          </span>
          <button type="submit" className="btn btn-primary" disabled={busy || draft.trim() === ''}>
            {busy ? t('notes.saving') : t('notes.save')}
          </button>
        </div>
      </form>
      <p aria-live="polite" className="field-error">
        {error}
      </p>
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && notes.length === 0 ? <p className="muted">{t('notes.none')}</p> : null}
      <ul className="note-list">
        {notes.map((n) => (
          <li key={n.id} className="note">
            {editing?.id === n.id ? (
              <form onSubmit={saveEdit}>
                <label htmlFor={`${id}-edit-${n.id}`} className="visually-hidden">
                  {t('notes.editLabel')}
                </label>
                <textarea
                  id={`${id}-edit-${n.id}`}
                  rows={3}
                  maxLength={NOTE_MAX_LENGTH}
                  value={editing.body}
                  onChange={(e) => setEditing({ id: n.id, body: e.target.value })}
                />
                <div className="note-actions">
                  <button type="submit" className="btn btn-primary" disabled={busy}>
                    {t('notes.saveEdit')}
                  </button>
                  <button type="button" className="btn btn-quiet" onClick={() => setEditing(null)}>
                    {t('notes.cancel')}
                  </button>
                </div>
              </form>
            ) : (
              <>
                <p className="note-body">{n.body}</p>
                <div className="note-meta">
                  <span className="muted small">
                    {t('notes.by', { author: n.author.name, when: fmt.dateTime(n.created_at) })}
                    {n.edited_at ? ` · ${t('notes.edited')}` : ''}
                  </span>
                  {n.can_edit ? (
                    <span className="note-actions">
                      <button
                        type="button"
                        className="btn btn-quiet btn-small"
                        onClick={() => setEditing({ id: n.id, body: n.body })}
                      >
                        {t('notes.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-quiet btn-small"
                        onClick={() => void remove(n)}
                      >
                        {t('notes.delete')}
                      </button>
                    </span>
                  ) : null}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" className="btn btn-quiet" onClick={() => void more()}>
          {t('notes.more')}
        </button>
      ) : null}
    </div>
  );
}

function Tasks(props: { customerId: number; onChange?: (() => void) | undefined }) {
  const { t, fmt } = useI18n();
  const id = useId();
  const loaded = useLoad((signal) => notesApi.tasks(props.customerId, { signal }), [props.customerId]);
  // Staff for the assignee list; a key without settings:read just gets "nobody".
  const staff = useLoad((signal) => api.staff({ signal }).catch(() => ({ items: [] })), []);
  const [form, setForm] = useState({ title: '', day: '', time: '', assignee: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [showDone, setShowDone] = useState(false);

  if (loaded.error instanceof ApiError && (loaded.error.status === 403 || loaded.error.status === 404))
    return null;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      // A time makes a precise due moment (in this browser's zone); a day alone is a calendar day.
      const due =
        form.day && form.time
          ? { due_at: new Date(`${form.day}T${form.time}`).toISOString() }
          : form.day
            ? { due_on: form.day }
            : {};
      await notesApi.addTask(props.customerId, {
        title: form.title,
        ...due,
        ...(form.assignee ? { assignee_id: Number(form.assignee) } : {}),
      });
      setForm({ title: '', day: '', time: '', assignee: '' });
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      if (err instanceof ApiError) setFields(err.fieldProblems());
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (task: Task) => {
    setError(null);
    try {
      await notesApi.patchTask(props.customerId, task.id, { done: !task.done });
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      setError(message(err));
    }
  };

  const remove = async (task: Task) => {
    setError(null);
    try {
      await notesApi.deleteTask(props.customerId, task.id);
      loaded.reload();
      props.onChange?.();
    } catch (err) {
      setError(message(err));
    }
  };

  const tasks = loaded.data?.items ?? [];
  const open = tasks.filter((x) => !x.done);
  const done = tasks.filter((x) => x.done);
  const fieldError = (k: string) =>
    fields[k] ? (
      <span id={`${id}-${k}-err`} className="field-error">
        {fields[k]}
      </span>
    ) : null;

  const row = (task: Task) => (
    <li
      key={task.id}
      className={`task${task.done ? ' task-done' : ''}${task.overdue ? ' task-overdue' : ''}`}
    >
      <label className="check task-check">
        <input
          type="checkbox"
          checked={task.done}
          onChange={() => void toggle(task)}
          aria-label={
            task.done ? t('tasks.reopen', { title: task.title }) : t('tasks.markDone', { title: task.title })
          }
        />
        <span className="task-title">{task.title}</span>
      </label>
      <div className="task-meta small">
        {task.done ? (
          <span className="muted">
            {t('tasks.doneBy', { when: fmt.dateTime(task.done_at), who: task.done_by ?? '—' })}
          </span>
        ) : (
          <>
            <span className={task.overdue ? 'task-due overdue' : 'task-due muted'}>
              {task.due_at
                ? t('tasks.dueOn', { day: fmt.dateTime(task.due_at) })
                : task.due_on
                  ? t('tasks.dueOn', { day: fmt.day(task.due_on) })
                  : t('tasks.noDue')}
              {task.overdue ? ` · ${t('tasks.overdue')}` : ''}
            </span>
            {task.assignee ? <span className="muted"> · {task.assignee.name}</span> : null}
          </>
        )}
        <button
          type="button"
          className="btn btn-quiet btn-small"
          onClick={() => void remove(task)}
          aria-label={`${t('tasks.delete')}: ${task.title}`}
        >
          ×
        </button>
      </div>
    </li>
  );

  return (
    <div className="notes-col">
      <h3 className="notes-sub">{t('tasks.title')}</h3>
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && open.length === 0 ? <p className="muted">{t('tasks.none')}</p> : null}
      <ul className="task-list">{open.map(row)}</ul>
      {done.length > 0 ? (
        <>
          <button
            type="button"
            className="btn btn-quiet"
            aria-expanded={showDone}
            onClick={() => setShowDone(!showDone)}
          >
            {showDone ? t('tasks.hideDone') : t('tasks.showDone', { count: done.length })}
          </button>
          {showDone ? <ul className="task-list">{done.map(row)}</ul> : null}
        </>
      ) : null}

      <form onSubmit={add} className="task-form" aria-label={t('tasks.new')}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('tasks.titleLabel')}</label>
          <input
            id={`${id}-title`}
            required
            maxLength={500}
            placeholder={t('tasks.titlePlaceholder')}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
            aria-describedby={fields.title ? `${id}-title-err` : undefined}
          />
          {fieldError('title')}
        </div>
        <div className="task-form-row">
          <div className="field">
            <label htmlFor={`${id}-day`}>{t('tasks.due')}</label>
            <input
              id={`${id}-day`}
              type="date"
              value={form.day}
              onChange={(e) => setForm({ ...form, day: e.target.value })}
              aria-describedby={fields.due_on ? `${id}-due_on-err` : undefined}
            />
            {fieldError('due_on')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-time`}>{t('tasks.dueTime')}</label>
            <input
              id={`${id}-time`}
              type="time"
              value={form.time}
              disabled={!form.day}
              onChange={(e) => setForm({ ...form, time: e.target.value })}
            />
            {fieldError('due_at')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-assignee`}>{t('tasks.assignee')}</label>
            <select
              id={`${id}-assignee`}
              value={form.assignee}
              onChange={(e) => setForm({ ...form, assignee: e.target.value })}
            >
              <option value="">{t('tasks.unassigned')}</option>
              {(staff.data?.items ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {fieldError('assignee_id')}
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || form.title.trim() === ''}>
            {t('tasks.add')}
          </button>
          <span aria-live="polite" className="field-error">
            {error && Object.keys(fields).length === 0 ? error : null}
          </span>
        </div>
      </form>
    </div>
  );
}
