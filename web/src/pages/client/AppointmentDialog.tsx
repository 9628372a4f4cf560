import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { api, idempotencyKey, unwrap, unwrapVersioned, type Versioned } from '../../api/client';
import { usePersonName, useTimeZone } from '../../api/queries';
import { ApiError } from '../../api/problem';
import type {
  Appointment,
  AppointmentInput,
  AppointmentPatch,
  AppointmentStatus,
  Client,
  Package,
  TrackStatus,
} from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { TeamMemberSelect, type PickerProps } from '../../components/Choices';
import { DeleteButton } from '../../components/DeleteButton';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice, ErrorState } from '../../components/ErrorState';
import { bindForm, SelectField, TextArea, TextField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { SkeletonLines } from '../../components/Skeleton';
import { AppointmentStatusBadge, StatusBadge } from '../../components/StatusBadge';
import { TrackerBanner } from '../../components/TrackerBanner';
import { ifMatch } from '../../components/VersionedEdit';
import {
  dateIn,
  formatDateTime,
  formatTime,
  timeIn,
  todayIn,
  zonedTimestamp,
} from '../../lib/dates';
import { useInvalidateClient, usePackages, useTemplates } from './clientQueries';

/** What saving did to the appointment's pack, shown right after the save (issue 12). */
interface PackChange {
  name: string;
  before: TrackStatus | null | undefined;
  after: TrackStatus | null | undefined;
  created: boolean;
  left: Package['outstanding'];
}

const DURATIONS = [30, 45, 60, 90, 120];

/** How long a session lasts, in minutes: one of the usual lengths, or the length it was
 * booked with (`booked`) when that is another. */
function LengthField({
  minutes,
  booked,
  onChange,
  error,
}: {
  minutes: number;
  booked?: number;
  onChange: (minutes: number) => void;
  error: string | undefined;
}) {
  const lengths =
    booked === undefined || DURATIONS.includes(booked)
      ? DURATIONS
      : [...DURATIONS, booked].sort((a, b) => a - b);
  return (
    <SelectField
      label="Length"
      value={String(minutes)}
      onChange={(e) => onChange(Number(e.target.value))}
      error={error}
    >
      {lengths.map((d) => (
        <option key={d} value={d}>
          {d} minutes
        </option>
      ))}
    </SelectField>
  );
}

function addMinutes(timestamp: string, minutes: number, timeZone: string): string {
  const end = new Date(new Date(timestamp).getTime() + minutes * 60000).toISOString();
  return zonedTimestamp(dateIn(end, timeZone), timeIn(end, timeZone), timeZone);
}

/** Reads the pack after a save and says what changed, against the list read before. */
function usePackChange(clientId: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateClient(clientId);
  const packages = usePackages(clientId);
  return async (packageId: string | null | undefined): Promise<PackChange | null> => {
    const before = packages.data?.find((p) => p.id === packageId);
    await invalidate();
    if (!packageId) return null;
    const fresh = await queryClient.query({
      queryKey: ['package', packageId],
      queryFn: () =>
        unwrapVersioned(
          api.GET('/packages/{package_id}', { params: { path: { package_id: packageId } } }),
        ),
      staleTime: 0,
    });
    return {
      name: fresh.data.name,
      before: before?.status,
      after: fresh.data.status,
      created: !before,
      left: fresh.data.outstanding,
    };
  };
}

export function AppointmentDialog({
  client,
  appointmentId,
  onClose,
  onCreated,
}: {
  client: Client;
  appointmentId: string | null;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const [change, setChange] = useState<{ message: string; pack: PackChange | null } | null>(null);
  return (
    <Dialog
      title={
        appointmentId
          ? `Appointment with ${client.name}`
          : `Book or record a session with ${client.name}`
      }
      onClose={onClose}
      wide
    >
      {change ? <ChangeNotice message={change.message} pack={change.pack} /> : null}
      {appointmentId ? (
        <ExistingAppointment
          key={appointmentId}
          client={client}
          appointmentId={appointmentId}
          onSaved={setChange}
          onClose={onClose}
        />
      ) : (
        <NewAppointment
          client={client}
          onCancel={onClose}
          onSaved={(id, result) => {
            setChange(result);
            onCreated(id);
          }}
        />
      )}
    </Dialog>
  );
}

function ChangeNotice({ message, pack }: { message: string; pack: PackChange | null }) {
  return (
    <div className="notice notice-success" role="status" data-testid="saved-notice">
      <strong>{message}</strong>
      {pack ? (
        <div className="status-change" style={{ marginTop: '0.35rem' }}>
          {pack.created ? (
            <>
              New pack “{pack.name}” created, now <StatusBadge status={pack.after} />
            </>
          ) : (
            <>
              “{pack.name}”: <StatusBadge status={pack.before} /> <span aria-hidden="true">→</span>
              <span className="visually-hidden">now</span> <StatusBadge status={pack.after} />
            </>
          )}
          <span>· {String(pack.left)} left</span>
        </div>
      ) : null}
    </div>
  );
}

function PackPicker({
  clientId,
  value,
  onChange,
  error,
  allowTemplates,
  current,
}: {
  clientId: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  allowTemplates: boolean;
  current?: Package | undefined;
}) {
  const open = usePackages(clientId, true);
  const templates = useTemplates();
  const sorted = [...(open.data ?? [])].sort((a, b) => Number(b.preferred) - Number(a.preferred));
  const preferred = sorted.find((p) => p.preferred);
  return (
    <SelectField
      label="Session pack"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={
        open.isPending
          ? 'Loading the open packs…'
          : sorted.length === 0
            ? 'This client has no open pack.'
            : undefined
      }
    >
      <option value="none">
        {preferred ? `No pack chosen (goes into “${preferred.name}”)` : 'No pack'}
      </option>
      {current && !sorted.some((p) => p.id === current.id) ? (
        <option value={`pkg:${current.id}`}>{current.name} (current, not open)</option>
      ) : null}
      {sorted.length ? (
        <optgroup label="Open session packs">
          {sorted.map((p) => (
            <option key={p.id} value={`pkg:${p.id}`}>
              {p.name} · {String(p.outstanding)} left{p.preferred ? ' · preferred' : ''}
            </option>
          ))}
        </optgroup>
      ) : null}
      {allowTemplates && templates.data?.length ? (
        <optgroup label="Session pack templates (creates a pack)">
          {templates.data.map((t) => (
            <option key={t.id} value={`tpl:${t.id}`}>
              New pack: {t.name}
            </option>
          ))}
        </optgroup>
      ) : null}
    </SelectField>
  );
}

/** Administrators choose who holds the session; anyone else holds their own. */
function PractitionerField(props: PickerProps) {
  const claims = useClaims();
  const personName = usePersonName();
  if (!isManager(claims.role)) {
    return (
      <div className="field">
        <span className="field-label-static">Practitioner</span>
        <span>{personName(claims.sub)}</span>
      </div>
    );
  }
  return <TeamMemberSelect label="Practitioner" none="Choose a practitioner" {...props} />;
}

function NewAppointment({
  client,
  onCancel,
  onSaved,
}: {
  client: Client;
  onCancel: () => void;
  onSaved: (id: string, change: { message: string; pack: PackChange | null }) => void;
}) {
  const claims = useClaims();
  const timeZone = useTimeZone();
  const today = todayIn(timeZone);
  const openPacks = usePackages(client.id, true);
  const [key] = useState(idempotencyKey);
  const packChange = usePackChange(client.id);
  const preferred = openPacks.data?.find((p) => p.preferred);
  const [form, setForm] = useState({
    date: today,
    time: '10:00',
    duration: 60,
    practitioner: isManager(claims.role) ? (client.assigned_practitioner_ids[0] ?? '') : claims.sub,
    kind: 'session' as 'session' | 'discovery_call',
    status: 'scheduled' as 'scheduled' | 'completed',
    pack: '',
    notes: '',
  });
  const { field } = bindForm(form, setForm);
  const pack = form.pack || (preferred ? `pkg:${preferred.id}` : 'none');
  const inactive = client.status === 'inactive';
  const future = form.date > today;

  const create = useMutation({
    mutationFn: async () => {
      const startsAt = zonedTimestamp(form.date, form.time, timeZone);
      const body: AppointmentInput = {
        client_id: client.id,
        practitioner_id: form.practitioner || null,
        starts_at: startsAt,
        ends_at: addMinutes(startsAt, form.duration, timeZone),
        kind: form.kind,
        status: form.status,
        notes: form.notes,
      };
      if (pack.startsWith('pkg:')) body.package_id = pack.slice(4);
      if (pack.startsWith('tpl:')) body.template_id = pack.slice(4);
      const saved = await unwrap(
        api.POST('/appointments', { params: { header: { 'Idempotency-Key': key } }, body }),
      );
      return { saved, pack: await packChange(saved.package_id) };
    },
    onSuccess: ({ saved, pack: change }) =>
      onSaved(saved.id, {
        message: saved.status === 'completed' ? 'Session recorded.' : 'Session booked.',
        pack: change,
      }),
  });
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {};
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      {inactive ? (
        <div className="notice notice-error" role="alert">
          <strong>{client.name} is inactive.</strong> Inactive clients cannot be added to
          appointments. Change their status to Active first.
        </div>
      ) : null}
      {create.error ? <ErrorNotice error={create.error} /> : null}
      <fieldset className="group">
        <legend>What are you doing?</legend>
        <div className="segmented" role="radiogroup" aria-label="Book or record">
          {(['scheduled', 'completed'] as const).map((s) => (
            <label key={s} className={form.status === s ? 'segment segment-on' : 'segment'}>
              <input
                type="radio"
                name="appointment-status"
                checked={form.status === s}
                onChange={() => setForm({ ...form, status: s })}
              />
              {s === 'scheduled' ? 'Book a session' : 'Record a completed session'}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <TextField
          label="Date"
          type="date"
          {...field('date')}
          error={
            errors.starts_at ??
            (form.status === 'completed' && future
              ? 'A session dated in the future cannot be completed.'
              : undefined)
          }
        />
        <TextField label="Start time" type="time" {...field('time')} hint={`${timeZone} time`} />
        <LengthField
          minutes={form.duration}
          onChange={(duration) => setForm({ ...form, duration })}
          error={errors.ends_at}
        />
        <PractitionerField {...field('practitioner')} error={errors.practitioner_id} />
        <SelectField label="Kind" {...field('kind')} error={errors.kind}>
          <option value="session">Session</option>
          <option value="discovery_call">Discovery call</option>
        </SelectField>
      </div>
      <PackPicker
        clientId={client.id}
        value={pack}
        onChange={(value) => setForm({ ...form, pack: value })}
        error={errors.package_id ?? errors.template_id}
        allowTemplates
      />
      <TextArea label="Notes" rows={2} {...field('notes')} error={errors.notes} />
      <FormActions
        onCancel={onCancel}
        pending={create.isPending}
        label={form.status === 'completed' ? 'Record session' : 'Book session'}
        disabled={inactive || (form.status === 'completed' && future)}
      />
    </form>
  );
}

const ACTIONS: { status: AppointmentStatus; label: string; done: string }[] = [
  { status: 'completed', label: 'Mark completed', done: 'Marked completed.' },
  { status: 'cancelled', label: 'Cancel session', done: 'Session cancelled.' },
  { status: 'missed', label: 'Mark missed', done: 'Marked missed.' },
  { status: 'scheduled', label: 'Back to scheduled', done: 'Back to scheduled.' },
];

function ExistingAppointment({
  client,
  appointmentId,
  onSaved,
  onClose,
}: {
  client: Client;
  appointmentId: string;
  onSaved: (change: { message: string; pack: PackChange | null }) => void;
  onClose: () => void;
}) {
  const appointment = useQuery({
    queryKey: ['appointment', appointmentId],
    queryFn: () =>
      unwrapVersioned(
        api.GET('/appointments/{appointment_id}', {
          params: { path: { appointment_id: appointmentId } },
        }),
      ),
  });
  if (appointment.isError)
    return <ErrorState error={appointment.error} onRetry={() => void appointment.refetch()} />;
  if (!appointment.data) return <SkeletonLines lines={6} label="Loading the appointment" />;
  return (
    <AppointmentDetails
      client={client}
      record={appointment.data}
      onSaved={onSaved}
      onClose={onClose}
    />
  );
}

function AppointmentDetails({
  client,
  record,
  onSaved,
  onClose,
}: {
  client: Client;
  record: Versioned<Appointment>;
  onSaved: (change: { message: string; pack: PackChange | null }) => void;
  onClose: () => void;
}) {
  const claims = useClaims();
  const timeZone = useTimeZone();
  const personName = usePersonName();
  const queryClient = useQueryClient();
  const packages = usePackages(client.id);
  const packChange = usePackChange(client.id);
  const invalidate = useInvalidateClient(client.id);
  const { data: appt, etag } = record;
  const today = todayIn(timeZone);
  const future = appt.date > today;
  const [showAll, setShowAll] = useState(false);
  const [editing, setEditing] = useState(false);
  const currentPack = packages.data?.find((p) => p.id === appt.package_id);

  const patch = useMutation({
    mutationFn: async ({ body, message }: { body: AppointmentPatch; message: string }) => {
      const saved = await unwrapVersioned(
        api.PATCH('/appointments/{appointment_id}', {
          params: { path: { appointment_id: appt.id }, header: ifMatch(etag) },
          body,
        }),
      );
      queryClient.setQueryData(['appointment', appt.id], saved);
      return { message, pack: await packChange(saved.data.package_id ?? appt.package_id) };
    },
    onSuccess: (result) => {
      setEditing(false);
      onSaved(result);
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/appointments/{appointment_id}', {
          params: { path: { appointment_id: appt.id } },
        }),
      ),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const errors = patch.error instanceof ApiError ? patch.error.fieldErrors : {};
  // Trackers show on today's and past appointments only, never on future ones (SPEC §6).
  const banners = future ? [] : (appt.trackers ?? []);
  const shown = showAll ? banners : banners.slice(0, 1);

  return (
    <div>
      {patch.error && !editing ? <ErrorNotice error={patch.error} /> : null}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      {shown.length ? (
        <div className="trackers" style={{ marginBottom: '1rem' }}>
          {shown.map((t) => (
            <TrackerBanner key={t.tracker_id} tracker={t} />
          ))}
          {banners.length > 1 ? (
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => setShowAll(!showAll)}
            >
              {showAll ? 'Show one tracker' : `Show all ${banners.length} trackers`}
            </button>
          ) : null}
        </div>
      ) : null}
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {formatDateTime(appt.starts_at, timeZone)} – {formatTime(appt.ends_at, timeZone)}
        </dd>
        <dt>Status</dt>
        <dd>
          <AppointmentStatusBadge status={appt.status} />
        </dd>
        <dt>Practitioner</dt>
        <dd>{personName(appt.practitioner_id)}</dd>
        <dt>Kind</dt>
        <dd>{appt.kind === 'discovery_call' ? 'Discovery call' : 'Session'}</dd>
        <dt>Pack</dt>
        <dd>
          {appt.package_id ? (
            <>
              {currentPack?.name ?? 'Pack'}{' '}
              {currentPack ? <StatusBadge status={currentPack.status} /> : null}
            </>
          ) : (
            <span className="muted">No pack</span>
          )}
        </dd>
        {appt.notes ? (
          <>
            <dt>Notes</dt>
            <dd>{appt.notes}</dd>
          </>
        ) : null}
      </dl>
      {!editing ? (
        <>
          <div className="button-row">
            {ACTIONS.filter((a) => a.status !== appt.status).map((a) => (
              <button
                key={a.status}
                type="button"
                className={`button${a.status === 'completed' ? ' button-primary' : ''}`}
                disabled={patch.isPending || (a.status === 'completed' && future)}
                onClick={() => patch.mutate({ body: { status: a.status }, message: a.done })}
              >
                {a.label}
              </button>
            ))}
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Change date or pack
            </button>
          </div>
          {future && appt.status === 'scheduled' ? (
            <p className="field-hint">
              A session dated in the future cannot be marked completed yet.
            </p>
          ) : null}
          {isManager(claims.role) ? (
            <div className="button-row">
              <DeleteButton what="appointment" remove={remove} small />
            </div>
          ) : null}
        </>
      ) : (
        <EditAppointment
          client={client}
          appt={appt}
          errors={errors}
          error={patch.error}
          pending={patch.isPending}
          currentPack={currentPack}
          onCancel={() => setEditing(false)}
          onSave={(body) => patch.mutate({ body, message: 'Appointment saved.' })}
        />
      )}
    </div>
  );
}

function EditAppointment({
  client,
  appt,
  errors,
  error,
  pending,
  currentPack,
  onCancel,
  onSave,
}: {
  client: Client;
  appt: Appointment;
  errors: Record<string, string>;
  error: unknown;
  pending: boolean;
  currentPack: Package | undefined;
  onCancel: () => void;
  onSave: (body: AppointmentPatch) => void;
}) {
  const timeZone = useTimeZone();
  const minutes = Math.round(
    (new Date(appt.ends_at).getTime() - new Date(appt.starts_at).getTime()) / 60000,
  );
  const [form, setForm] = useState({
    date: appt.date,
    time: timeIn(appt.starts_at, timeZone),
    duration: minutes,
    pack: appt.package_id ? `pkg:${appt.package_id}` : 'none',
    notes: appt.notes,
  });
  const { field } = bindForm(form, setForm);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const startsAt = zonedTimestamp(form.date, form.time, timeZone);
    const body: AppointmentPatch = {};
    if (
      startsAt !== zonedTimestamp(appt.date, timeIn(appt.starts_at, timeZone), timeZone) ||
      form.duration !== minutes
    ) {
      body.starts_at = startsAt;
      body.ends_at = addMinutes(startsAt, form.duration, timeZone);
    }
    const packageId = form.pack.startsWith('pkg:') ? form.pack.slice(4) : null;
    if (packageId !== appt.package_id) body.package_id = packageId;
    if (form.notes !== appt.notes) body.notes = form.notes;
    if (Object.keys(body).length === 0) onCancel();
    else onSave(body);
  };
  return (
    <form onSubmit={submit} noValidate style={{ marginTop: '1rem' }}>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="form-grid">
        <TextField label="Date" type="date" {...field('date')} error={errors.starts_at} />
        <TextField label="Start time" type="time" {...field('time')} />
        <LengthField
          minutes={form.duration}
          booked={minutes}
          onChange={(duration) => setForm({ ...form, duration })}
          error={errors.ends_at}
        />
      </div>
      <PackPicker
        clientId={client.id}
        value={form.pack}
        onChange={(pack) => setForm({ ...form, pack })}
        error={errors.package_id}
        allowTemplates={false}
        current={currentPack}
      />
      <TextArea label="Notes" rows={2} {...field('notes')} error={errors.notes} />
      <FormActions onCancel={onCancel} pending={pending} label="Save changes" />
    </form>
  );
}
