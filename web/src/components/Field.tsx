import { useId } from 'react';
import type {
  ChangeEvent,
  InputHTMLAttributes,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';

interface FieldFrame {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
}

function useFieldIds(error?: string, hint?: ReactNode) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return { id, errorId, hintId, describedBy: describedBy || undefined };
}

function Messages({
  error,
  hint,
  errorId,
  hintId,
}: FieldFrame & { errorId: string; hintId: string }) {
  return (
    <>
      {hint ? (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** The frame every field shares: its label (after the control for a checkbox), the hint and
 * the API's error, tied to the control by id and aria-describedby. */
function FieldShell({
  label,
  error,
  hint,
  check = false,
  control,
}: FieldFrame & { check?: boolean; control: (props: ControlProps) => ReactNode }) {
  const ids = useFieldIds(error, hint);
  const labelNode = <label htmlFor={ids.id}>{label}</label>;
  return (
    <div className={`field${check ? ' field-check' : ''}${error ? ' field-invalid' : ''}`}>
      {check ? null : labelNode}
      {control({
        id: ids.id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': ids.describedBy,
      })}
      {check ? labelNode : null}
      <Messages error={error} hint={hint} label={label} errorId={ids.errorId} hintId={ids.hintId} />
    </div>
  );
}

/** A field's props, parted: its frame (label, hint, error), and the rest for its control. */
function parted<P extends FieldFrame>({ label, error, hint, ...control }: P) {
  return [{ label, error, hint }, control] as const;
}

export function TextField(props: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  const [frame, input] = parted(props);
  return <FieldShell {...frame} control={(ids) => <input {...ids} {...input} />} />;
}

export function TextArea(props: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const [frame, input] = parted(props);
  return <FieldShell {...frame} control={(ids) => <textarea {...ids} {...input} />} />;
}

export function SelectField(props: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const [frame, { children, ...select }] = parted(props);
  return (
    <FieldShell
      {...frame}
      control={(ids) => (
        <select {...ids} {...select}>
          {children}
        </select>
      )}
    />
  );
}

export function CheckboxField(
  props: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>,
) {
  const [frame, input] = parted(props);
  return (
    <FieldShell {...frame} check control={(ids) => <input {...ids} type="checkbox" {...input} />} />
  );
}

/** A choice of several: a group of checkboxes, `value` the ids checked. `children` come
 * before the boxes (what to say when there are none); the API's error for the whole choice
 * after them. */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  error,
  children,
}: {
  legend: string;
  options: { id: string; label: string }[];
  value: string[];
  onChange: (ids: string[]) => void;
  error: string | undefined;
  children?: ReactNode;
}) {
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      {children}
      {options.map((o) => (
        <CheckboxField
          key={o.id}
          label={o.label}
          checked={value.includes(o.id)}
          onChange={(e) =>
            onChange(e.target.checked ? [...value, o.id] : value.filter((id) => id !== o.id))
          }
        />
      ))}
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}

type KeysOf<F, V> = { [K in keyof F]: F[K] extends V ? K : never }[keyof F];

/** What `field(key)` of bindForm gives a field: its value and the change that sets it. */
export interface FieldBinding {
  value: string;
  onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void;
}

/** Binds the fields of a form to its state: `field('name')` gives an input, select or text
 * area its value and the change that sets it; `check('auto_renew')` does so for a checkbox.
 * (A select's value is taken as one of its options.) */
export function bindForm<F extends object>(form: F, setForm: (form: F) => void) {
  return {
    field: (key: KeysOf<F, string>): FieldBinding => ({
      value: form[key] as string,
      onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
        setForm({ ...form, [key]: e.target.value }),
    }),
    check: (key: KeysOf<F, boolean>) => ({
      checked: form[key] as boolean,
      onChange: (e: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.checked }),
    }),
  };
}
