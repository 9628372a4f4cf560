import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { api, idempotencyKey, unwrap, unwrapVersioned } from '../api/client';
import { keys } from '../api/queries';
import { ApiError } from '../api/problem';
import type { OnTrackSettings, Template, TemplateInput, TemplatePatch } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isAdmin } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, ErrorState } from '../components/ErrorState';
import { CheckboxField, SelectField, TextField } from '../components/Field';
import { OnTrackFields } from '../components/OnTrackFields';
import { Pager, useCursorPager } from '../components/Pager';
import { SkeletonLines, TableSkeleton } from '../components/Skeleton';
import { DEFAULT_ON_TRACK, describeOnTrack, errorsUnder, validateOnTrack } from '../lib/onTrack';
import { packageSize } from './client/PackagesCard';

const COLUMNS = ['Template', 'Size', 'Valid for', 'Renewal', 'On track', ''];

/** Session pack templates (seed: session-packs): set up once, used from a client's record,
 * an appointment or an invoice. Owners and administrators change them. */
export default function PacksPage() {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const pager = useCursorPager('templates');
  const [editing, setEditing] = useState<string | null>(null);
  const templates = useQuery({
    queryKey: [...keys.templates, 'page', pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/package-templates', {
          params: { query: { limit: 50, cursor: pager.cursor ?? undefined } },
        }),
      ),
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
      {templates.isError ? (
        <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
      ) : !templates.data ? (
        <TableSkeleton columns={COLUMNS.slice(0, 5)} rows={4} label="Loading pack templates" />
      ) : templates.data.items.length === 0 ? (
        <div className="empty">No pack templates yet.</div>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {COLUMNS.map((c, i) => (
                  <th key={i} scope="col">
                    {c || <span className="visually-hidden">Actions</span>}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {templates.data.items.map((t) => (
                <tr key={t.id}>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Pack templates"
        page={pager.page}
        nextCursor={templates.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
      {editing === 'new' ? (
        <TemplateDialog template={null} etag={null} onClose={() => setEditing(null)} />
      ) : null}
      {editing && editing !== 'new' ? (
        <EditTemplate id={editing} onClose={() => setEditing(null)} />
      ) : null}
    </div>
  );
}

function EditTemplate({ id, onClose }: { id: string; onClose: () => void }) {
  const template = useQuery({
    queryKey: [...keys.templates, 'one', id],
    queryFn: () =>
      unwrapVersioned(
        api.GET('/package-templates/{template_id}', { params: { path: { template_id: id } } }),
      ),
  });
  if (!template.data) {
    return (
      <Dialog title="Pack template" onClose={onClose}>
        {template.isError ? (
          <ErrorState error={template.error} />
        ) : (
          <SkeletonLines lines={5} label="Loading the template" />
        )}
      </Dialog>
    );
  }
  return (
    <TemplateDialog template={template.data.data} etag={template.data.etag} onClose={onClose} />
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
  const queryClient = useQueryClient();
  const [key] = useState(idempotencyKey);
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
  const save = useMutation({
    mutationFn: () => {
      const validity = form.validity_days ? Number(form.validity_days) : null;
      const onTrack = settings.enabled ? settings : null;
      if (template) {
        const body: TemplatePatch = {
          name: form.name,
          validity_days: validity,
          auto_renew: form.auto_renew,
          on_track: onTrack,
        };
        return unwrap(
          api.PATCH('/package-templates/{template_id}', {
            params: {
              path: { template_id: template.id },
              header: etag ? { 'If-Match': etag } : {},
            },
            body,
          }),
        );
      }
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
      return unwrap(
        api.POST('/package-templates', { params: { header: { 'Idempotency-Key': key } }, body }),
      );
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.templates });
      onClose();
    },
  });
  const remote = save.error instanceof ApiError ? save.error.fieldErrors : {};
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
        <div className="button-row button-row-end">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : template ? 'Save template' : 'Add template'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
