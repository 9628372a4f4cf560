import type { ReactNode } from 'react';

/** A form's closing row: Cancel, and the submit button that says what it does and, while
 * the request is out, that it is busy (and cannot be pressed twice). `extra` buttons come
 * first, at the other end of the row. */
export function FormActions({
  onCancel,
  pending,
  label,
  pendingLabel = 'Saving…',
  disabled = false,
  extra,
}: {
  onCancel: () => void;
  pending: boolean;
  label: string;
  pendingLabel?: string | undefined;
  disabled?: boolean | undefined;
  extra?: ReactNode;
}) {
  return (
    <div className="button-row button-row-end">
      {extra ? (
        <>
          {extra}
          <span style={{ flex: 1 }} />
        </>
      ) : null}
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button-primary" disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
    </div>
  );
}
