import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, idempotencyKey, unwrap } from '../api/client';
import { keys, useLocationName, useOrg } from '../api/queries';
import { ApiError } from '../api/problem';
import type { ClientStatus } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isManager } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, ErrorState } from '../components/ErrorState';
import { CheckboxField, SelectField, TextField } from '../components/Field';
import { Pager, useCursorPager } from '../components/Pager';
import { TableSkeleton } from '../components/Skeleton';
import { ClientStatusBadge } from '../components/StatusBadge';

const COLUMNS = ['Name', 'Status', 'Email', 'Location', 'Portal'];
const STATUSES: ClientStatus[] = ['active', 'prospect', 'inactive'];

export default function ClientsPage() {
  const claims = useClaims();
  const org = useOrg().data?.data;
  const locationName = useLocationName();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get('status')) ?? null;
  const location = params.get('location') ?? '';
  const pager = useCursorPager(`${status ?? ''}|${location}`);
  const [adding, setAdding] = useState(false);
  const clients = useQuery({
    queryKey: [...keys.clients, status, location, pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/clients', {
          params: {
            query: {
              status: status ?? undefined,
              location_id: location || undefined,
              limit: 50,
              cursor: pager.cursor ?? undefined,
            },
          },
        }),
      ),
  });
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Clients</h1>
          <p className="page-sub">
            {isManager(claims.role)
              ? 'Everyone your practice works with.'
              : 'The clients assigned to you.'}
          </p>
        </div>
        {isManager(claims.role) ? (
          <div className="page-actions">
            <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
              + Add client
            </button>
          </div>
        ) : null}
      </div>
      <div className="toolbar">
        <div className="toolbar-fields">
          <label className="inline-field">
            <span>Status</span>
            <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">All statuses</option>
              <option value="active">Active</option>
              <option value="prospect">Prospect</option>
              <option value="inactive">Inactive</option>
            </select>
          </label>
          {org && org.locations.length ? (
            <label className="inline-field">
              <span>Location</span>
              <select value={location} onChange={(e) => setFilter('location', e.target.value)}>
                <option value="">All locations</option>
                {org.locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      </div>
      {clients.isError ? (
        <ErrorState error={clients.error} onRetry={() => void clients.refetch()} />
      ) : !clients.data ? (
        <TableSkeleton columns={COLUMNS} label="Loading clients" />
      ) : clients.data.items.length === 0 ? (
        <div className="empty">No clients match.</div>
      ) : (
        <div className="table-wrap">
          <table className="table table-rows" aria-busy={clients.isFetching}>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {clients.data.items.map((c) => (
                <tr
                  key={c.id}
                  onClick={(e) =>
                    !(e.target as HTMLElement).closest('a') && void navigate(`/app/clients/${c.id}`)
                  }
                >
                  <th scope="row">
                    <Link to={`/app/clients/${c.id}`}>{c.name}</Link>
                  </th>
                  <td>
                    <ClientStatusBadge status={c.status} />
                  </td>
                  <td>{c.email ?? <span className="muted">—</span>}</td>
                  <td>{locationName(c.location_id)}</td>
                  <td>{c.invited ? 'Invited' : <span className="muted">No login</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Clients"
        page={pager.page}
        nextCursor={clients.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
        busy={clients.isFetching}
      />
      {adding ? <NewClientDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}

function NewClientDialog({ onClose }: { onClose: () => void }) {
  const org = useOrg().data?.data;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [key] = useState(idempotencyKey);
  const [form, setForm] = useState({
    name: '',
    email: '',
    phone: '',
    status: 'active' as ClientStatus,
    location_id: '',
    send_welcome: false,
  });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/clients', {
          params: { header: { 'Idempotency-Key': key } },
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
    onSuccess: (client) => {
      void queryClient.invalidateQueries({ queryKey: keys.clients });
      void navigate(`/app/clients/${client.id}`);
    },
  });
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {};
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Add a client" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <TextField
          label="Name"
          value={form.name}
          required
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          error={errors.name}
        />
        <div className="form-grid">
          <TextField
            label="Email"
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            error={errors.email}
          />
          <TextField
            label="Phone"
            type="tel"
            value={form.phone}
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
            error={errors.phone}
          />
          <SelectField
            label="Status"
            value={form.status}
            onChange={(e) => setForm({ ...form, status: e.target.value as ClientStatus })}
            error={errors.status}
          >
            <option value="active">Active</option>
            <option value="prospect">Prospect</option>
            <option value="inactive">Inactive</option>
          </SelectField>
          <SelectField
            label="Location"
            value={form.location_id}
            onChange={(e) => setForm({ ...form, location_id: e.target.value })}
            error={errors.location_id}
          >
            <option value="">No location</option>
            {org?.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </SelectField>
        </div>
        <CheckboxField
          label="Send a welcome email now"
          checked={form.send_welcome}
          onChange={(e) => setForm({ ...form, send_welcome: e.target.checked })}
          hint="Only active clients get one."
          error={errors.send_welcome}
        />
        <div className="button-row button-row-end">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add client'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
