import type { ReactNode } from 'react';
import { useOrg } from '../../api/queries';
import type { ClientStatus } from '../../api/types';
import { NameOptions, type PickerProps } from '../../components/Choices';
import { bindForm, SelectField, TextField } from '../../components/Field';

export const CLIENT_STATUSES: { value: ClientStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'prospect', label: 'Prospect' },
  { value: 'inactive', label: 'Inactive' },
];

interface Contact {
  name: string;
  email: string;
  phone: string;
}

/** A client's name, then email and phone side by side (with `children` after them in the
 * same grid): the same fields for adding a client and for editing one. */
export function ClientContactFields<F extends Contact>({
  form,
  setForm,
  errors,
  children,
}: {
  form: F;
  setForm: (form: F) => void;
  errors: Record<string, string>;
  children?: ReactNode;
}) {
  const { field } = bindForm<Contact>(form, (contact) => setForm({ ...form, ...contact }));
  return (
    <>
      <TextField label="Name" {...field('name')} required error={errors.name} />
      <div className="form-grid">
        <TextField label="Email" type="email" {...field('email')} error={errors.email} />
        <TextField label="Phone" type="tel" {...field('phone')} error={errors.phone} />
        {children}
      </div>
    </>
  );
}

export function ClientStatusField(props: PickerProps) {
  return (
    <SelectField label="Status" {...props}>
      {CLIENT_STATUSES.map((s) => (
        <option key={s.value} value={s.value}>
          {s.label}
        </option>
      ))}
    </SelectField>
  );
}

/** The client's location, one of the organization's (or none). */
export function ClientLocationField(props: PickerProps) {
  const org = useOrg().data?.data;
  return (
    <SelectField label="Location" {...props}>
      <option value="">No location</option>
      <NameOptions items={org?.locations} />
    </SelectField>
  );
}
