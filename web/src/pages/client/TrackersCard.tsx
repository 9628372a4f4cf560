import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, idempotencyKey, unwrap, unwrapVersioned } from '../../api/client';
import { usePersonName, useTimeZone } from '../../api/queries';
import type { Tracker, TrackerInput } from '../../api/types';
import { Card, CardList } from '../../components/Card';
import { TeamMemberSelect } from '../../components/Choices';
import { DeleteButton } from '../../components/DeleteButton';
import { ErrorNotice } from '../../components/ErrorState';
import { bindForm, CheckboxField, SelectField, TextArea, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { AddButton } from '../../components/PageHead';
import { SkeletonLines } from '../../components/Skeleton';
import { TrackerBanner } from '../../components/TrackerBanner';
import { fieldErrorsOf, ifMatch } from '../../components/VersionedEdit';
import { todayIn } from '../../lib/dates';
import { useInvalidateClient, useTrackers } from './clientQueries';

const MAX_TRACKERS = 8;
const TRIGGERS = {
  count_reached: 'When the session count is reached',
  end_date: 'When the end date occurs',
  first: 'Whichever comes first',
} as const;
const SKELETON = <SkeletonLines lines={2} label="Loading trackers" />;
const EMPTY = 'No trackers. Add one to count sessions towards a limit or a review.';

export function TrackersCard({ clientId }: { clientId: string }) {
  const trackers = useTrackers(clientId);
  const personName = usePersonName();
  const [editing, setEditing] = useState<Tracker | 'new' | null>(null);
  const count = trackers.data?.items.length ?? 0;
  return (
    <Card
      title={
        <>
          Session trackers{' '}
          {trackers.data ? (
            <span className="muted" style={{ fontWeight: 400, fontSize: '0.9rem' }}>
              ({count} of {MAX_TRACKERS})
            </span>
          ) : null}
        </>
      }
      action={<AddButton small label="Add tracker" onClick={() => setEditing('new')} />}
    >
      <CardList query={trackers} rows={trackers.data?.items} skeleton={SKELETON} empty={EMPTY}>
        {(items) => (
          <div className="trackers">
            {items.map((t) => (
              <TrackerBanner key={t.id} tracker={t}>
                <span className="tracker-meta">
                  {t.task
                    ? `Task for ${personName(t.task.assignee_id)}: ${TRIGGERS[t.task.trigger].toLowerCase()}`
                    : 'No task'}
                  {t.auto_reset ? ' · resets on the end date' : ''}
                </span>
                <button type="button" className="button button-small" onClick={() => setEditing(t)}>
                  Edit<span className="visually-hidden"> tracker {t.note}</span>
                </button>
              </TrackerBanner>
            ))}
          </div>
        )}
      </CardList>
      {editing ? (
        <TrackerDialog
          clientId={clientId}
          tracker={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Card>
  );
}

function TrackerDialog({
  clientId,
  tracker,
  onClose,
}: {
  clientId: string;
  tracker: Tracker | null;
  onClose: () => void;
}) {
  const timeZone = useTimeZone();
  const invalidate = useInvalidateClient(clientId);
  const [key] = useState(idempotencyKey);
  const fresh = useQuery({
    queryKey: ['tracker', tracker?.id],
    enabled: tracker !== null,
    queryFn: () =>
      unwrapVersioned(
        api.GET('/trackers/{tracker_id}', { params: { path: { tracker_id: tracker?.id ?? '' } } }),
      ),
  });
  const [form, setForm] = useState({
    sessions: String(tracker?.sessions ?? 6),
    begin_date: tracker?.begin_date ?? todayIn(timeZone),
    end_date: tracker?.end_date ?? '',
    note: tracker?.note ?? '',
    color: tracker?.color ?? '#3498db',
    withTask: Boolean(tracker?.task),
    assignee: tracker?.task?.assignee_id ?? '',
    trigger: tracker?.task?.trigger ?? 'count_reached',
    auto_reset: tracker?.auto_reset ?? false,
  });
  const { field, check } = bindForm(form, setForm);

  const body = (): TrackerInput => ({
    sessions: Number(form.sessions),
    begin_date: form.begin_date,
    end_date: form.end_date || null,
    note: form.note,
    color: form.color,
    task: form.withTask ? { assignee_id: form.assignee, trigger: form.trigger } : null,
    auto_reset: form.auto_reset,
  });
  const save = useMutation({
    mutationFn: async () => {
      if (tracker) {
        const etag = fresh.data?.etag ?? null;
        return unwrap(
          api.PATCH('/trackers/{tracker_id}', {
            params: { path: { tracker_id: tracker.id }, header: ifMatch(etag) },
            body: body(),
          }),
        );
      }
      return unwrap(
        api.POST('/clients/{client_id}/trackers', {
          params: { path: { client_id: clientId }, header: { 'Idempotency-Key': key } },
          body: body(),
        }),
      );
    },
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/trackers/{tracker_id}', {
          params: { path: { tracker_id: tracker?.id ?? '' } },
        }),
      ),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const errors = fieldErrorsOf(save.error);

  return (
    <FormDialog
      title={tracker ? 'Edit tracker' : 'Add a session tracker'}
      onClose={onClose}
      wide
      save={save}
      onSubmit={() => save.mutate()}
      label={tracker ? 'Save tracker' : 'Add tracker'}
      extra={tracker ? <DeleteButton what="tracker" remove={remove} /> : null}
    >
      <ErrorNotice error={remove.error} />
      <div className="form-grid">
        <TextField
          label="Sessions"
          type="number"
          min={1}
          {...field('sessions')}
          error={errors.sessions}
          hint="Completed sessions to count."
        />
        <TextField
          label="Begin date"
          type="date"
          {...field('begin_date')}
          error={errors.begin_date}
        />
        <TextField
          label="End date"
          type="date"
          {...field('end_date')}
          error={errors.end_date}
          hint="Optional."
        />
        <TextField label="Colour" type="color" {...field('color')} error={errors.color} />
      </div>
      <TextArea
        label="Tracker note"
        rows={2}
        {...field('note')}
        error={errors.note}
        hint="Shown on the banner, here and on the client's appointments."
      />
      <CheckboxField
        label="Assign a task once the session number is reached"
        {...check('withTask')}
      />
      {form.withTask ? (
        <div className="form-grid">
          <TeamMemberSelect
            label="Assign to"
            none="Choose a team member"
            {...field('assignee')}
            error={errors['task.assignee_id']}
          />
          <SelectField label="When" {...field('trigger')} error={errors['task.trigger']}>
            {Object.entries(TRIGGERS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
      ) : null}
      {errors.task ? <p className="field-error">{errors.task}</p> : null}
      <CheckboxField
        label="Reset automatically on the end date"
        {...check('auto_reset')}
        error={errors.auto_reset}
        hint="Needs an end date. A new period of the same length starts the next day."
      />
    </FormDialog>
  );
}
