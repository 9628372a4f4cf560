import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ComponentProps } from 'react';
import type { SyntheticEvent } from 'react';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { useTimeZone } from '../../api/queries';
import { ApiError } from '../../api/problem';
import type { OnTrackSettings, Package, PackageInput, PackagePatch } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isAdmin, isManager } from '../../auth/session';
import { NameOptions, TeamMemberSelect, type PickerProps } from '../../components/Choices';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, ErrorState } from '../../components/ErrorState';
import { bindForm, CheckboxField, SelectField, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { OnTrackFields } from '../../components/OnTrackFields';
import { SkeletonLines } from '../../components/Skeleton';
import { StatusBadge } from '../../components/StatusBadge';
import { ifMatch, useCreate } from '../../components/VersionedEdit';
import { todayIn } from '../../lib/dates';
import { DEFAULT_ON_TRACK, describeOnTrack, errorsUnder, validateOnTrack } from '../../lib/onTrack';
import { useInvalidateClient, useTemplates } from './clientQueries';
import { PackSizeFields } from './PackSizeFields';

/** Who gets the pack's On track reminders: administrators choose. */
function TeamMemberField(props: PickerProps) {
  const claims = useClaims();
  if (!isManager(claims.role)) return null;
  const hint = 'Gets the On track reminders for this pack.';
  return <TeamMemberSelect label="Assigned team member" none="Nobody" hint={hint} {...props} />;
}

/** The client's own On track settings for a pack, in place of its template's. */
function ClientOnTrackFields(props: Omit<ComponentProps<typeof OnTrackFields>, 'legend'>) {
  return <OnTrackFields legend="Client-level On track settings" {...props} />;
}

function ThresholdsReadOnly({ settings }: { settings: OnTrackSettings | null | undefined }) {
  return (
    <fieldset className="group">
      <legend>On track</legend>
      <p>{describeOnTrack(settings)}</p>
      <p className="field-hint">Only owners and administrators can change On track thresholds.</p>
    </fieldset>
  );
}

/** Edit a client's pack: details for anyone who may see the client; On track thresholds
 * for owners and administrators only (SPEC §5), validated as the API does. */
export function PackageDialog({
  packageId,
  clientId,
  onClose,
}: {
  packageId: string;
  clientId: string;
  onClose: () => void;
}) {
  const pack = useQuery({
    queryKey: ['package', packageId],
    queryFn: () =>
      unwrapVersioned(
        api.GET('/packages/{package_id}', { params: { path: { package_id: packageId } } }),
      ),
  });
  return (
    <Dialog title={pack.data ? `Pack: ${pack.data.data.name}` : 'Pack'} onClose={onClose} wide>
      {pack.isError ? (
        <ErrorState error={pack.error} onRetry={() => void pack.refetch()} />
      ) : !pack.data ? (
        <SkeletonLines lines={6} label="Loading the pack" />
      ) : (
        <PackageForm
          pack={pack.data.data}
          etag={pack.data.etag}
          clientId={clientId}
          onClose={onClose}
        />
      )}
    </Dialog>
  );
}

function PackageForm({
  pack,
  etag,
  clientId,
  onClose,
}: {
  pack: Package;
  etag: string | null;
  clientId: string;
  onClose: () => void;
}) {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const invalidate = useInvalidateClient(clientId);
  const [form, setForm] = useState({
    name: pack.name,
    end_date: pack.end_date ?? '',
    auto_renew: pack.auto_renew,
    assigned_team_member_id: pack.assigned_team_member_id ?? '',
    preferred: pack.preferred,
    cancelled: pack.lifecycle === 'cancelled',
  });
  const { field, check } = bindForm(form, setForm);
  const [override, setOverride] = useState(pack.on_track_override !== null);
  const [settings, setSettings] = useState<OnTrackSettings>(
    pack.on_track_override ?? pack.on_track ?? DEFAULT_ON_TRACK,
  );
  const [checked, setChecked] = useState(false);
  const save = useMutation({
    mutationFn: (body: PackagePatch) =>
      unwrapVersioned(
        api.PATCH('/packages/{package_id}', {
          params: { path: { package_id: pack.id }, header: ifMatch(etag) },
          body,
        }),
      ),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const remote = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const local = checked && admin && override ? validateOnTrack(settings) : {};
  const onTrackErrors = { ...errorsUnder(remote, 'on_track'), ...local };

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setChecked(true);
    if (admin && override && Object.keys(validateOnTrack(settings)).length) return;
    const body: PackagePatch = {};
    if (form.name !== pack.name) body.name = form.name;
    if ((form.end_date || null) !== pack.end_date) body.end_date = form.end_date || null;
    if (form.auto_renew !== pack.auto_renew) body.auto_renew = form.auto_renew;
    if ((form.assigned_team_member_id || null) !== pack.assigned_team_member_id) {
      body.assigned_team_member_id = form.assigned_team_member_id || null;
    }
    if (form.preferred !== pack.preferred) body.preferred = form.preferred;
    if (form.cancelled && pack.lifecycle !== 'cancelled') body.cancelled = true;
    if (admin) {
      const before = JSON.stringify(pack.on_track_override);
      const after = override ? settings : null;
      if (JSON.stringify(after) !== before) body.on_track = after;
    }
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    save.mutate(body);
  };

  return (
    <form onSubmit={submit} noValidate>
      <p className="status-change">
        Status now: <StatusBadge status={pack.status} /> · {pack.used_sessions} used ·{' '}
        {String(pack.outstanding)} left
      </p>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <div className="form-grid">
        <TextField label="Name" {...field('name')} error={remote.name} />
        <TextField
          label="Last valid day"
          type="date"
          {...field('end_date')}
          error={remote.end_date}
          hint="Empty for no end. A pack ending 31 May expires on 1 June."
        />
        <TeamMemberField
          {...field('assigned_team_member_id')}
          error={remote.assigned_team_member_id}
        />
      </div>
      <CheckboxField
        label="Preferred pack (new appointments go into it)"
        {...check('preferred')}
        error={remote.preferred}
      />
      <CheckboxField
        label="Renew automatically when it expires or is used up"
        {...check('auto_renew')}
        error={remote.auto_renew}
      />
      {pack.lifecycle !== 'cancelled' ? (
        <CheckboxField label="Cancel this pack" {...check('cancelled')} error={remote.cancelled} />
      ) : null}
      {admin ? (
        <>
          <fieldset className="group">
            <legend>On track for this client</legend>
            <CheckboxField
              label="Use settings for this client instead of the template's"
              checked={override}
              onChange={(e) => setOverride(e.target.checked)}
              hint={`Template: ${describeOnTrack(pack.on_track_override ? null : pack.on_track)}`}
            />
          </fieldset>
          {override ? (
            <ClientOnTrackFields value={settings} onChange={setSettings} errors={onTrackErrors} />
          ) : null}
        </>
      ) : (
        <ThresholdsReadOnly settings={pack.on_track_override ?? pack.on_track} />
      )}
      <div className="button-row button-row-end">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save pack'}
        </button>
      </div>
    </form>
  );
}

/** Add a pack from the client record: from a template, or custom (SPEC §4). */
export function NewPackageDialog({ clientId, onClose }: { clientId: string; onClose: () => void }) {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const timeZone = useTimeZone();
  const templates = useTemplates();
  const invalidate = useInvalidateClient(clientId);
  const [form, setForm] = useState({
    template_id: '',
    name: '',
    type: 'fixed' as 'fixed' | 'subscription' | 'usage',
    size: '10',
    unit: 'sessions' as 'sessions' | 'hours',
    period: 'month' as 'week' | 'month',
    start_date: todayIn(timeZone),
    end_date: '',
    assigned_team_member_id: '',
    preferred: false,
  });
  const { field, check } = bindForm(form, setForm);
  const [authorised, setAuthorised] = useState(false);
  const [authorization, setAuthorization] = useState({
    source: 'insurer' as 'insurer' | 'referrer',
    name: '',
    reference: '',
    sessions_authorised: '',
  });
  const [override, setOverride] = useState(false);
  const [settings, setSettings] = useState<OnTrackSettings>(DEFAULT_ON_TRACK);
  const [checked, setChecked] = useState(false);
  const fromTemplate = form.template_id !== '';
  const template = templates.data?.find((t) => t.id === form.template_id);
  const packageInput = (): PackageInput => {
    const body: PackageInput = {
      start_date: form.start_date || null,
      preferred: form.preferred,
    };
    if (fromTemplate) body.template_id = form.template_id;
    else {
      body.name = form.name.trim();
      body.type = form.type;
      if (form.type !== 'usage') body.size = Number(form.size);
      body.unit = form.unit;
      if (form.type === 'subscription') body.period = form.period;
    }
    if (form.end_date) body.end_date = form.end_date;
    if (form.assigned_team_member_id) body.assigned_team_member_id = form.assigned_team_member_id;
    if (authorised) {
      body.authorization = {
        source: authorization.source,
        name: authorization.name,
        reference: authorization.reference,
        sessions_authorised: authorization.sessions_authorised
          ? Number(authorization.sessions_authorised)
          : null,
      };
    }
    if (admin && override) body.on_track = settings;
    return body;
  };
  const { save: create, fieldErrors: remote } = useCreate({
    create: (header) =>
      unwrap(
        api.POST('/clients/{client_id}/packages', {
          params: { path: { client_id: clientId }, header },
          body: packageInput(),
        }),
      ),
    onCreated: async () => {
      await invalidate();
      onClose();
    },
  });
  const onTrackErrors = {
    ...errorsUnder(remote, 'on_track'),
    ...(checked && override ? validateOnTrack(settings) : {}),
  };
  const submit = () => {
    setChecked(true);
    if (override && Object.keys(validateOnTrack(settings)).length) return;
    create.mutate();
  };

  return (
    <FormDialog
      title="Add a session pack"
      onClose={onClose}
      wide
      save={create}
      onSubmit={submit}
      label="Add pack"
      pendingLabel="Adding…"
    >
      <SelectField
        label="Pack"
        {...field('template_id')}
        error={remote.template_id}
        hint={template ? `On track: ${describeOnTrack(template.on_track)}` : undefined}
      >
        <option value="">Custom pack</option>
        <optgroup label="Session pack templates">
          <NameOptions items={templates.data} />
        </optgroup>
      </SelectField>
      {!fromTemplate ? (
        <div className="form-grid">
          <TextField label="Name" {...field('name')} error={remote.name} />
          <SelectField label="Type" {...field('type')} error={remote.type}>
            <option value="fixed">Fixed number</option>
            <option value="subscription">Subscription (per period)</option>
            <option value="usage">Usage (no limit)</option>
          </SelectField>
          <PackSizeFields type={form.type} field={field} errors={remote} />
        </div>
      ) : null}
      <div className="form-grid">
        <TextField
          label="Start date"
          type="date"
          {...field('start_date')}
          error={remote.start_date}
        />
        <TextField
          label="Last valid day"
          type="date"
          {...field('end_date')}
          error={remote.end_date}
          hint={fromTemplate ? "Empty: from the template's validity." : 'Empty for no end.'}
        />
        <TeamMemberField
          {...field('assigned_team_member_id')}
          error={remote.assigned_team_member_id}
        />
      </div>
      <CheckboxField label="Preferred pack (new appointments go into it)" {...check('preferred')} />
      <CheckboxField
        label="Authorised by a referrer or insurer"
        checked={authorised}
        onChange={(e) => setAuthorised(e.target.checked)}
      />
      {authorised ? (
        <fieldset className="group">
          <legend>Authorisation</legend>
          <div className="form-grid">
            <SelectField
              label="From"
              value={authorization.source}
              onChange={(e) =>
                setAuthorization({
                  ...authorization,
                  source: e.target.value as 'insurer' | 'referrer',
                })
              }
            >
              <option value="insurer">Insurer</option>
              <option value="referrer">Referrer</option>
            </SelectField>
            <TextField
              label="Name"
              value={authorization.name}
              onChange={(e) => setAuthorization({ ...authorization, name: e.target.value })}
              error={remote['authorization.name']}
            />
            <TextField
              label="Reference"
              value={authorization.reference}
              onChange={(e) => setAuthorization({ ...authorization, reference: e.target.value })}
              error={remote['authorization.reference']}
            />
            <TextField
              label="Sessions authorised"
              type="number"
              min={1}
              value={authorization.sessions_authorised}
              onChange={(e) =>
                setAuthorization({ ...authorization, sessions_authorised: e.target.value })
              }
              error={remote['authorization.sessions_authorised']}
            />
          </div>
        </fieldset>
      ) : null}
      {admin ? (
        <>
          <CheckboxField
            label={
              fromTemplate
                ? "Use On track settings for this client instead of the template's"
                : 'Track this pack On track'
            }
            checked={override}
            onChange={(e) => setOverride(e.target.checked)}
          />
          {override ? (
            <ClientOnTrackFields value={settings} onChange={setSettings} errors={onTrackErrors} />
          ) : null}
        </>
      ) : null}
    </FormDialog>
  );
}
