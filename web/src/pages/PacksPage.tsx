import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { api, unwrap, unwrapVersioned } from '../api/client';
import { keys } from '../api/queries';
import type { OnTrackSettings, Template, TemplateInput, TemplatePatch } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isAdmin } from '../auth/session';
import { DataTable, usePagedQuery } from '../components/DataTable';
import { Dialog } from '../components/Dialog';
import { ErrorNotice } from '../components/ErrorState';
import { CheckboxField, SelectField, TextField } from '../components/Field';
import { FormActions } from '../components/FormActions';
import { OnTrackFields } from '../components/OnTrackFields';
import { Pager } from '../components/Pager';
import { EditLoader, useRecordSave } from '../components/VersionedEdit';
import { DEFAULT_ON_TRACK, describeOnTrack, errorsUnder, validateOnTrack } from '../lib/onTrack';
import { packageSize } from './client/PackagesCard';

const COLUMNS = ['Template', 'Size', 'Valid for', 'Renewal', 'On track', ''];

/** Session pack templates (seed: session-packs): set up once, used from a client's record,
 * an appointment or an invoice. Owners and administrators change them. */
export default function PacksPage() {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const [editing, setEditing] = useState<string | null>(null);
  const { query: templates, pagerProps } = usePagedQuery({
    resetKey: 'templates',
    queryKey: (cursor) => [...keys.templates, 'page', cursor],
    fetchPage: (cursor) =>
      unwrap(api.GET('/package-templates', { params: { query: { limit: 50, cursor } } })),
  });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Session packs</h1>
          <p className="page-sub">
            Templates for new packs. A client&apos;s own packs are on their record, under Session
            packs.
          </p>
        </div>
        {admin ? (
          <div className="page-actions">
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing('new')}
            >
              + Add pack template
            </button>
          </div>
        ) : null}
      </div>
      <DataTable
        query={templates}
        rows={templates.data?.items}
        columns={COLUMNS}
        skeletonRows={4}
        loadingLabel="Loading pack templates"
        empty="No pack templates yet."
        rowKey={(t) => t.id}
        renderRow={(t) => (
          <>
            <th scope="row">
              {t.name}
              {t.authorization ? (
                <div className="muted" style={{ fontWeight: 400, fontSize: '0.85rem' }}>
                  Authorised by {t.authorization.source} {t.authorization.name}
                </div>
              ) : null}
            </th>
            <td>{packageSize(t)}</td>
            <td>{t.validity_days ? `${t.validity_days} days` : 'No end'}</td>
            <td>{t.auto_renew ? 'Renews itself' : 'No'}</td>
            <td>{describeOnTrack(t.on_track)}</td>
            <td>
              {admin ? (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setEditing(t.id)}
                >
                  Edit<span className="visually-hidden"> {t.name}</span>
                </button>
              ) : null}
            </td>
          </>
        )}
      />
      <Pager label="Pack templates" {...pagerProps} />
      {editing === 'new' ? (
        <TemplateDialog template={null} etag={null} onClose={() => setEditing(null)} />
      ) : null}
      {editing && editing !== 'new' ? (
        <EditLoader
          title="Pack template"
          queryKey={[...keys.templates, 'one', editing]}
          read={() =>
            unwrapVersioned(
              api.GET('/package-templates/{template_id}', {
                params: { path: { template_id: editing } },
              }),
            )
          }
          lines={5}
          loadingLabel="Loading the template"
          onClose={() => setEditing(null)}
        >
          {(record) => (
            <TemplateDialog
              template={record.data}
              etag={record.etag}
              onClose={() => setEditing(null)}
            />
          )}
        </EditLoader>
      ) : null}
    </div>
  );
}

function TemplateDialog({
  template,
  etag,
  onClose,
}: {
  template: Template | null;
  etag: string | null;
  onClose: () => void;
}) {
  const [form, setForm] = useState({
    name: template?.name ?? '',
    type: template?.type ?? 'fixed',
    size: String(template?.size ?? 10),
    unit: template?.unit === 'hours' ? ('hours' as const) : ('sessions' as const),
    period: template?.period === 'week' ? ('week' as const) : ('month' as const),
    validity_days: template?.validity_days ? String(template.validity_days) : '',
    auto_renew: template?.auto_renew ?? false,
  });
  const [settings, setSettings] = useState<OnTrackSettings>(
    template?.on_track ?? { ...DEFAULT_ON_TRACK, enabled: false },
  );
  const [checked, setChecked] = useState(false);
  const validity = form.validity_days ? Number(form.validity_days) : null;
  const onTrack = settings.enabled ? settings : null;
  const { save, fieldErrors: remote } = useRecordSave({
    editing: template !== null,
    etag,
    update: (header) => {
      const body: TemplatePatch = {
        name: form.name,
        validity_days: validity,
        auto_renew: form.auto_renew,
        on_track: onTrack,
      };
      return unwrap(
        api.PATCH('/package-templates/{template_id}', {
          params: { path: { template_id: template?.id ?? '' }, header },
          body,
        }),
      );
    },
    create: (header) => {
      const body: TemplateInput = {
        name: form.name,
        type: form.type,
        unit: form.unit,
        auto_renew: form.auto_renew,
        validity_days: validity,
        on_track: onTrack,
      };
      if (form.type !== 'usage') body.size = Number(form.size);
      if (form.type === 'subscription') body.period = form.period;
      return unwrap(api.POST('/package-templates', { params: { header }, body }));
    },
    invalidate: [keys.templates],
    onSaved: onClose,
  });
  const onTrackErrors = {
    ...errorsUnder(remote, 'on_track'),
    ...(checked && settings.enabled ? validateOnTrack(settings) : {}),
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setChecked(true);
    if (settings.enabled && Object.keys(validateOnTrack(settings)).length) return;
    save.mutate();
  };
  return (
    <Dialog
      title={template ? `Edit ${template.name}` : 'Add a pack template'}
      onClose={onClose}
      wide
    >
      <form onSubmit={submit} noValidate>
        {save.error ? <ErrorNotice error={save.error} /> : null}
        <div className="form-grid">
          <TextField
            label="Name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            error={remote.name}
          />
          <SelectField
            label="Type"
            value={form.type}
            disabled={template !== null}
            onChange={(e) => setForm({ ...form, type: e.target.value as typeof form.type })}
            error={remote.type}
            hint={template ? 'The type of a template is fixed once made.' : undefined}
          >
            <option value="fixed">Fixed number of sessions or hours</option>
            <option value="subscription">Subscription (per week or month)</option>
            <option value="usage">Usage (no limit)</option>
          </SelectField>
          {form.type !== 'usage' ? (
            <>
              <TextField
                label="Size"
                type="number"
                min={1}
                disabled={template !== null}
                value={form.size}
                onChange={(e) => setForm({ ...form, size: e.target.value })}
                error={remote.size}
              />
              <SelectField
                label="Counted in"
                value={form.unit}
                disabled={template !== null}
                onChange={(e) => setForm({ ...form, unit: e.target.value as typeof form.unit })}
                error={remote.unit}
              >
                <option value="sessions">Sessions</option>
                <option value="hours">Hours</option>
              </SelectField>
            </>
          ) : null}
          {form.type === 'subscription' ? (
            <SelectField
              label="Per"
              value={form.period}
              disabled={template !== null}
              onChange={(e) => setForm({ ...form, period: e.target.value as typeof form.period })}
              error={remote.period}
            >
              <option value="week">Week</option>
              <option value="month">Month</option>
            </SelectField>
          ) : null}
          <TextField
            label="Valid for (days)"
            type="number"
            min={1}
            value={form.validity_days}
            onChange={(e) => setForm({ ...form, validity_days: e.target.value })}
            error={remote.validity_days}
            hint="Empty for no end date."
          />
        </div>
        <CheckboxField
          label="Renew automatically: a new pack from this template when one expires or is used up"
          checked={form.auto_renew}
          onChange={(e) => setForm({ ...form, auto_renew: e.target.checked })}
          error={remote.auto_renew}
        />
        <OnTrackFields
          legend="On track (package level)"
          value={settings}
          onChange={setSettings}
          errors={onTrackErrors}
        />
        <FormActions
          onCancel={onClose}
          pending={save.isPending}
          label={template ? 'Save template' : 'Add template'}
        />
      </form>
    </Dialog>
  );
}
