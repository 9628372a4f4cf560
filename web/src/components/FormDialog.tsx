import type { ReactNode } from 'react';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorState';
import { FormActions } from './FormActions';

/** A dialog that is one form: above its fields the error that is not about one of them
 * (`notice`, by default the save's), below them Cancel and the submit button, busy while
 * the save is out. Submitting runs `onSubmit` (the browser's own validation stays off: the
 * API's errors show next to their fields). */
export function FormDialog({
  title,
  onClose,
  wide = false,
  save,
  notice = save.error,
  onSubmit,
  label,
  pendingLabel,
  disabled,
  extra,
  children,
}: {
  title: ReactNode;
  onClose: () => void;
  wide?: boolean;
  save: { error: unknown; isPending: boolean };
  notice?: unknown;
  onSubmit: () => void;
  label: string;
  pendingLabel?: string;
  disabled?: boolean;
  /** Buttons at the start of the closing row (a record's Delete). */
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose} wide={wide}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        <ErrorNotice error={notice} />
        {children}
        <FormActions
          onCancel={onClose}
          pending={save.isPending}
          label={label}
          pendingLabel={pendingLabel}
          disabled={disabled}
          extra={extra}
        />
      </form>
    </Dialog>
  );
}
