import { useState } from 'react';
import { api, unwrapVersioned } from '../../api/client';
import { keys, usePeople } from '../../api/queries';
import { ApiError } from '../../api/problem';
import type { Client } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { Card } from '../../components/Card';
import { ErrorNotice } from '../../components/ErrorState';
import { bindForm, CheckboxGroup, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { fieldErrorsOf, useSaveInPlace } from '../../components/VersionedEdit';
import { usePatchClient } from './clientMutations';
import { ClientContactFields, ClientLocationField, ClientStatusField } from './ClientFields';
import { useClientPersonName } from './clientQueries';

export function DetailsCard({ client, etag }: { client: Client; etag: string | null }) {
  const personName = useClientPersonName(client.id);
  return (
    <Card
      title="Practitioners"
      action={<EditDetailsButton client={client} etag={etag} label="Edit" small />}
    >
      {client.assigned_practitioner_ids.length ? (
        <ul className="list-plain">
          {client.assigned_practitioner_ids.map((id) => (
            <li key={id}>{personName(id)}</li>
          ))}
        </ul>
      ) : (
        <p className="empty-small">
          No practitioner assigned yet. One is assigned when they are booked with this client.
        </p>
      )}
      <ColorEditor client={client} />
    </Card>
  );
}

function ColorEditor({ client }: { client: Client }) {
  const [color, setColor] = useState(client.color ?? '#3366ff');
  const { save, saved, submit, fieldErrors } = useSaveInPlace({
    queryKey: keys.client(client.id),
    put: () =>
      unwrapVersioned(
        api.PUT('/clients/{client_id}/color', {
          params: { path: { client_id: client.id } },
          body: { color },
        }),
      ),
  });
  return (
    <form
      className="color-editor"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="range-row" style={{ alignItems: 'flex-end', marginTop: '1rem' }}>
        <TextField
          label="My calendar colour"
          type="color"
          value={color}
          onChange={(e) => setColor(e.target.value)}
          error={fieldErrors.color}
          hint={client.color ? 'Only your view changes.' : 'Not set yet. Only your view changes.'}
        />
        <button
          type="submit"
          className="button"
          disabled={save.isPending}
          style={{ marginBottom: '1.9rem' }}
        >
          Save colour
        </button>
      </div>
      {saved ? (
        <p className="field-hint" role="status">
          Colour saved.
        </p>
      ) : null}
      {save.error && !fieldErrors.color ? <ErrorNotice error={save.error} /> : null}
    </form>
  );
}

export function EditDetailsButton({
  client,
  etag,
  label = 'Edit details',
  small = false,
}: {
  client: Client;
  etag: string | null;
  label?: string;
  small?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`button${small ? ' button-small' : ''}`}
        onClick={() => setOpen(true)}
      >
        {label}
        {small ? <span className="visually-hidden"> details and practitioners</span> : null}
      </button>
      {open ? (
        <EditDetailsDialog client={client} etag={etag} onClose={() => setOpen(false)} />
      ) : null}
    </>
  );
}

function EditDetailsDialog({
  client,
  etag,
  onClose,
}: {
  client: Client;
  etag: string | null;
  onClose: () => void;
}) {
  const claims = useClaims();
  const people = usePeople().data ?? [];
  const patch = usePatchClient(client.id);
  const [form, setForm] = useState({
    name: client.name,
    email: client.email ?? '',
    phone: client.phone ?? '',
    status: client.status,
    location_id: client.location_id ?? '',
    assigned: client.assigned_practitioner_ids,
  });
  const { field } = bindForm(form, setForm);
  const manager = isManager(claims.role);
  const practitioners = people.filter((p) => p.status === 'active' || form.assigned.includes(p.id));
  const errors = fieldErrorsOf(patch.error);

  const submit = () => {
    patch.mutate(
      {
        etag,
        body: {
          name: form.name.trim(),
          email: form.email.trim() || null,
          phone: form.phone.trim() || null,
          status: form.status,
          ...(manager
            ? { location_id: form.location_id || null, assigned_practitioner_ids: form.assigned }
            : {}),
        },
      },
      { onSuccess: onClose },
    );
  };

  // A 422 shows next to its fields only.
  const notice = patch.error instanceof ApiError && patch.error.status === 422 ? null : patch.error;
  return (
    <FormDialog
      title={`Edit ${client.name}`}
      onClose={onClose}
      save={patch}
      notice={notice}
      onSubmit={submit}
      label="Save"
    >
      <ClientContactFields form={form} setForm={setForm} errors={errors} />
      <ClientStatusField
        {...field('status')}
        error={errors.status}
        hint="Inactive clients cannot be booked or use the portal."
      />
      {manager ? (
        <>
          <ClientLocationField {...field('location_id')} error={errors.location_id} />
          <CheckboxGroup
            legend="Assigned practitioners"
            options={practitioners.map((p) => ({
              id: p.id,
              label: `${p.name} (${p.role.replace('_', ' ')})`,
            }))}
            value={form.assigned}
            onChange={(assigned) => setForm({ ...form, assigned })}
            error={errors.assigned_practitioner_ids}
          >
            {practitioners.length === 0 ? <p className="muted">No team members yet.</p> : null}
          </CheckboxGroup>
        </>
      ) : null}
    </FormDialog>
  );
}
