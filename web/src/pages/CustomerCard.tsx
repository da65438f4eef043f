/**
 * The customer card: profile (name, birthday, tags, manager editable through PATCH),
 * identifiers, status and its history, RFM, purchases and cycle, prediction when the server
 * has one, and the timeline of orders, status changes and events.
 */

import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, api, type CustomerCardView, type CustomerPatch, type TimelineItem } from '../api.ts';
import { ConsentPanel } from '../components/card/ConsentPanel.tsx';
import { NotesPanel } from '../components/card/NotesPanel.tsx';
import { PredictionPanel } from '../components/card/PredictionPanel.tsx';
import { ErrorBox, Loading, PageTitle, SegmentBadge, StatusBadge } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { href } from '../router.ts';

export function CustomerCardPage(props: { id: number }) {
  const { t } = useI18n();
  const card = useLoad((signal) => api.customer(props.id, { signal }), [props.id]);
  const [edited, setEdited] = useState<CustomerCardView | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new customer drops the local copy
  useEffect(() => setEdited(null), [props.id]);
  const c = edited ?? card.data;

  return (
    <div className="customer-card">
      <a className="back-link" href={href('/customers')}>
        {t('card.back')}
      </a>
      {card.error ? (
        card.error instanceof ApiError && card.error.status === 404 ? (
          <p className="error" role="alert">
            {t('card.notFound')}
          </p>
        ) : (
          <ErrorBox error={card.error} retry={card.reload} />
        )
      ) : null}
      {!c && card.loading ? <Loading /> : null}
      {c ? (
        <Card
          card={c}
          onSaved={setEdited}
          onTimelineChange={() => {
            setEdited(null);
            card.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function Card(props: {
  card: CustomerCardView;
  onSaved(c: CustomerCardView): void;
  /** Notes and tasks changed: read the card again for its timeline. */
  onTimelineChange(): void;
}) {
  const { t, tk, fmt } = useI18n();
  const c = props.card;
  const name = c.name ?? t('cust.noName');
  return (
    <>
      <PageTitle
        title={name}
        actions={
          <span className="title-badges">
            <StatusBadge status={c.status.current} />
            <SegmentBadge segment={c.rfm.segment} />
          </span>
        }
      >
        {name}
      </PageTitle>
      {c.aggregates_as_of ? (
        <p className="muted small">{t('card.asOf', { day: fmt.day(c.aggregates_as_of) })}</p>
      ) : null}

      <div className="card-grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title" className="card-title">
            {t('card.profile')}
          </h2>
          <ProfileForm card={c} onSaved={props.onSaved} />
          <dl className="facts">
            {c.gender ? <Fact label={t('card.gender')}>{tk(`gender.${c.gender}`, c.gender)}</Fact> : null}
            {c.source ? <Fact label={t('card.source')}>{c.source}</Fact> : null}
            {c.preferred_channel ? <Fact label={t('card.channel')}>{c.preferred_channel}</Fact> : null}
            {c.need ? <Fact label={t('card.need')}>{c.need}</Fact> : null}
          </dl>
        </section>

        <section className="card" aria-labelledby="ids-title">
          <h2 id="ids-title" className="card-title">
            {t('card.identifiers')}
          </h2>
          {c.identifiers.length === 0 ? (
            <p className="muted">{t('card.noIdentifiers')}</p>
          ) : (
            <dl className="facts">
              {c.identifiers.map((i) => (
                <Fact key={`${i.kind}:${i.value}`} label={tk(`id.${i.kind}`, i.kind)}>
                  {i.kind === 'phone' ? (
                    <a href={`tel:${i.value}`}>{i.value}</a>
                  ) : i.kind === 'email' ? (
                    <a href={`mailto:${i.value}`}>{i.value}</a>
                  ) : (
                    i.value
                  )}
                </Fact>
              ))}
            </dl>
          )}
        </section>

        <section className="card" aria-labelledby="status-title">
          <h2 id="status-title" className="card-title">
            {t('card.status')}
          </h2>
          <p className="status-line">
            <StatusBadge status={c.status.current} />{' '}
            {c.status.since ? (
              <span className="muted">{t('card.since', { day: fmt.day(c.status.since) })}</span>
            ) : null}
          </p>
          {c.status.manual ? (
            <p className="muted small">
              {t('card.manual', { status: tk(`status.${c.status.manual}`, c.status.manual) })}
            </p>
          ) : null}
          <h3 className="sub-title">{t('card.history')}</h3>
          {c.status.history.length === 0 ? (
            <p className="muted">{t('card.noHistory')}</p>
          ) : (
            <div className="table-scroll">
              <table className="data compact">
                <thead>
                  <tr>
                    <th scope="col">{t('hist.on')}</th>
                    <th scope="col">{t('hist.change')}</th>
                    <th scope="col">{t('hist.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.status.history].reverse().map((h, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: history rows have no id
                    <tr key={i}>
                      <td>{fmt.day(h.on)}</td>
                      <td>
                        {h.from ? <StatusBadge status={h.from} /> : '—'} → <StatusBadge status={h.to} />
                      </td>
                      <td>{h.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section className="card" aria-labelledby="rfm-card-title">
          <h2 id="rfm-card-title" className="card-title">
            {t('card.rfm')} · {t('card.purchases')}
          </h2>
          <dl className="facts">
            <Fact label={t('card.segment')}>
              <SegmentBadge segment={c.rfm.segment} />
            </Fact>
            <Fact label={t('card.scores')}>
              <span className="scores" data-testid="rfm-scores">
                R {c.rfm.r ?? '—'} · F {c.rfm.f ?? '—'} · M {c.rfm.m ?? '—'}
              </span>
            </Fact>
            <Fact label={t('card.recency')}>{fmt.number(c.rfm.recency_days)}</Fact>
            <Fact label={t('card.count')}>{fmt.number(c.purchases.count)}</Fact>
            <Fact label={t('card.days')}>{fmt.number(c.purchases.days)}</Fact>
            <Fact label={t('card.revenue')}>{fmt.money(c.purchases.revenue)}</Fact>
            <Fact label={t('card.first')}>{fmt.day(c.purchases.first_on)}</Fact>
            <Fact label={t('card.last')}>{fmt.day(c.purchases.last_on)}</Fact>
          </dl>
        </section>

        <section className="card" aria-labelledby="cycle-title">
          <h2 id="cycle-title" className="card-title">
            {t('card.cycle')}
          </h2>
          <dl className="facts">
            <Fact label={t('card.ownCycle')}>
              {c.cycle.own_days === null
                ? '—'
                : t('card.nDays', { n: fmt.number(c.cycle.own_days, 1), count: c.cycle.own_days })}
            </Fact>
            <Fact label={t('card.usedCycle')}>
              {c.cycle.days === null
                ? '—'
                : t('card.nDays', { n: fmt.number(c.cycle.days, 1), count: c.cycle.days })}
            </Fact>
            <Fact label={t('card.nextDue')}>
              <strong>{fmt.day(c.cycle.next_expected_on)}</strong>
            </Fact>
          </dl>
        </section>
      </div>

      <PredictionPanel customerId={c.id} prediction={c.prediction} recommendations={c.recommendations} />
      <ConsentPanel customerId={c.id} />
      <NotesPanel customerId={c.id} onChange={props.onTimelineChange} />

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="card-title">
          {t('card.timeline')}
        </h2>
        {c.timeline.length === 0 ? (
          <p className="muted">{t('card.noTimeline')}</p>
        ) : (
          <Timeline items={c.timeline} />
        )}
        {c.timeline_truncated ? <p className="muted small">{t('card.truncated')}</p> : null}
      </section>
    </>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function ProfileForm(props: { card: CustomerCardView; onSaved(c: CustomerCardView): void }) {
  const { t } = useI18n();
  const c = props.card;
  const staff = useLoad((signal) => api.staff({ signal }).catch(() => ({ items: [] })), []);
  const [name, setName] = useState(c.name ?? '');
  const [birthday, setBirthday] = useState(c.birthday ?? '');
  const [tags, setTags] = useState(c.tags.join(', '));
  const [manager, setManager] = useState(c.manager ? String(c.manager.id) : '');
  const [state, setState] = useState<{
    busy: boolean;
    saved: boolean;
    error: string | null;
    fields: Record<string, string>;
  }>({ busy: false, saved: false, error: null, fields: {} });

  useEffect(() => {
    setName(c.name ?? '');
    setBirthday(c.birthday ?? '');
    setTags(c.tags.join(', '));
    setManager(c.manager ? String(c.manager.id) : '');
  }, [c]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true, saved: false, error: null, fields: {} });
    try {
      // Only what changed: a PATCH of untouched fields would still be an edit in the audit.
      const patch: CustomerPatch = {};
      const newName = name.trim() || null;
      if (newName !== c.name) patch.name = newName;
      if ((birthday || null) !== c.birthday) patch.birthday = birthday || null;
      const newTags = tags
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      if (newTags.join('\u0000') !== c.tags.join('\u0000')) patch.tags = newTags;
      const newManager = manager ? Number(manager) : null;
      if (newManager !== (c.manager?.id ?? null)) patch.manager_id = newManager;
      const updated = Object.keys(patch).length > 0 ? await api.patchCustomer(c.id, patch) : c;
      props.onSaved(updated);
      setState({ busy: false, saved: true, error: null, fields: {} });
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldProblems() : {};
      setState({
        busy: false,
        saved: false,
        error: err instanceof Error ? err.message : String(err),
        fields,
      });
    }
  };

  const fieldError = (k: string) =>
    state.fields[k] ? (
      <span className="field-error" id={`p-${k}-error`}>
        {state.fields[k]}
      </span>
    ) : null;
  const invalid = (k: string) =>
    state.fields[k] ? { 'aria-invalid': true as const, 'aria-describedby': `p-${k}-error` } : {};
  const managers = staff.data?.items ?? [];
  return (
    <form className="profile-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor="p-name">{t('card.name')}</label>
        <input id="p-name" value={name} onChange={(e) => setName(e.target.value)} {...invalid('name')} />
        {fieldError('name')}
      </div>
      <div className="field">
        <label htmlFor="p-birthday">{t('card.birthday')}</label>
        <input
          id="p-birthday"
          type="date"
          value={birthday}
          onChange={(e) => setBirthday(e.target.value)}
          {...invalid('birthday')}
        />
        {fieldError('birthday')}
      </div>
      <div className="field">
        <label htmlFor="p-tags">{t('card.tags')}</label>
        <input
          id="p-tags"
          value={tags}
          onChange={(e) => setTags(e.target.value)}
          aria-describedby="p-tags-hint"
          {...invalid('tags')}
        />
        <span className="hint" id="p-tags-hint">
          {t('card.tagsHint')}
        </span>
        {fieldError('tags')}
      </div>
      <div className="field">
        <label htmlFor="p-manager">{t('card.manager')}</label>
        <select
          id="p-manager"
          value={manager}
          onChange={(e) => setManager(e.target.value)}
          {...invalid('manager_id')}
        >
          <option value="">{t('f.noManager')}</option>
          {c.manager && !managers.some((m) => m.id === c.manager?.id) ? (
            <option value={c.manager.id}>{c.manager.name}</option>
          ) : null}
          {managers.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        {fieldError('manager_id')}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={state.busy}>
          {state.busy ? t('card.saving') : t('card.save')}
        </button>
        <span aria-live="polite">
          {state.saved ? <span className="ok">{t('card.saved')}</span> : null}
          {state.error ? <span className="field-error">{state.error}</span> : null}
        </span>
      </div>
    </form>
  );
}

const TIMELINE_PAGE = 20;

function Timeline(props: { items: TimelineItem[] }) {
  const { t, fmt } = useI18n();
  const [shown, setShown] = useState(TIMELINE_PAGE);
  return (
    <>
      <ol className="timeline">
        {props.items.slice(0, shown).map((item, i) => {
          const when = <time dateTime={item.at}>{fmt.dateTime(item.at)}</time>;
          if (item.type === 'order') {
            const o = item.order;
            return (
              <li key={`o${o.id}`} className={`tl tl-order tl-${o.status}`}>
                <div className="tl-head">
                  <strong>{t('tl.order', { amount: fmt.money(o.amount) })}</strong>
                  {o.status !== 'completed' ? (
                    <span className="badge muted-badge">{t(`order.${o.status}`)}</span>
                  ) : null}
                  <span className="muted small">{when}</span>
                </div>
                {o.lines.length > 0 ? (
                  <ul className="tl-lines">
                    {o.lines.map((l) => (
                      <li key={l.line_no}>
                        {l.item ?? '—'}
                        {l.category ? <span className="muted"> · {l.category}</span> : null}
                        {Number(l.quantity) !== 1 ? <span className="muted"> × {l.quantity}</span> : null}
                        <span className="muted"> · {fmt.money(l.amount)}</span>
                        {l.staff ? <span className="muted"> · {l.staff}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {(o.staff && !o.lines.some((l) => l.staff)) || o.branch ? (
                  <div className="muted small">
                    {[o.lines.some((l) => l.staff) ? null : o.staff, o.branch].filter(Boolean).join(' · ')}
                  </div>
                ) : null}
              </li>
            );
          }
          if (item.type === 'status_change') {
            const ch = item.change;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: status changes have no id
              <li key={`s${i}`} className="tl tl-status">
                <div className="tl-head">
                  <span>
                    {ch.from ? <StatusBadge status={ch.from} /> : '—'} → <StatusBadge status={ch.to} />
                  </span>
                  <span className="muted small">{when}</span>
                </div>
                <div className="muted small">{ch.reason}</div>
              </li>
            );
          }
          if (item.type === 'note') {
            return (
              <li key={`n${item.note.id}`} className="tl tl-note">
                <div className="tl-head">
                  <strong>{t('tl.note', { author: item.note.author })}</strong>
                  <span className="muted small">{when}</span>
                </div>
                <p className="tl-note-body">{item.note.body}</p>
              </li>
            );
          }
          if (item.type === 'task') {
            return (
              <li key={`t${item.task.id}`} className="tl tl-task">
                <div className="tl-head">
                  <strong>{t('tl.taskDone', { title: item.task.title })}</strong>
                  <span className="muted small">{when}</span>
                </div>
                {item.task.done_by ? <div className="muted small">{item.task.done_by}</div> : null}
              </li>
            );
          }
          return (
            <li key={`e${item.event.id}`} className="tl tl-event">
              <div className="tl-head">
                <strong>{t('tl.event', { type: item.event.type })}</strong>
                <span className="muted small">{when}</span>
              </div>
              {Object.keys(item.event.data).length > 0 ? (
                <div className="muted small">
                  {Object.entries(item.event.data)
                    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(' · ')}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {props.items.length > shown ? (
        <button type="button" className="btn" onClick={() => setShown((n) => n + 100)}>
          {t('card.more', { n: props.items.length - shown })}
        </button>
      ) : null}
    </>
  );
}
