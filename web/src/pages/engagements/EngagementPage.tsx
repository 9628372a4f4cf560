import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { keys, useLocationName, usePeople, usePersonName, useTimeZone } from '../../api/queries';
import type {
  Appointment,
  AppointmentInput,
  Engagement,
  EngagementPatch,
  EngagementStatus,
  HistoryEntry,
} from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { Card, CardList } from '../../components/Card';
import { NameOptions } from '../../components/Choices';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorState';
import { bindForm, SelectField, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { ProgressBadge } from '../../components/ProgressBadge';
import { Breadcrumb, RecordHead, RecordPageLoading } from '../../components/RecordPage';
import { TableSkeleton } from '../../components/Skeleton';
import { AppointmentStatusBadge } from '../../components/StatusBadge';
import { CardTable } from '../../components/Table';
import { fieldErrorsOf, ifMatch, useCreate } from '../../components/VersionedEdit';
import { addDays, formatDate, formatDateTime, todayIn, zonedTimestamp } from '../../lib/dates';
import {
  mayChangeEngagement,
  NEXT_STATUSES,
  notTrackingReason,
  offTrackReason,
  PROGRESS_LABEL,
  STATUS_LABEL,
  thresholdText,
  TYPE_LABEL,
} from '../../lib/engagements';
import { engagementKeys, useCoaches, useEngagementTemplates } from './shared';

const SESSION_PAGES = 10;
const SESSION_COLUMNS = ['When', 'Kind', 'With', 'Status'];

function useEngagement(id: string) {
  return useQuery({
    queryKey: engagementKeys.one(id),
    queryFn: () =>
      unwrapVersioned(
        api.GET('/engagements/{engagement_id}', {
          params: { path: { engagement_id: id }, query: { include: 'history' } },
        }),
      ),
  });
}

/** The engagement's sessions (or discovery calls): the coachee's appointments that belong
 * to it, oldest first (the API lists a client's appointments by start time). */
function useEngagementSessions(engagement: Engagement | undefined) {
  return useQuery({
    queryKey: engagementKeys.sessions(engagement?.id ?? ''),
    enabled: Boolean(engagement),
    queryFn: async () => {
      const found: Appointment[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < SESSION_PAGES; i++) {
        const page = await unwrap(
          api.GET('/appointments', {
            params: { query: { client_id: engagement?.coachee_id ?? '', limit: 100, cursor } },
          }),
        );
        found.push(...page.items.filter((a) => a.engagement_id === engagement?.id));
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return found;
    },
  });
}

const STATUS_ACTION: Partial<Record<EngagementStatus, string>> = {
  active: 'Launch',
  matching: 'Start coach matching',
  completed: 'Mark completed',
  cancelled: 'Cancel engagement',
};

const CAUSES: Record<string, string> = {
  created: 'created',
  launched: 'launched',
  changed: 'changed',
  coach_selected: 'coach selected',
  appointment: 'a session was booked or changed',
  nightly: 'nightly check',
};

/** The engagement record: people, the settings copied at launch, its sessions, the status
 * history with since-dates, and — when it is Off track — why. */
export default function EngagementPage() {
  const { engagementId = '' } = useParams();
  const claims = useClaims();
  const engagement = useEngagement(engagementId);
  const data = engagement.data?.data;
  const sessions = useEngagementSessions(data);
  const [dialog, setDialog] = useState<'coach' | 'session' | null>(null);

  const back = <Breadcrumb to="/app/engagements" label="Engagements" />;
  if (engagement.isError || !engagement.data || !data) {
    const loading = [
      'Loading the engagement',
      'Loading its sessions',
      'Loading its settings',
    ] as const;
    return <RecordPageLoading query={engagement} back={back} loading={loading} />;
  }
  const etag = engagement.data.etag;
  const canChange = mayChangeEngagement(claims, data);
  const canBook =
    (data.status === 'active' || data.status === 'matching' || data.status === 'draft') &&
    (isManager(claims.role) || claims.sub === data.coach_id);

  return (
    <div className="page">
      {back}
      <RecordHead
        name={data.name}
        status={<span className={`pill pill-eng-${data.status}`}>{STATUS_LABEL[data.status]}</span>}
        sub={
          <>
            {TYPE_LABEL[data.type]} for {data.coachee_name ?? 'a client'}
            {data.started_on ? ` · started ${formatDate(data.started_on)}` : ' · not launched'}
          </>
        }
        actions={
          <>
            {canBook ? (
              <button
                type="button"
                className="button button-primary"
                onClick={() => setDialog('session')}
              >
                {data.type === 'coach_matching' && !data.coach_id
                  ? 'Book a discovery call'
                  : 'Book a session'}
              </button>
            ) : null}
            {canChange && data.status !== 'completed' && data.status !== 'cancelled' ? (
              <button type="button" className="button" onClick={() => setDialog('coach')}>
                {data.coach_id ? 'Change coach' : 'Select a coach'}
              </button>
            ) : null}
            {canChange ? <StatusActions engagement={data} etag={etag} /> : null}
          </>
        }
      />
      <div className="grid-2">
        <div>
          <ProgressCard engagement={data} sessions={sessions.data} />
          <SessionsCard engagement={data} sessions={sessions} />
          <HistoryCard history={data.history ?? []} />
        </div>
        <div>
          <PeopleCard engagement={data} />
          <SettingsCard engagement={data} />
        </div>
      </div>
      {dialog === 'coach' ? (
        <CoachDialog engagement={data} etag={etag} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'session' ? (
        <SessionDialog engagement={data} onClose={() => setDialog(null)} />
      ) : null}
    </div>
  );
}

function ProgressCard({
  engagement,
  sessions,
}: {
  engagement: Engagement;
  sessions: Appointment[] | undefined;
}) {
  const claims = useClaims();
  const timeZone = useTimeZone();
  const today = todayIn(timeZone);
  // "Now" is fixed when the card first shows, so a re-render never changes its wording.
  const [now] = useState(() => Date.now());
  const threshold = engagement.tracking.threshold_days;
  const since = engagement.off_track_since;
  let detail: string | null = null;
  if (engagement.progress === 'off_track') {
    detail = offTrackReason(
      { ...engagement, threshold_days: threshold },
      (sessions ?? []).map((s) => ({ date: s.date, kind: s.kind })),
      today,
    );
  } else if (engagement.progress === 'on_track' && threshold && sessions) {
    const next = sessions.find(
      (s) => s.status === 'scheduled' && new Date(s.starts_at).getTime() > now,
    );
    if (next) {
      detail = `${next.kind === 'discovery_call' ? 'A discovery call' : 'A session'} is booked for ${formatDateTime(next.starts_at, timeZone)}.`;
    } else {
      const dates = [
        engagement.started_on,
        engagement.coach_selected_on,
        ...sessions.filter((s) => s.date <= today).map((s) => s.date),
      ].filter((d): d is string => Boolean(d));
      const last = dates.sort().at(-1);
      if (last) {
        detail = `Nothing is booked: it goes Off track on ${formatDate(addDays(last, threshold))} unless a session is booked before then.`;
      }
    }
  } else if (engagement.progress === 'not_tracking') {
    detail = notTrackingReason(claims, { ...engagement, threshold_days: threshold });
  }
  return (
    <Card title="Progress" className={`progress-card progress-card-${engagement.progress}`}>
      <p className="progress-now">
        <ProgressBadge
          progress={engagement.progress}
          withText
          since={since ? formatDate(since) : null}
        />
      </p>
      {detail ? (
        <p className="progress-why" data-testid="progress-reason">
          {detail}
        </p>
      ) : null}
    </Card>
  );
}

function PeopleCard({ engagement }: { engagement: Engagement }) {
  const personName = usePersonName();
  const locationName = useLocationName();
  return (
    <Card title="People">
      <dl className="facts">
        <dt>Coachee</dt>
        <dd>
          <Link to={`/app/clients/${engagement.coachee_id}`}>
            {engagement.coachee_name ?? 'Client'}
          </Link>
        </dd>
        <dt>Coach</dt>
        <dd>
          {engagement.coach_id ? (
            personName(engagement.coach_id)
          ) : (
            <span className="muted">
              {engagement.type === 'coach_matching' ? 'Being matched' : 'None yet'}
            </span>
          )}
          {engagement.coach_selected_on ? (
            <div className="muted">selected {formatDate(engagement.coach_selected_on)}</div>
          ) : null}
        </dd>
        <dt>Owner</dt>
        <dd>{personName(engagement.owner_id)}</dd>
        <dt>Location</dt>
        <dd>{locationName(engagement.location_id)}</dd>
      </dl>
    </Card>
  );
}

function SettingsCard({ engagement }: { engagement: Engagement }) {
  const templates = useEngagementTemplates();
  const template = templates.data?.find((t) => t.id === engagement.template_id);
  const { threshold_days: threshold, notify_off_track: notify } = engagement.tracking;
  const launched = Boolean(engagement.started_on);
  return (
    <Card title={launched ? 'Settings copied at launch' : 'Settings'}>
      <dl className="facts">
        <dt>Template</dt>
        <dd>
          {template ? (
            <Link to="/app/engagements/templates">{template.name}</Link>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
        <dt>Type</dt>
        <dd>{TYPE_LABEL[engagement.type]}</dd>
        <dt>Progress tracking</dt>
        <dd>
          {threshold
            ? `${thresholdText(threshold)}${threshold % 7 === 0 ? ` (${threshold} days)` : ''}`
            : 'Off'}
        </dd>
        <dt>Off-track notifications</dt>
        <dd>{notify ? 'On: coachee, coach and owner are emailed' : 'Off'}</dd>
        <dt>Started</dt>
        <dd>{formatDate(engagement.started_on)}</dd>
      </dl>
      <p className="field-hint">
        {launched
          ? 'Copied from the template when the engagement launched: later changes to the template do not change it.'
          : 'Copied from the template when the engagement launches.'}
      </p>
    </Card>
  );
}

function SessionsCard({
  engagement,
  sessions,
}: {
  engagement: Engagement;
  sessions: ReturnType<typeof useEngagementSessions>;
}) {
  const timeZone = useTimeZone();
  const personName = usePersonName();
  const matching = engagement.type === 'coach_matching';
  const title = matching ? 'Discovery calls and sessions' : 'Sessions';
  const items = sessions.data ? [...sessions.data].reverse() : undefined;
  return (
    <Card title={title}>
      <CardList
        query={sessions}
        rows={items}
        skeleton={<TableSkeleton columns={SESSION_COLUMNS} rows={3} />}
        empty={`${matching ? 'No discovery call yet.' : 'No session yet.'} Booking one puts the engagement On track.`}
      >
        {(rows) => (
          <CardTable columns={SESSION_COLUMNS}>
            {rows.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link to={`/app/clients/${s.client_id}?appointment=${s.id}`}>
                    {formatDateTime(s.starts_at, timeZone)}
                  </Link>
                </th>
                <td>{s.kind === 'discovery_call' ? 'Discovery call' : 'Session'}</td>
                <td>{personName(s.practitioner_id)}</td>
                <td>
                  <AppointmentStatusBadge status={s.status} />
                </td>
              </tr>
            ))}
          </CardTable>
        )}
      </CardList>
    </Card>
  );
}

function statusWord(entry: HistoryEntry): string {
  const labels: Record<string, string> = entry.field === 'progress' ? PROGRESS_LABEL : STATUS_LABEL;
  return labels[entry.to_status] ?? entry.to_status;
}

function HistoryCard({ history }: { history: HistoryEntry[] }) {
  const personName = usePersonName();
  // Newest first; entries of the same moment keep their order, latest first.
  const entries = [...history]
    .reverse()
    .sort((a, b) => `${b.date}${b.at ?? ''}`.localeCompare(`${a.date}${a.at ?? ''}`));
  return (
    <Card title="Status history">
      {entries.length === 0 ? (
        <p className="empty-small">No changes yet.</p>
      ) : (
        <CardTable columns={['Since', 'Status', 'Was', 'Why']}>
          {entries.map((entry, i) => (
            <tr key={`${entry.field}-${entry.date}-${entry.at ?? i}`}>
              <th scope="row">{formatDate(entry.date)}</th>
              <td>
                {entry.field === 'progress' ? (
                  <ProgressBadge
                    progress={
                      entry.to_status === 'off_track'
                        ? 'off_track'
                        : entry.to_status === 'on_track'
                          ? 'on_track'
                          : 'not_tracking'
                    }
                    withText
                  />
                ) : (
                  <span className={`pill pill-eng-${entry.to_status}`}>{statusWord(entry)}</span>
                )}
              </td>
              <td className="muted">
                {entry.from_status ? statusWord({ ...entry, to_status: entry.from_status }) : '—'}
              </td>
              <td>
                {CAUSES[entry.cause] ?? entry.cause}
                {entry.actor_id ? ` by ${personName(entry.actor_id)}` : ''}
              </td>
            </tr>
          ))}
        </CardTable>
      )}
    </Card>
  );
}

function usePatchEngagement(engagement: Engagement, etag: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EngagementPatch) =>
      unwrapVersioned(
        api.PATCH('/engagements/{engagement_id}', {
          params: {
            path: { engagement_id: engagement.id },
            header: ifMatch(etag),
          },
          body,
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: engagementKeys.all });
    },
  });
}

function StatusActions({ engagement, etag }: { engagement: Engagement; etag: string | null }) {
  const [confirm, setConfirm] = useState<EngagementStatus | null>(null);
  const next = NEXT_STATUSES[engagement.status].filter(
    (s) => !(s === 'matching' && engagement.type !== 'coach_matching'),
  );
  if (next.length === 0) return null;
  return (
    <>
      {next.map((status) => (
        <button
          key={status}
          type="button"
          className={status === 'cancelled' ? 'button button-danger' : 'button'}
          onClick={() => setConfirm(status)}
        >
          {STATUS_ACTION[status] ?? STATUS_LABEL[status]}
        </button>
      ))}
      {confirm ? (
        <StatusDialog
          engagement={engagement}
          etag={etag}
          status={confirm}
          onClose={() => setConfirm(null)}
        />
      ) : null}
    </>
  );
}

function StatusDialog({
  engagement,
  etag,
  status,
  onClose,
}: {
  engagement: Engagement;
  etag: string | null;
  status: EngagementStatus;
  onClose: () => void;
}) {
  const patch = usePatchEngagement(engagement, etag);
  const what: Record<EngagementStatus, string> = {
    active: 'Launch it: its template’s tracking settings are copied now and the clock starts.',
    matching: 'Start coach matching: the clock starts now; discovery calls count as activity.',
    completed: 'Mark it completed: progress is no longer tracked.',
    cancelled: 'Cancel it: progress is no longer tracked.',
    draft: '',
  };
  return (
    <Dialog title={`${STATUS_ACTION[status] ?? STATUS_LABEL[status]}?`} onClose={onClose}>
      <p>{what[status]}</p>
      <ErrorNotice error={patch.error} />
      <div className="button-row button-row-end">
        <button type="button" className="button" onClick={onClose}>
          Keep it {STATUS_LABEL[engagement.status].toLowerCase()}
        </button>
        <button
          type="button"
          className={status === 'cancelled' ? 'button button-danger' : 'button button-primary'}
          disabled={patch.isPending}
          onClick={() => patch.mutate({ status }, { onSuccess: onClose })}
        >
          {patch.isPending ? 'Saving…' : (STATUS_ACTION[status] ?? STATUS_LABEL[status])}
        </button>
      </div>
    </Dialog>
  );
}

function CoachDialog({
  engagement,
  etag,
  onClose,
}: {
  engagement: Engagement;
  etag: string | null;
  onClose: () => void;
}) {
  const coaches = useCoaches();
  const [coach, setCoach] = useState(engagement.coach_id ?? '');
  const patch = usePatchEngagement(engagement, etag);
  const remote = fieldErrorsOf(patch.error);
  return (
    <FormDialog
      title={engagement.coach_id ? 'Change coach' : 'Select a coach'}
      onClose={onClose}
      save={patch}
      notice={remote.coach_id ? null : patch.error}
      onSubmit={() => patch.mutate({ coach_id: coach || null }, { onSuccess: onClose })}
      label="Save coach"
      disabled={!coach}
    >
      <SelectField
        label="Coach"
        value={coach}
        onChange={(e) => setCoach(e.target.value)}
        error={remote.coach_id}
        hint={
          engagement.type === 'coach_matching'
            ? 'Selecting the coach counts as activity and ends matching.'
            : undefined
        }
      >
        <option value="">Choose a coach</option>
        <NameOptions items={coaches} />
      </SelectField>
    </FormDialog>
  );
}

function SessionDialog({ engagement, onClose }: { engagement: Engagement; onClose: () => void }) {
  const claims = useClaims();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const people = usePeople();
  const defaultKind =
    engagement.type === 'coach_matching' && !engagement.coach_id ? 'discovery_call' : 'session';
  const [form, setForm] = useState({
    date: addDays(todayIn(timeZone), 7),
    time: '10:00',
    minutes: '60',
    kind: defaultKind as AppointmentInput['kind'],
    practitioner: isManager(claims.role) ? (engagement.coach_id ?? '') : claims.sub,
  });
  const { field } = bindForm(form, setForm);
  const practitioners = useMemo(
    () => (people.data ?? []).filter((p) => p.status === 'active'),
    [people.data],
  );
  const { save, fieldErrors: remote } = useCreate({
    create: (header) => {
      const startsAt = zonedTimestamp(form.date, form.time, timeZone);
      const end = new Date(new Date(startsAt).getTime() + Number(form.minutes) * 60_000);
      const body: AppointmentInput = {
        client_id: engagement.coachee_id,
        practitioner_id: form.practitioner || null,
        starts_at: startsAt,
        ends_at: end.toISOString(),
        kind: form.kind,
        status: 'scheduled',
        engagement_id: engagement.id,
      };
      return unwrap(api.POST('/appointments', { params: { header }, body }));
    },
    onCreated: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: engagementKeys.all }),
        queryClient.invalidateQueries({ queryKey: keys.appointments }),
        queryClient.invalidateQueries({ queryKey: keys.client(engagement.coachee_id) }),
      ]);
      onClose();
    },
  });
  return (
    <FormDialog
      title={`Book ${form.kind === 'discovery_call' ? 'a discovery call' : 'a session'} with ${engagement.coachee_name ?? 'the coachee'}`}
      onClose={onClose}
      save={save}
      onSubmit={() => save.mutate()}
      label="Book"
      pendingLabel="Booking…"
    >
      <div className="form-grid">
        <TextField label="Date" type="date" {...field('date')} error={remote.starts_at} />
        <TextField label="Time" type="time" {...field('time')} hint={`In ${timeZone}.`} />
        <SelectField label="Length" {...field('minutes')} error={remote.ends_at}>
          <option value="30">30 minutes</option>
          <option value="45">45 minutes</option>
          <option value="60">1 hour</option>
          <option value="90">1½ hours</option>
        </SelectField>
        <SelectField
          label="Kind"
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value as AppointmentInput['kind'] })}
          error={remote.kind}
        >
          <option value="session">Session</option>
          <option value="discovery_call">Discovery call</option>
        </SelectField>
        {isManager(claims.role) ? (
          <SelectField label="With" {...field('practitioner')} error={remote.practitioner_id}>
            <option value="">Choose a coach</option>
            <NameOptions items={practitioners} />
          </SelectField>
        ) : null}
      </div>
      <p className="field-hint">
        A booked {form.kind === 'discovery_call' ? 'discovery call' : 'session'} puts the engagement
        On track.
      </p>
    </FormDialog>
  );
}
