import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorState, type Loading } from './ErrorState';
import { SkeletonLines } from './Skeleton';

/** The way back from a record to its list ("← Clients"). */
export function Breadcrumb({ to, label }: { to: string; label: string }) {
  return (
    <p className="breadcrumb">
      <Link to={to}>← {label}</Link>
    </p>
  );
}

/** A record's heading: its name (after its colour, when it has one) with its status beside
 * it, a line about it, and its actions. */
export function RecordHead({
  name,
  color,
  status,
  sub,
  actions,
}: {
  name: string;
  color?: string | null | undefined;
  status: ReactNode;
  sub: ReactNode;
  actions: ReactNode;
}) {
  return (
    <div className="page-head">
      <div>
        <div className="client-title">
          {color ? (
            <span className="swatch" style={{ background: color }} aria-hidden="true" />
          ) : null}
          <h1>{name}</h1>
          {status}
        </div>
        <p className="page-sub">{sub}</p>
      </div>
      <div className="page-actions">{actions}</div>
    </div>
  );
}

/** A record's page until the record has come: the error (with Try again) under the way
 * back, or a skeleton of its heading and of its two columns of cards, said as `loading`
 * (the record, then each column). */
export function RecordPageLoading({
  query,
  back,
  loading: [record, left, right],
}: {
  query: Loading;
  back?: ReactNode;
  loading: readonly [string, string, string];
}) {
  if (query.isError) {
    return (
      <div className="page">
        {back}
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  }
  return (
    <div className="page">
      <SkeletonLines lines={2} label={record} />
      <div className="grid-2">
        <div className="card">
          <SkeletonLines lines={6} label={left} />
        </div>
        <div className="card">
          <SkeletonLines lines={6} label={right} />
        </div>
      </div>
    </div>
  );
}
