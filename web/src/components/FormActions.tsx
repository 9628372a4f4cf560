/** A form's closing row: Cancel, and the submit button that says what it does and, while
 * the request is out, that it is busy (and cannot be pressed twice). */
export function FormActions({
  onCancel,
  pending,
  label,
  pendingLabel = 'Saving…',
  disabled = false,
}: {
  onCancel: () => void;
  pending: boolean;
  label: string;
  pendingLabel?: string;
  disabled?: boolean;
}) {
  return (
    <div className="button-row button-row-end">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button-primary" disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
    </div>
  );
}
