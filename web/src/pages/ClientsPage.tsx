import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { keys, useLocationName } from '../api/queries';
import type { ClientStatus } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isManager } from '../auth/session';
import { PagedTable, usePagedQuery } from '../components/DataTable';
import { bindForm, CheckboxField } from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { LocationFilter } from '../components/LocationFilter';
import { AddButton, PageHead } from '../components/PageHead';
import { ClientStatusBadge } from '../components/StatusBadge';
import { useCreate } from '../components/VersionedEdit';
import { useUrlFilter } from '../lib/useUrlFilter';
import {
  CLIENT_STATUSES,
  ClientContactFields,
  ClientLocationField,
  ClientStatusField,
} from './client/ClientFields';

const COLUMNS = ['Name', 'Status', 'Email', 'Location', 'Portal'];

export default function ClientsPage() {
  const claims = useClaims();
  const locationName = useLocationName();
  const [params, setFilter] = useUrlFilter();
  const status = CLIENT_STATUSES.find((s) => s.value === params.get('status'))?.value ?? null;
  const location = params.get('location') ?? '';
  const [adding, setAdding] = useState(false);
  const clients = usePagedQuery({
    resetKey: `${status ?? ''}|${location}`,
    queryKey: (cursor) => [...keys.clients, status, location, cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/clients', {
          params: {
            query: {
              status: status ?? undefined,
              location_id: location || undefined,
              limit: 50,
              cursor,
            },
          },
        }),
      ),
  });

  return (
    <div className="page">
      <PageHead
        title="Clients"
        sub={
          isManager(claims.role)
            ? 'Everyone your practice works with.'
            : 'The clients assigned to you.'
        }
        actions={
          isManager(claims.role) ? (
            <AddButton label="Add client" onClick={() => setAdding(true)} />
          ) : null
        }
      />
      <div className="toolbar">
        <div className="toolbar-fields">
          <label className="inline-field">
            <span>Status</span>
            <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">All statuses</option>
              {CLIENT_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <LocationFilter value={location} onChange={(id) => setFilter('location', id)} />
        </div>
      </div>
      <PagedTable
        list={clients}
        label="Clients"
        columns={COLUMNS}
        empty="No clients match."
        busy
        rowHref={(c) => `/app/clients/${c.id}`}
        renderRow={(c) => (
          <>
            <th scope="row">
              <Link to={`/app/clients/${c.id}`}>{c.name}</Link>
            </th>
            <td>
              <ClientStatusBadge status={c.status} />
            </td>
            <td>{c.email ?? <span className="muted">—</span>}</td>
            <td>{locationName(c.location_id)}</td>
            <td>{c.invited ? 'Invited' : <span className="muted">No login</span>}</td>
          </>
        )}
      />
      {adding ? <NewClientDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}

function NewClientDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState({
    name: '',
    email: '',
    phone: '',
    status: 'active' as ClientStatus,
    location_id: '',
    send_welcome: false,
  });
  const { field, check } = bindForm(form, setForm);
  const { save: create, fieldErrors: errors } = useCreate({
    create: (header) =>
      unwrap(
        api.POST('/clients', {
          params: { header },
          body: {
            name: form.name.trim(),
            email: form.email.trim() || null,
            phone: form.phone.trim() || null,
            status: form.status,
            location_id: form.location_id || null,
            send_welcome: form.send_welcome,
          },
        }),
      ),
    onCreated: (client) => {
      void queryClient.invalidateQueries({ queryKey: keys.clients });
      void navigate(`/app/clients/${client.id}`);
    },
  });
  return (
    <FormDialog
      title="Add a client"
      onClose={onClose}
      save={create}
      onSubmit={() => create.mutate()}
      label="Add client"
      pendingLabel="Adding…"
    >
      <ClientContactFields form={form} setForm={setForm} errors={errors}>
        <ClientStatusField {...field('status')} error={errors.status} />
        <ClientLocationField {...field('location_id')} error={errors.location_id} />
      </ClientContactFields>
      <CheckboxField
        label="Send a welcome email now"
        {...check('send_welcome')}
        hint="Only active clients get one."
        error={errors.send_welcome}
      />
    </FormDialog>
  );
}
