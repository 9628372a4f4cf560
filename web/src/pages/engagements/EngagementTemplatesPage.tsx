import { useState } from 'react';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import type { EngagementTemplate, EngagementTemplateInput, EngagementType } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isAdmin } from '../../auth/session';
import { PagedTable, usePagedQuery } from '../../components/DataTable';
import { bindForm, CheckboxField, SelectField, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { AddButton, PageHead } from '../../components/PageHead';
import { EditCell, EditDialogs, useRecordSave } from '../../components/VersionedEdit';
import { thresholdText, TYPE_LABEL } from '../../lib/engagements';
import { EngagementTabs, engagementKeys } from './shared';

const COLUMNS = ['Template', 'Type', 'Progress tracking', 'Off-track notifications', ''];

/** Whole days 1–3650 (the API's range), or empty for tracking off. */
export function thresholdError(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    return 'The threshold is a whole number of days from 1 to 3650.';
  }
  return undefined;
}

/** Engagement templates (seed: "Engagement Progress Tracker Settings"): the progress
 * tracking threshold and the "Enable off-track notifications" toggle. Owners and admins
 * change them; launched engagements keep the settings they copied. */
export default function EngagementTemplatesPage() {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const [editing, setEditing] = useState<string | null>(null);
  const templates = usePagedQuery({
    resetKey: 'engagement-templates',
    queryKey: (cursor) => [...engagementKeys.templates, 'page', cursor],
    fetchPage: (cursor) =>
      unwrap(api.GET('/engagement-templates', { params: { query: { limit: 50, cursor } } })),
  });
  return (
    <div className="page">
      <PageHead
        title="Engagement templates"
        sub="Where progress tracking starts: a threshold turns it on. Engagements copy these settings when they launch."
        actions={
          admin ? (
            <AddButton label="Add engagement template" onClick={() => setEditing('new')} />
          ) : null
        }
      />
      <EngagementTabs />
      {!admin ? (
        <p className="notice notice-info">Only owners and administrators change templates.</p>
      ) : null}
      <PagedTable
        list={templates}
        label="Engagement templates"
        columns={COLUMNS}
        skeletonRows={4}
        loadingLabel="Loading the templates"
        empty="No engagement templates yet."
        renderRow={(t) => (
          <>
            <th scope="row">{t.name}</th>
            <td>{TYPE_LABEL[t.type]}</td>
            <td>
              {t.threshold_days ? (
                `${thresholdText(t.threshold_days)} without a ${t.type === 'coach_matching' ? 'discovery call' : 'session'}`
              ) : (
                <span className="muted">Off</span>
              )}
            </td>
            <td>{t.notify_off_track ? 'On' : <span className="muted">Off</span>}</td>
            <EditCell row={t} canEdit={admin} onEdit={setEditing} />
          </>
        )}
      />
      <EditDialogs
        editing={editing}
        title="Engagement template"
        queryKey={(id) => [...engagementKeys.templates, 'one', id]}
        read={(id) =>
          unwrapVersioned(
            api.GET('/engagement-templates/{template_id}', {
              params: { path: { template_id: id } },
            }),
          )
        }
        lines={4}
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

export function TemplateDialog({
  template,
  etag,
  onClose,
}: {
  template: EngagementTemplate | null;
  etag: string | null;
  onClose: () => void;
}) {
  const [form, setForm] = useState<{
    name: string;
    type: EngagementType;
    tracking: boolean;
    threshold: string;
    notify: boolean;
  }>({
    name: template?.name ?? '',
    type: template?.type ?? 'one_to_one',
    tracking: template ? template.threshold_days !== null : true,
    threshold: String(template?.threshold_days ?? 21),
    notify: template?.notify_off_track ?? true,
  });
  const { field, check } = bindForm(form, setForm);
  const [checked, setChecked] = useState(false);
  // Adding and editing send the same settings.
  const body: EngagementTemplateInput = {
    name: form.name,
    type: form.type,
    threshold_days: form.tracking ? Number(form.threshold) : null,
    notify_off_track: form.tracking && form.notify,
  };
  const { save, fieldErrors: remote } = useRecordSave({
    editing: template !== null,
    etag,
    update: (header) =>
      unwrap(
        api.PATCH('/engagement-templates/{template_id}', {
          params: { path: { template_id: template?.id ?? '' }, header },
          body,
        }),
      ),
    create: (header) => unwrap(api.POST('/engagement-templates', { params: { header }, body })),
    invalidate: [engagementKeys.templates],
    onSaved: onClose,
  });
  const local = checked && form.tracking ? thresholdError(form.threshold) : undefined;
  const submit = () => {
    setChecked(true);
    if (form.tracking && thresholdError(form.threshold)) return;
    save.mutate();
  };
  const activity = form.type === 'coach_matching' ? 'discovery call' : 'session';
  return (
    <FormDialog
      title={template ? `Edit ${template.name}` : 'Add an engagement template'}
      onClose={onClose}
      save={save}
      notice={Object.keys(remote).length === 0 ? save.error : null}
      onSubmit={submit}
      label={template ? 'Save template' : 'Add template'}
    >
      <TextField label="Name" {...field('name')} error={remote.name} />
      <SelectField label="Type" {...field('type')} error={remote.type}>
        <option value="one_to_one">One-to-one</option>
        <option value="on_demand">On demand</option>
        <option value="coach_matching">Coach matching</option>
      </SelectField>
      <fieldset className="group">
        <legend>Progress tracking</legend>
        <CheckboxField
          label="Track progress"
          {...check('tracking')}
          hint={`Off track when no ${activity} is booked within the threshold since the start or the last ${activity}.`}
        />
        {form.tracking ? (
          <>
            <TextField
              label="Threshold (days)"
              type="number"
              min={1}
              max={3650}
              inputMode="numeric"
              {...field('threshold')}
              error={local ?? remote.threshold_days}
              hint={
                !thresholdError(form.threshold) && form.threshold
                  ? `${thresholdText(Number(form.threshold))} (21 days is three weeks).`
                  : '21 days is three weeks.'
              }
            />
            <CheckboxField
              label="Enable off-track notifications"
              {...check('notify')}
              error={remote.notify_off_track}
              hint="On the day an engagement goes Off track, its coachee, coach and owner are emailed."
            />
          </>
        ) : null}
      </fieldset>
      {template ? (
        <p className="field-hint">
          Engagements already launched keep the settings they copied; new launches use these.
        </p>
      ) : null}
    </FormDialog>
  );
}
