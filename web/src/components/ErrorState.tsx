import { ApiError, describeError } from '../api/problem';

/** A query as what stands in for its data reads it: whether it failed, and how to retry. */
export interface Loading {
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** A failed load, said plainly: a 403 is "You don't have access to this", never a blank page. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, detail } = describeError(error);
  return (
    <div className="error-state" role="alert">
      <h2 className="error-title">{title}</h2>
      <p>{detail}</p>
      {onRetry && !(error instanceof ApiError && error.status < 500) ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** An error above a form (what is not about one field), or after an action. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const { title, detail } = describeError(error);
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}.</strong> {detail}
    </div>
  );
}
