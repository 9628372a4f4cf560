import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, unwrapVersioned } from '../api/client';
import { keys, useOrg } from '../api/queries';
import type { Organization } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isAdmin, isManager } from '../auth/session';
import { PagedTable, usePagedQuery } from '../components/DataTable';
import { ErrorNotice, ErrorState } from '../components/ErrorState';
import {
  bindForm,
  CheckboxField,
  CheckboxGroup,
  SelectField,
  TextField,
} from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { SkeletonLines } from '../components/Skeleton';
import {
  EditCell,
  EditDialogs,
  ifMatch,
  useRecordSave,
  useSaveInPlace,
} from '../components/VersionedEdit';
import { timeZones } from '../lib/dates';
import { roleName } from '../Layout';
import { EmailSettings } from './EmailPreferences';

type Tab = 'organization' | 'users' | 'email';

export default function SettingsPage() {
  const claims = useClaims();
  const [params] = useSearchParams();
  const tabs: { id: Tab; label: string }[] = [
    { id: 'organization', label: 'Organization' },
    ...(isManager(claims.role) ? [{ id: 'users' as const, label: 'Users' }] : []),
    { id: 'email', label: 'My email' },
  ];
  const tab =
    tabs.find((t) => t.id === params.get('tab'))?.id ??
    (claims.role === 'client' ? 'email' : 'organization');
  return (
    <div className="page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="tabs" aria-label="Settings sections">
        {tabs.map((t) => (
          <Link
            key={t.id}
            to={`/app/settings?tab=${t.id}`}
            aria-current={t.id === tab ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'organization' ? (
        <OrganizationSettings />
      ) : tab === 'users' ? (
        <UsersSettings />
      ) : (
        <EmailSettings />
      )}
    </div>
  );
}

function OrganizationSettings() {
  const org = useOrg();
  if (org.isError) return <ErrorState error={org.error} onRetry={() => void org.refetch()} />;
  if (!org.data) return <SkeletonLines lines={5} label="Loading the organization" />;
  // Not keyed by the ETag: a save's new ETag would remount the form and hide "saved".
  return <OrganizationForm org={org.data.data} etag={org.data.etag} />;
}

function OrganizationForm({ org, etag }: { org: Organization; etag: string | null }) {
  const claims = useClaims();
  const canEdit = isAdmin(claims.role);
  const zones = useMemo(() => timeZones(), []);
  const [form, setForm] = useState({
    name: org.name,
    timezone: org.timezone,
    locations: org.locations,
  });
  const { field } = bindForm(form, setForm);
  const {
    save,
    saved,
    submit,
    fieldErrors: errors,
  } = useSaveInPlace({
    queryKey: keys.org,
    put: () =>
      unwrapVersioned(
        api.PUT('/org', {
          params: { header: ifMatch(etag) },
          body: { name: form.name, timezone: form.timezone, locations: form.locations },
        }),
      ),
  });
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      noValidate
      aria-label="Organization"
    >
      {!canEdit ? (
        <p className="notice notice-info">Only owners and administrators change these settings.</p>
      ) : null}
      {save.error ? <ErrorNotice error={save.error} /> : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          Organization saved.
        </p>
      ) : null}
      <div
        className="form-grid"
        style={{ gridTemplateColumns: 'minmax(260px, 2fr) minmax(220px, 1fr)' }}
      >
        <TextField label="Name" {...field('name')} disabled={!canEdit} error={errors.name} />
        <SelectField
          label="Timezone"
          {...field('timezone')}
          disabled={!canEdit}
          error={errors.timezone}
          hint="Every date and time in Momentum is in this timezone."
        >
          {(zones.includes(form.timezone) ? zones : [form.timezone, ...zones]).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className="group">
        <legend>Locations</legend>
        {form.locations.length === 0 ? <p className="muted">No locations.</p> : null}
        {form.locations.map((location, i) => (
          <div className="location-row" key={i}>
            {(['id', 'name'] as const).map((part) => (
              <TextField
                key={part}
                label={`Location ${i + 1} ${part}`}
                value={location[part]}
                disabled={!canEdit}
                onChange={(e) =>
                  setForm({
                    ...form,
                    locations: form.locations.map((l, k) =>
                      k === i ? { ...l, [part]: e.target.value } : l,
                    ),
                  })
                }
                error={errors[`locations.${i}.${part}`]}
              />
            ))}
            {canEdit ? (
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() =>
                  setForm({ ...form, locations: form.locations.filter((_, k) => k !== i) })
                }
              >
                Remove<span className="visually-hidden"> location {location.name}</span>
              </button>
            ) : null}
          </div>
        ))}
        {canEdit ? (
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              setForm({ ...form, locations: [...form.locations, { id: '', name: '' }] })
            }
          >
            + Add location
          </button>
        ) : null}
        {errors.locations ? <p className="field-error">{errors.locations}</p> : null}
      </fieldset>
      {canEdit ? (
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save organization'}
          </button>
        </div>
      ) : null}
    </form>
  );
}

const ROLES = ['owner', 'admin', 'location_admin', 'staff'] as const;

function UsersSettings() {
  const claims = useClaims();
  const canEdit = isAdmin(claims.role);
  const [editing, setEditing] = useState<string | null>(null);
  const users = usePagedQuery({
    resetKey: 'users',
    queryKey: (cursor) => [...keys.users, cursor],
    fetchPage: (cursor) => unwrap(api.GET('/users', { params: { query: { limit: 50, cursor } } })),
  });
  const columns = ['Name', 'Email', 'Role', 'Locations', 'Status', ''];
  return (
    <section aria-label="Users">
      {canEdit ? (
        <div className="button-row" style={{ marginTop: 0, marginBottom: '1rem' }}>
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            + Invite a user
          </button>
        </div>
      ) : null}
      <PagedTable
        list={users}
        label="Users"
        columns={columns}
        skeletonRows={4}
        empty="No users yet."
        renderRow={(u) => (
          <>
            <th scope="row">{u.name}</th>
            <td>{u.email}</td>
            <td>{roleName(u.role)}</td>
            <td>{u.location_ids.join(', ') || <span className="muted">All</span>}</td>
            <td>
              <span className={`pill ${u.status === 'active' ? 'pill-active' : ''}`}>
                {u.status === 'active' ? 'Active' : 'Inactive'}
              </span>
              {u.invited ? <span className="muted"> · invited</span> : null}
            </td>
            <EditCell row={u} canEdit={canEdit} onEdit={setEditing} />
          </>
        )}
      />
      <EditDialogs
        editing={editing}
        title="User"
        queryKey={(id) => ['user', id]}
        read={(id) =>
          unwrapVersioned(api.GET('/users/{user_id}', { params: { path: { user_id: id } } }))
        }
        lines={4}
        loadingLabel="Loading the user"
        onClose={() => setEditing(null)}
      >
        {(user) => <UserForm user={user} onClose={() => setEditing(null)} />}
      </EditDialogs>
    </section>
  );
}

function UserForm({
  user,
  onClose,
}: {
  user: {
    data: {
      id: string;
      name: string;
      email: string;
      role: (typeof ROLES)[number];
      location_ids: string[];
      status: 'active' | 'inactive';
    };
    etag: string | null;
  } | null;
  onClose: () => void;
}) {
  const org = useOrg().data?.data;
  const [form, setForm] = useState({
    name: user?.data.name ?? '',
    email: user?.data.email ?? '',
    role: user?.data.role ?? 'staff',
    location_ids: user?.data.location_ids ?? [],
    status: user?.data.status ?? 'active',
  });
  const { field } = bindForm(form, setForm);
  const { save, fieldErrors: errors } = useRecordSave({
    editing: user !== null,
    etag: user?.etag ?? null,
    update: (header) =>
      unwrap(
        api.PATCH('/users/{user_id}', {
          params: { path: { user_id: user?.data.id ?? '' }, header },
          body: {
            name: form.name,
            role: form.role,
            location_ids: form.location_ids,
            status: form.status,
          },
        }),
      ),
    create: (header) =>
      unwrap(
        api.POST('/users', {
          params: { header },
          body: {
            name: form.name,
            email: form.email,
            role: form.role,
            location_ids: form.location_ids,
            status: 'active',
          },
        }),
      ),
    invalidate: [keys.users, keys.people],
    onSaved: onClose,
  });
  return (
    <FormDialog
      title={user ? `Edit ${user.data.name}` : 'Invite a user'}
      onClose={onClose}
      save={save}
      onSubmit={() => save.mutate()}
      label={user ? 'Save user' : 'Send invitation'}
    >
      <TextField label="Name" {...field('name')} error={errors.name} />
      <TextField
        label="Email"
        type="email"
        {...field('email')}
        disabled={user !== null}
        error={errors.email}
        hint={user ? 'A login email cannot be changed here.' : undefined}
      />
      <SelectField label="Role" {...field('role')} error={errors.role}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {roleName(r)}
          </option>
        ))}
      </SelectField>
      {form.role === 'location_admin' || form.role === 'staff' ? (
        <CheckboxGroup
          legend="Locations"
          options={(org?.locations ?? []).map((l) => ({ id: l.id, label: l.name }))}
          value={form.location_ids}
          onChange={(location_ids) => setForm({ ...form, location_ids })}
          error={errors.location_ids}
        />
      ) : null}
      {user ? (
        <CheckboxField
          label="Active (can sign in)"
          checked={form.status === 'active'}
          onChange={(e) => setForm({ ...form, status: e.target.checked ? 'active' : 'inactive' })}
          hint="Deactivating takes effect within a minute."
          error={errors.status}
        />
      ) : null}
    </FormDialog>
  );
}
