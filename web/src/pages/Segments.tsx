/**
 * Saved segments: the list with live counts (open a segment's customers, edit, delete) and a
 * rule builder — conditions added and removed, combined with all/any, with a live count of
 * the customers who match as the rules change. #/segments?id=3 edits a segment;
 * #/segments?rules=<json> starts a new one from the customer list's filters.
 */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api, LIFECYCLE_STATUSES, RFM_SEGMENTS } from '../api.ts';
import {
  CHURN_RISKS,
  type Condition,
  type RuleField,
  type SavedSegment,
  type SegmentRules,
  workbench,
} from '../api-workbench.ts';
import { ErrorBox, Loading, PageTitle } from '../components/ui.tsx';
import { useDebounced, useLoad } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { href, navigate, type Route } from '../router.ts';
import '../styles/workbench.css';

const FIELDS: RuleField[] = [
  'status',
  'rfm_segment',
  'r_score',
  'f_score',
  'spent',
  'purchases',
  'last_purchase_days_ago',
  'last_purchase_on',
  'category',
  'source',
  'tag',
  'manager',
  'birthday_month',
  'churn_risk',
  'recommended',
];

type Kind = 'set' | 'checks' | 'range' | 'value';
const KIND: Record<RuleField, Kind> = {
  status: 'set',
  rfm_segment: 'set',
  source: 'set',
  manager: 'set',
  birthday_month: 'checks',
  churn_risk: 'checks',
  r_score: 'range',
  f_score: 'range',
  spent: 'range',
  purchases: 'range',
  last_purchase_days_ago: 'range',
  last_purchase_on: 'range',
  category: 'value',
  tag: 'value',
  recommended: 'value',
};
const OPS: Partial<Record<RuleField, string[]>> = {
  status: ['in', 'not_in'],
  rfm_segment: ['in', 'not_in'],
  source: ['in', 'not_in'],
  manager: ['in', 'not_in'],
  category: ['bought', 'not_bought'],
  tag: ['has', 'has_not'],
};

/**
 * A condition as the form holds it: strings while typing, turned into the API's shape by
 * `toCondition` (an incomplete row is left out of the preview rather than sent broken).
 */
interface Draft {
  key: number;
  field: RuleField;
  op: string;
  values: string[];
  min: string;
  max: string;
  value: string;
}

let nextKey = 1;
function blank(field: RuleField): Draft {
  return { key: nextKey++, field, op: OPS[field]?.[0] ?? '', values: [], min: '', max: '', value: '' };
}

function fromCondition(c: Condition): Draft {
  const d = blank(c.field);
  const any = c as Record<string, unknown>;
  if (typeof any.op === 'string') d.op = any.op;
  if (Array.isArray(any.values)) d.values = any.values.map((v) => (v === null ? 'none' : String(v)));
  if (any.min !== undefined) d.min = String(any.min);
  if (any.max !== undefined) d.max = String(any.max);
  if (typeof any.value === 'string') d.value = any.value;
  return d;
}

const NUMERIC_RANGE = new Set<RuleField>(['r_score', 'f_score', 'purchases', 'last_purchase_days_ago']);

function toCondition(d: Draft): Condition | null {
  const kind = KIND[d.field];
  if (kind === 'range') {
    const conv = (s: string) => {
      const v = s.trim().replace(',', '.');
      if (v === '') return undefined;
      return NUMERIC_RANGE.has(d.field) ? Number(v) : v;
    };
    const min = conv(d.min);
    const max = conv(d.max);
    if (min === undefined && max === undefined) return null;
    return {
      field: d.field,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    } as Condition;
  }
  if (kind === 'value') {
    if (d.value.trim() === '') return null;
    return { field: d.field, ...(d.op ? { op: d.op } : {}), value: d.value.trim() } as Condition;
  }
  const values =
    d.field === 'source'
      ? d.values
          .flatMap((v) => v.split(','))
          .map((v) => v.trim())
          .filter(Boolean)
      : d.values;
  if (values.length === 0) return null;
  const typed =
    d.field === 'manager'
      ? values.map((v) => (v === 'none' ? null : Number(v)))
      : d.field === 'birthday_month'
        ? values.map(Number)
        : values;
  return { field: d.field, ...(d.op ? { op: d.op } : {}), values: typed } as Condition;
}

function rulesOf(match: 'all' | 'any', drafts: Draft[]): SegmentRules {
  return { match, conditions: drafts.map(toCondition).filter((c): c is Condition => c !== null) };
}

function parseRulesParam(s: string | null): SegmentRules | null {
  if (!s) return null;
  try {
    const r = JSON.parse(s) as SegmentRules;
    return r && Array.isArray(r.conditions) ? r : null;
  } catch {
    return null;
  }
}

export function SegmentsPage(props: { route: Route }) {
  const { t, fmt } = useI18n();
  const list = useLoad((signal) => workbench.segments({ signal }), []);
  const editId = props.route.query.get('id');
  const initialRules = props.route.query.get('rules');
  const leftOut = props.route.query.get('left_out') === '1';
  const editing = editId ? (list.data?.items.find((s) => s.id === Number(editId)) ?? null) : null;
  const counts = useSegmentCounts(list.data?.items ?? null);
  // The builder remounts on the saved segment's id: "Saved." must outlive that.
  const [justSaved, setJustSaved] = useState<number | null>(null);

  const remove = async (s: SavedSegment) => {
    if (!window.confirm(t('sg.confirmDelete', { name: s.name }))) return;
    try {
      await workbench.deleteSegment(s.id);
      if (editId === String(s.id)) navigate(href('/segments'));
      list.reload();
    } catch (e) {
      window.alert(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div>
      <PageTitle title={t('sg.title')}>{t('sg.title')}</PageTitle>
      <div className="segments-page">
        <section className="card" aria-labelledby="saved-segments">
          <h2 id="saved-segments" className="card-title">
            {t('sg.saved')}
          </h2>
          {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : null}
          {list.loading && !list.data ? <Loading /> : null}
          {list.data && list.data.items.length === 0 ? <p className="muted">{t('sg.none')}</p> : null}
          <ul className="segment-list">
            {list.data?.items.map((s) => (
              <li key={s.id} className={String(s.id) === editId ? 'current' : undefined}>
                <span className="segment-name">{s.name}</span>
                <span className="segment-count" data-testid={`segment-count-${s.id}`}>
                  {counts.get(s.id) === undefined
                    ? '…'
                    : t('sg.count', { n: fmt.number(counts.get(s.id)!), count: counts.get(s.id)! })}
                </span>
                <a className="btn btn-quiet" href={href('/customers', { segment: s.id })}>
                  {t('sg.open')}
                </a>
                <a className="btn btn-quiet" href={href('/segments', { id: s.id })}>
                  {t('sg.edit')}
                </a>
                <button type="button" className="btn btn-quiet" onClick={() => void remove(s)}>
                  {t('sg.delete')}
                </button>
              </li>
            ))}
          </ul>
          <a className="btn" href={href('/segments', { new: 1 })}>
            {t('sg.new')}
          </a>
        </section>
        {editId && !editing && list.loading ? (
          <Loading />
        ) : (
          <Builder
            key={editing ? `s${editing.id}` : `new${initialRules ?? ''}`}
            segment={editing}
            initial={editing ? (editing.rules as SegmentRules) : parseRulesParam(initialRules)}
            leftOut={!editing && leftOut}
            justSaved={editing !== null && editing.id === justSaved}
            onSaved={(s) => {
              setJustSaved(s.id);
              list.reload();
              navigate(href('/segments', { id: s.id }), { replace: true });
            }}
          />
        )}
      </div>
    </div>
  );
}

/**
 * Each segment's count, read one at a time after the list shows (a count scans the base:
 * hundreds of ms at a million customers), newest list first; a changed list starts over.
 */
function useSegmentCounts(items: SavedSegment[] | null): Map<number, number> {
  const [counts, setCounts] = useState<Map<number, number>>(new Map());
  const key = items?.map((s) => `${s.id}:${s.updated_at}`).join(',') ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids and versions are the key
  useEffect(() => {
    if (!items) return;
    const ctl = new AbortController();
    void (async () => {
      for (const s of items) {
        try {
          const one = await workbench.segment(s.id, { signal: ctl.signal });
          if (ctl.signal.aborted) return;
          setCounts((m) => new Map(m).set(s.id, one.count ?? 0));
        } catch {
          if (ctl.signal.aborted) return;
        }
      }
    })();
    return () => ctl.abort();
  }, [key]);
  return counts;
}

function Builder(props: {
  segment: SavedSegment | null;
  initial: SegmentRules | null;
  leftOut: boolean;
  justSaved: boolean;
  onSaved(s: SavedSegment): void;
}) {
  const { t, fmt } = useI18n();
  const [name, setName] = useState(props.segment?.name ?? '');
  const [description, setDescription] = useState(props.segment?.description ?? '');
  const [match, setMatch] = useState<'all' | 'any'>(props.initial?.match ?? 'all');
  const [drafts, setDrafts] = useState<Draft[]>(() => (props.initial?.conditions ?? []).map(fromCondition));
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(props.justSaved);
  const [error, setError] = useState<Error | null>(null);
  const staff = useLoad((signal) => api.staff({ signal }).catch(() => ({ items: [] })), []);

  const rules = useMemo(() => rulesOf(match, drafts), [match, drafts]);
  const rulesKey = useDebounced(JSON.stringify(rules), 350);
  const preview = useLoad(
    (signal) => workbench.preview(JSON.parse(rulesKey) as SegmentRules, { signal }),
    [rulesKey],
  );

  /** A patch, or a function of the condition as it is now (two quick clicks both count). */
  const update = (key: number, patch: Partial<Draft> | ((d: Draft) => Partial<Draft>)) => {
    setSaved(false);
    setDrafts((ds) =>
      ds.map((d) => (d.key === key ? { ...d, ...(typeof patch === 'function' ? patch(d) : patch) } : d)),
    );
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = { name: name.trim(), description: description.trim() || null, rules };
      const s = props.segment
        ? await workbench.updateSegment(props.segment.id, body)
        : await workbench.createSegment(body);
      setSaved(true);
      props.onSaved(s);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setSaving(false);
    }
  };

  const problems = error instanceof ApiError ? error.fieldProblems() : {};

  return (
    <section className="card builder" aria-labelledby="builder-title">
      <h2 id="builder-title" className="card-title">
        {props.segment ? props.segment.name : t('sg.new')}
      </h2>
      {props.leftOut ? <p className="muted">{t('wb.notCarried')}</p> : null}
      <form onSubmit={save}>
        <div className="head-fields">
          <div className="field">
            <label htmlFor="segment-name">{t('sg.name')}</label>
            <input
              id="segment-name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setSaved(false);
              }}
              aria-invalid={problems.name ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="segment-description">{t('sg.description')}</label>
            <input
              id="segment-description"
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="segment-match">{t('sg.match')}</label>
            <select
              id="segment-match"
              value={match}
              onChange={(e) => setMatch(e.target.value as 'all' | 'any')}
            >
              <option value="all">{t('sg.match.all')}</option>
              <option value="any">{t('sg.match.any')}</option>
            </select>
          </div>
        </div>

        {drafts.length === 0 ? <p className="muted">{t('sg.empty')}</p> : null}
        <ol className="conditions">
          {drafts.map((d, i) => (
            <li key={d.key} className="condition">
              <div className="field">
                <label htmlFor={`cond-field-${d.key}`}>{t('sg.field', { n: i + 1 })}</label>
                <select
                  id={`cond-field-${d.key}`}
                  value={d.field}
                  onChange={(e) => {
                    const field = e.target.value as RuleField;
                    update(d.key, { ...blank(field), key: d.key });
                  }}
                >
                  {FIELDS.map((f) => (
                    <option key={f} value={f}>
                      {t(`sg.field.${f}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </div>
              <ConditionEditor
                draft={d}
                index={i}
                staff={staff.data?.items ?? []}
                problem={Object.entries(problems).find(([p]) => p.startsWith(`rules.conditions.${i}`))?.[1]}
                onChange={(patch) => update(d.key, patch)}
              />
              <button
                type="button"
                className="btn btn-quiet"
                aria-label={t('sg.remove', { n: i + 1 })}
                onClick={() => {
                  setSaved(false);
                  setDrafts((ds) => ds.filter((x) => x.key !== d.key));
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="btn" onClick={() => setDrafts((ds) => [...ds, blank('status')])}>
          {t('sg.add')}
        </button>

        <p className="preview-count" aria-live="polite" data-testid="segment-preview">
          {preview.loading || rulesKey !== JSON.stringify(rules)
            ? t('sg.previewing')
            : preview.data
              ? t('sg.preview', { n: fmt.number(preview.data.count), count: preview.data.count })
              : ''}
        </p>
        {preview.error ? <ErrorBox error={preview.error} /> : null}

        <div className="builder-actions">
          <button type="submit" className="btn btn-primary" disabled={saving || name.trim() === ''}>
            {props.segment ? t('sg.update') : t('sg.save')}
          </button>
          {props.segment ? (
            <a className="btn" href={href('/customers', { segment: props.segment.id })}>
              {t('sg.open')}
            </a>
          ) : null}
          {saved ? (
            <span role="status" className="muted">
              {t('sg.savedOk')}
            </span>
          ) : null}
        </div>
        {error ? <ErrorBox error={error} /> : null}
      </form>
    </section>
  );
}

function ConditionEditor(props: {
  draft: Draft;
  index: number;
  staff: { id: number; name: string }[];
  problem: string | undefined;
  onChange(patch: Partial<Draft> | ((d: Draft) => Partial<Draft>)): void;
}) {
  const { t, tk, fmt } = useI18n();
  const d = props.draft;
  const id = `cond-${d.key}`;
  const ops = OPS[d.field];
  const kind = KIND[d.field];

  const options: [string, string][] = useMemo(() => {
    switch (d.field) {
      case 'status':
        return LIFECYCLE_STATUSES.map((s) => [s, tk(`status.${s}`, s)]);
      case 'rfm_segment':
        return RFM_SEGMENTS.map((s) => [s, tk(`seg.${s}`, s)]);
      case 'manager':
        return [
          ...props.staff.map((s): [string, string] => [String(s.id), s.name]),
          ['none', t('f.noManager')],
        ];
      case 'churn_risk':
        return CHURN_RISKS.map((r) => [r, t(`wb.risk.${r}`)]);
      case 'birthday_month':
        return Array.from({ length: 12 }, (_, i): [string, string] => [
          String(i + 1),
          fmt.month(`2024-${String(i + 1).padStart(2, '0')}`).replace(/\s*\d{4}.*$/, ''),
        ]);
      default:
        return [];
    }
  }, [d.field, props.staff, t, tk, fmt]);

  const inputType = d.field === 'last_purchase_on' ? 'date' : NUMERIC_RANGE.has(d.field) ? 'number' : 'text';
  const bounds = d.field === 'r_score' || d.field === 'f_score' ? { min: 1, max: 5 } : { min: 0 };

  return (
    <div className="condition-value">
      {ops ? (
        <div className="field">
          <label htmlFor={`${id}-op`}>{t('sg.op', { n: props.index + 1 })}</label>
          <select id={`${id}-op`} value={d.op} onChange={(e) => props.onChange({ op: e.target.value })}>
            {ops.map((o) => (
              <option key={o} value={o}>
                {t(`sg.op.${o}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === 'range' ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-min`}>{t('sg.min')}</label>
            <input
              id={`${id}-min`}
              type={inputType}
              inputMode={d.field === 'spent' ? 'decimal' : undefined}
              {...(inputType === 'number' ? bounds : {})}
              value={d.min}
              onChange={(e) => props.onChange({ min: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-max`}>{t('sg.max')}</label>
            <input
              id={`${id}-max`}
              type={inputType}
              inputMode={d.field === 'spent' ? 'decimal' : undefined}
              {...(inputType === 'number' ? bounds : {})}
              value={d.max}
              onChange={(e) => props.onChange({ max: e.target.value })}
            />
          </div>
        </>
      ) : null}
      {kind === 'value' ? (
        <div className="field">
          <label htmlFor={`${id}-value`}>{t('sg.value')}</label>
          <input
            id={`${id}-value`}
            maxLength={200}
            value={d.value}
            onChange={(e) => props.onChange({ value: e.target.value })}
          />
        </div>
      ) : null}
      {d.field === 'source' ? (
        <div className="field">
          <label htmlFor={`${id}-values`}>
            {t('sg.values')} ({t('sg.valuesHint')})
          </label>
          <input
            id={`${id}-values`}
            value={d.values.join(',')}
            onChange={(e) => props.onChange({ values: [e.target.value] })}
          />
        </div>
      ) : null}
      {options.length > 0 ? (
        <fieldset className="checks">
          <legend>{t('sg.values')}</legend>
          {options.map(([v, label]) => (
            <label key={v} className="check">
              <input
                type="checkbox"
                checked={d.values.includes(v)}
                onChange={(e) => {
                  // From the condition as it is when the update applies, not as this render saw it.
                  const on = e.target.checked;
                  props.onChange((cur) => ({
                    values: on
                      ? [...cur.values.filter((x) => x !== v), v]
                      : cur.values.filter((x) => x !== v),
                  }));
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
      ) : null}
      {props.problem ? <p className="field-error">{props.problem}</p> : null}
    </div>
  );
}
