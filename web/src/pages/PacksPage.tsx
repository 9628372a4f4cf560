import { useState } from 'react';
import { api, unwrap, unwrapVersioned } from '../api/client';
import { keys } from '../api/queries';
import type { OnTrackSettings, Template, TemplateInput, TemplatePatch } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isAdmin } from '../auth/session';
import { PagedTable, usePagedQuery } from '../components/DataTable';
import { bindForm, CheckboxField, SelectField, TextField } from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { OnTrackFields } from '../components/OnTrackFields';
import { AddButton, PageHead } from '../components/PageHead';
import { EditCell, EditDialogs, useRecordSave } from '../components/VersionedEdit';
import { DEFAULT_ON_TRACK, describeOnTrack, errorsUnder, validateOnTrack } from '../lib/onTrack';
import { packageSize } from './client/PackagesCard';
import { PackSizeFields } from './client/PackSizeFields';

const COLUMNS = ['Template', 'Size', 'Valid for', 'Renewal', 'On track', ''];

/** Session pack templates (seed: session-packs): set up once, used from a client's record,
 * an appointment or an invoice. Owners and administrators change them. */
export default function PacksPage() {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const [editing, setEditing] = useState<string | null>(null);
  const templates = usePagedQuery({
    resetKey: 'templates',
    queryKey: (cursor) => [...keys.templates, 'page', cursor],
    fetchPage: (cursor) =>
      unwrap(api.GET('/package-templates', { params: { query: { limit: 50, cursor } } })),
  });
  return (
    <div className="page">
      <PageHead
        title="Session packs"
        sub="Templates for new packs. A client's own packs are on their record, under Session packs."
        actions={
          admin ? <AddButton label="Add pack template" onClick={() => setEditing('new')} /> : null
        }
      />
      <PagedTable
        list={templates}
        label="Pack templates"
        columns={COLUMNS}
        skeletonRows={4}
        empty="No pack templates yet."
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
            <EditCell row={t} canEdit={admin} onEdit={setEditing} />
          </>
        )}
      />
      <EditDialogs
        editing={editing}
        title="Pack template"
        queryKey={(id) => [...keys.templates, 'one', id]}
        read={(id) =>
          unwrapVersioned(
            api.GET('/package-templates/{template_id}', { params: { path: { template_id: id } } }),
          )
        }
        lines={5}
        loadingLabel="Loading the template"
        onClose={() => setEditing(null)}
      >
        {(record) => (
          <TemplateDialog
            template={record?.data ?? null}
            etag={record?.etag ?? null}
            onClose={() => setEditing(null)}
          />
        )}
      </EditDialogs>
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
  const { field, check } = bindForm(form, setForm);
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
  const submit = () => {
    setChecked(true);
    if (settings.enabled && Object.keys(validateOnTrack(settings)).length) return;
    save.mutate();
  };
  return (
    <FormDialog
      title={template ? `Edit ${template.name}` : 'Add a pack template'}
      onClose={onClose}
      wide
      save={save}
      onSubmit={submit}
      label={template ? 'Save template' : 'Add template'}
    >
      <div className="form-grid">
        <TextField label="Name" {...field('name')} error={remote.name} />
        <SelectField
          label="Type"
          {...field('type')}
          disabled={template !== null}
          error={remote.type}
          hint={template ? 'The type of a template is fixed once made.' : undefined}
        >
          <option value="fixed">Fixed number of sessions or hours</option>
          <option value="subscription">Subscription (per week or month)</option>
          <option value="usage">Usage (no limit)</option>
        </SelectField>
        <PackSizeFields type={form.type} field={field} errors={remote} locked={template !== null} />
        <TextField
          label="Valid for (days)"
          type="number"
          min={1}
          {...field('validity_days')}
          error={remote.validity_days}
          hint="Empty for no end date."
        />
      </div>
      <CheckboxField
        label="Renew automatically: a new pack from this template when one expires or is used up"
        {...check('auto_renew')}
        error={remote.auto_renew}
      />
      <OnTrackFields
        legend="On track (package level)"
        value={settings}
        onChange={setSettings}
        errors={onTrackErrors}
      />
    </FormDialog>
  );
}
