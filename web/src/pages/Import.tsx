/**
 * The import wizard: upload a CSV/XLSX → first rows and the recognised columns (editable) →
 * a dry run (what would be imported, which rows are rejected and why) → the run in the
 * background with a progress bar (polled) → the rejected rows as CSV.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import {
  api,
  type ImportRunRequest,
  type ImportStatus,
  type ImportSummary,
  type UploadPreview,
} from '../api.ts';
import { ErrorBox, PageTitle } from '../components/ui.tsx';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';

type Kind = 'orders' | 'customers';

const DATE_FORMATS = ['auto', 'DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD'] as const;
type DateFormat = (typeof DATE_FORMATS)[number];

type Step = 'file' | 'columns' | 'checked' | 'running' | 'done';
const STEPS: { step: Step[]; label: MessageKey }[] = [
  { step: ['file'], label: 'imp.step.file' },
  { step: ['columns'], label: 'imp.step.columns' },
  { step: ['checked'], label: 'imp.step.check' },
  { step: ['running', 'done'], label: 'imp.step.run' },
];

export function ImportPage() {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('file');
  const [preview, setPreview] = useState<UploadPreview | null>(null);
  const [kind, setKind] = useState<Kind>('orders');
  /** header → field ('' = not imported) */
  const [assign, setAssign] = useState<Record<string, string>>({});
  const [dateFormat, setDateFormat] = useState<DateFormat>('auto');
  const [dry, setDry] = useState<ImportSummary | null>(null);
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  /** What the user forced at upload (encoding, delimiter): the run must read the file the same way. */
  const [readOptions, setReadOptions] = useState<Pick<ImportRunRequest, 'encoding' | 'delimiter'>>({});

  const fail = (e: unknown) => setError(e instanceof Error ? e : new Error(String(e)));

  const request = (): ImportRunRequest => {
    const map: Record<string, string> = {};
    for (const [header, field] of Object.entries(assign)) if (field) map[field] = header;
    return { kind, map, date_format: dateFormat, ...readOptions };
  };

  const onUploaded = (p: UploadPreview, options: Pick<ImportRunRequest, 'encoding' | 'delimiter'>) => {
    setPreview(p);
    setReadOptions(options);
    setKind(p.kind);
    const a: Record<string, string> = {};
    for (const h of p.headers) a[h] = '';
    for (const [field, header] of Object.entries(p.mapping ?? {})) a[header] = field;
    setAssign(a);
    setStep('columns');
  };

  const check = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      setDry(await api.dryRun(preview.upload_id, request()));
      setStep('checked');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      const started = await api.run(preview.upload_id, request());
      setStatus(null);
      setStep('running');
      await poll(started.batch_id);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  // Polling stops when the page is left (set in the effect body too: StrictMode remounts).
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const poll = async (batchId: number) => {
    for (;;) {
      if (!alive.current) return;
      const s = await api.importStatus(batchId);
      setStatus(s);
      if (s.status !== 'running') {
        setStep('done');
        return;
      }
      await new Promise((r) => setTimeout(r, 400));
    }
  };

  const restart = () => {
    setStep('file');
    setPreview(null);
    setDry(null);
    setStatus(null);
    setError(null);
  };

  return (
    <div className="import">
      <PageTitle title={t('imp.title')}>{t('imp.title')}</PageTitle>
      <p className="muted">{t('imp.intro')}</p>
      <ol className="steps" aria-label={t('imp.steps')}>
        {STEPS.map((s, i) => (
          <li
            key={s.label}
            className={s.step.includes(step) ? 'current' : undefined}
            aria-current={s.step.includes(step) ? 'step' : undefined}
          >
            <span className="step-n">{i + 1}</span> {t(s.label)}
          </li>
        ))}
      </ol>
      {error ? <ErrorBox error={error} /> : null}

      {step === 'file' ? (
        <UploadStep onUploaded={onUploaded} onError={fail} clearError={() => setError(null)} />
      ) : null}

      {step === 'columns' && preview ? (
        <section className="card" aria-labelledby="columns-title">
          <h2 id="columns-title" className="card-title">
            {t('imp.mapping')}
          </h2>
          <p className="muted small" data-testid="detected">
            {t('imp.detected', {
              file: preview.file_name,
              format: preview.format.toUpperCase(),
              encoding: preview.encoding ?? '—',
              delimiter: preview.delimiter === '\t' ? t('imp.tab') : (preview.delimiter ?? '—'),
              kind: t(`imp.kind.${preview.kind}`),
            })}
          </p>
          {preview.mapping_error ? (
            <p className="notice">{t('imp.mappingError', { message: preview.mapping_error })}</p>
          ) : (
            <p className="muted small">{t('imp.mappingHint')}</p>
          )}
          <div className="filter-row">
            <div className="field">
              <label htmlFor="imp-kind2">{t('imp.kind')}</label>
              <select
                id="imp-kind2"
                value={kind}
                onChange={(e) => {
                  const k = e.target.value as Kind;
                  setKind(k);
                  setAssign((a) =>
                    Object.fromEntries(
                      Object.entries(a).map(([h, f]) => [h, preview.fields[k].includes(f) ? f : '']),
                    ),
                  );
                }}
              >
                <option value="orders">{t('imp.kind.orders')}</option>
                <option value="customers">{t('imp.kind.customers')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="imp-date">{t('imp.dateFormat')}</label>
              <select
                id="imp-date"
                value={dateFormat}
                onChange={(e) => setDateFormat(e.target.value as DateFormat)}
              >
                {DATE_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f === 'auto' ? t('imp.auto') : f}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="table-scroll">
            <table className="data mapping">
              <thead>
                <tr>
                  <th scope="col">{t('imp.column')}</th>
                  <th scope="col">{t('imp.sample')}</th>
                  <th scope="col">{t('imp.field')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.headers.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: headers may repeat or be empty
                  <tr key={`${h}-${i}`}>
                    <th scope="row">{h || `#${i + 1}`}</th>
                    <td className="sample">{preview.rows[0]?.[i] ?? ''}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={`map-${i}`}>
                        {t('imp.field')}: {h}
                      </label>
                      <select
                        id={`map-${i}`}
                        data-header={h}
                        value={assign[h] ?? ''}
                        onChange={(e) => {
                          const field = e.target.value;
                          setAssign((a) => {
                            const next = { ...a };
                            // One column per field: taking a field frees it elsewhere.
                            if (field) for (const k of Object.keys(next)) if (next[k] === field) next[k] = '';
                            next[h] = field;
                            return next;
                          });
                        }}
                      >
                        <option value="">{t('imp.ignore')}</option>
                        {preview.fields[kind].map((f) => (
                          <option key={f} value={f}>
                            {t(`field.${f}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <details className="preview-rows" open>
            <summary>{t('imp.preview')}</summary>
            <div className="table-scroll">
              <table className="data compact preview">
                <thead>
                  <tr>
                    {preview.headers.map((h, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: headers may repeat
                      <th key={i} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((row, r) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: preview rows are positional
                    <tr key={r}>
                      {preview.headers.map((_, c) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                        <td key={c}>{row[c] ?? ''}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          <div className="form-actions">
            <button type="button" className="btn" onClick={restart}>
              {t('imp.back')}
            </button>
            <button type="button" className="btn btn-primary" onClick={check} disabled={busy}>
              {busy ? t('imp.checking') : t('imp.dryRun')}
            </button>
          </div>
        </section>
      ) : null}

      {step === 'checked' && dry ? (
        <section className="card" aria-labelledby="dry-title">
          <h2 id="dry-title" className="card-title">
            {t('imp.dry')}
          </h2>
          <SummaryFigures summary={dry} dryRun />
          <Rejects rejected={dry.rejected} />
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setStep('columns')}>
              {t('imp.back')}
            </button>
            <button type="button" className="btn btn-primary" onClick={run} disabled={busy}>
              {t('imp.run')}
            </button>
          </div>
        </section>
      ) : null}

      {step === 'running' ? (
        <section className="card" aria-labelledby="run-title">
          <h2 id="run-title" className="card-title">
            {t('imp.running')}
          </h2>
          <Progress status={status} />
        </section>
      ) : null}

      {step === 'done' && status ? (
        <section className="card" aria-labelledby="done-title">
          <h2 id="done-title" className="card-title" data-testid="import-done">
            {status.status === 'completed'
              ? t('imp.done')
              : t('imp.failed', { message: status.error?.message ?? status.status })}
          </h2>
          <Progress status={status} />
          {status.summary ? <SummaryFigures summary={status.summary} /> : null}
          <Rejects rejected={status.summary?.rejected ?? []} />
          <div className="form-actions">
            {status.rejected > 0 ? <DownloadRejects batchId={status.batch_id} /> : null}
            <button type="button" className="btn" onClick={restart}>
              {t('imp.again')}
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function UploadStep(props: {
  onUploaded(p: UploadPreview, options: Pick<ImportRunRequest, 'encoding' | 'delimiter'>): void;
  onError(e: unknown): void;
  clearError(): void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    for (const k of ['kind', 'encoding', 'delimiter']) if (form.get(k) === '') form.delete(k);
    setBusy(true);
    props.clearError();
    const encoding = form.get('encoding');
    const delimiter = form.get('delimiter');
    const options: Pick<ImportRunRequest, 'encoding' | 'delimiter'> = {
      ...(encoding === 'utf8' || encoding === 'cp1251' ? { encoding } : {}),
      ...(delimiter === ';' || delimiter === ',' || delimiter === 'tab' ? { delimiter } : {}),
    };
    try {
      props.onUploaded(await api.upload(form), options);
    } catch (err) {
      props.onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="file-title">
      <h2 id="file-title" className="card-title">
        {t('imp.step.file')}
      </h2>
      <form className="upload-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="imp-file">{t('imp.file')}</label>
          <input id="imp-file" name="file" type="file" accept=".csv,.txt,.tsv,.xlsx,text/csv" required />
        </div>
        <div className="filter-row">
          <div className="field">
            <label htmlFor="imp-kind">{t('imp.kind')}</label>
            <select id="imp-kind" name="kind" defaultValue="">
              <option value="">{t('imp.kind.auto')}</option>
              <option value="orders">{t('imp.kind.orders')}</option>
              <option value="customers">{t('imp.kind.customers')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="imp-encoding">{t('imp.encoding')}</label>
            <select id="imp-encoding" name="encoding" defaultValue="">
              <option value="">{t('imp.auto')}</option>
              <option value="utf8">UTF-8</option>
              <option value="cp1251">Windows-1251</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="imp-delimiter">{t('imp.delimiter')}</label>
            <select id="imp-delimiter" name="delimiter" defaultValue="">
              <option value="">{t('imp.auto')}</option>
              <option value=";">;</option>
              <option value=",">,</option>
              <option value="tab">{t('imp.tab')}</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('imp.uploading') : t('imp.upload')}
          </button>
        </div>
      </form>
    </section>
  );
}

function SummaryFigures(props: { summary: ImportSummary; dryRun?: boolean }) {
  const { t, fmt } = useI18n();
  const s = props.summary;
  const figures: [MessageKey, number, string][] = [
    ['imp.rows', s.rows, 'rows'],
    [props.dryRun ? 'imp.wouldImport' : 'imp.imported', s.imported, 'imported'],
    ['imp.skipped', s.skipped, 'skipped'],
    ['imp.rejected', s.rejected.length, 'rejected'],
    ['imp.customersCreated', s.customers_created, 'customers-created'],
    ['imp.customersMatched', s.customers_matched, 'customers-matched'],
    ...(s.kind === 'orders'
      ? [['imp.ordersCreated', s.orders_created, 'orders-created'] as [MessageKey, number, string]]
      : []),
  ];
  return (
    <dl className="figures">
      {figures.map(([label, value, id]) => (
        <div key={id} className={`figure${id === 'rejected' && value > 0 ? ' warn' : ''}`} data-figure={id}>
          <dt>{t(label)}</dt>
          <dd>{fmt.number(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Rejects(props: { rejected: ImportSummary['rejected'] }) {
  const { t } = useI18n();
  if (props.rejected.length === 0) return <p className="muted">{t('imp.noRejects')}</p>;
  const shown = props.rejected.slice(0, 200);
  return (
    <div className="table-scroll rejects">
      <table className="data compact" data-testid="rejects">
        <caption>
          {t('imp.rejectedRows')} ({props.rejected.length})
        </caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('rej.line')}
            </th>
            <th scope="col">{t('rej.column')}</th>
            <th scope="col">{t('rej.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line may have several problems
            <tr key={`${r.line}-${i}`}>
              <td className="num">{r.line}</td>
              <td>{r.column ?? '—'}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Progress(props: { status: ImportStatus | null }) {
  const { t, fmt } = useI18n();
  const s = props.status;
  const p = s?.progress;
  const done = s !== null && s.status !== 'running';
  const value = done ? 1 : p && p.bytes > 0 ? p.bytes_read / p.bytes : undefined;
  return (
    <div className="progress">
      <label htmlFor="import-progress">{t('imp.progress')}</label>
      <progress id="import-progress" max={1} {...(value !== undefined ? { value } : {})} />
      <span className="muted small" aria-live="polite">
        {value !== undefined ? fmt.percent(value, 0) : ''}
        {s ? ` · ${t('imp.rows')}: ${fmt.number(p?.rows ?? s.rows)}` : ''}
      </span>
    </div>
  );
}

function DownloadRejects(props: { batchId: number }) {
  const { t } = useI18n();
  const [error, setError] = useState<Error | null>(null);
  // The CSV needs the Authorization header, so it is fetched and handed over as a blob.
  const download = async () => {
    setError(null);
    try {
      const blob = await api.rejectsCsv(props.batchId);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `import-${props.batchId}-rejects.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return (
    <>
      <button type="button" className="btn" onClick={download}>
        {t('imp.download')}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}
