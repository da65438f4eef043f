/** Small shared pieces: loading and error states, status and segment badges, the page title. */
import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status" data-loading="">
      {t('loading')}
    </p>
  );
}

export function ErrorBox(props: { error: Error; retry?: () => void }) {
  const { t } = useI18n();
  const forbidden = props.error instanceof ApiError && props.error.status === 403;
  return (
    <div className="error" role="alert">
      <p>{t(forbidden ? 'error.forbidden' : 'error.generic', { message: props.error.message })}</p>
      {props.retry ? (
        <button type="button" className="btn" onClick={props.retry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

export function StatusBadge(props: { status: string | null | undefined }) {
  const { tk } = useI18n();
  if (!props.status) return <span className="muted">—</span>;
  return <span className={`badge status-${props.status}`}>{tk(`status.${props.status}`, props.status)}</span>;
}

export function SegmentBadge(props: { segment: string | null | undefined }) {
  const { tk } = useI18n();
  if (!props.segment) return <span className="muted">—</span>;
  return (
    <span className={`badge seg seg-${props.segment}`}>{tk(`seg.${props.segment}`, props.segment)}</span>
  );
}

/** The page's h1; focused when the page opens so screen readers announce where they are. */
export function PageTitle(props: {
  children: ReactNode;
  title: string;
  actions?: ReactNode;
  focus?: boolean;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  const focus = props.focus ?? true;
  useEffect(() => {
    document.title = `${props.title} · Comeback`;
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [props.title, focus]);
  return (
    <div className="page-head">
      <h1 ref={ref} tabIndex={-1}>
        {props.children}
      </h1>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </div>
  );
}
