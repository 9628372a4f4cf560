import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { api, idempotencyKey, unwrap } from '../../api/client';
import { allPages } from '../../api/allPages';
import { keys, usePeople } from '../../api/queries';
import { ApiError } from '../../api/problem';
import type { EngagementInput } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { NameOptions } from '../../components/Choices';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorState';
import { bindForm, SelectField, TextField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { SkeletonLines } from '../../components/Skeleton';
import { thresholdText, TYPE_LABEL } from '../../lib/engagements';
import { engagementKeys, useCoaches, useEngagementTemplates } from './shared';

const MAX_CLIENT_PAGES = 5;

function useCoachees() {
  return useQuery({
    queryKey: [...keys.clients, 'picker'],
    staleTime: 60_000,
    queryFn: async () => {
      const clients = await allPages(
        (cursor) => unwrap(api.GET('/clients', { params: { query: { limit: 100, cursor } } })),
        MAX_CLIENT_PAGES,
      );
      return clients.filter((c) => c.status !== 'inactive');
    },
  });
}

export function NewEngagementButton({ onCreated }: { onCreated: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
        + New engagement
      </button>
      {open ? (
        <NewEngagementDialog
          onClose={() => setOpen(false)}
          onCreated={(id) => {
            setOpen(false);
            onCreated(id);
          }}
        />
      ) : null}
    </>
  );
}

function NewEngagementDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const claims = useClaims();
  const queryClient = useQueryClient();
  const templates = useEngagementTemplates();
  const coachees = useCoachees();
  const people = usePeople().data ?? [];
  const coaches = useCoaches();
  const [key] = useState(idempotencyKey);
  const [form, setForm] = useState({
    template_id: '',
    coachee_id: '',
    coach_id: '',
    owner_id: claims.sub,
    name: '',
    launch: true,
  });
  const { field } = bindForm(form, setForm);
  const template = templates.data?.find((t) => t.id === form.template_id);
  const save = useMutation({
    mutationFn: () => {
      const body: EngagementInput = {
        template_id: form.template_id,
        coachee_id: form.coachee_id,
        coach_id: form.coach_id || null,
        owner_id: form.owner_id || null,
        name: form.name.trim() || null,
        status: form.launch
          ? template?.type === 'coach_matching' && !form.coach_id
            ? 'matching'
            : 'active'
          : 'draft',
      };
      return unwrap(
        api.POST('/engagements', { params: { header: { 'Idempotency-Key': key } }, body }),
      );
    },
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: engagementKeys.all });
      onCreated(created.id);
    },
  });
  const remote = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const loading = templates.isPending || coachees.isPending;
  return (
    <Dialog title="New engagement" onClose={onClose}>
      {loading ? (
        <SkeletonLines lines={5} label="Loading templates and clients" />
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={templates.error ?? coachees.error ?? save.error} />
          <SelectField
            label="Template"
            {...field('template_id')}
            error={remote.template_id}
            hint={
              template
                ? `${TYPE_LABEL[template.type]} · progress tracking ${thresholdText(template.threshold_days).toLowerCase()}${template.notify_off_track ? ' · off-track notifications on' : ''}. Copied when it launches.`
                : undefined
            }
          >
            <option value="">Choose a template</option>
            <NameOptions items={templates.data} />
          </SelectField>
          <SelectField label="Coachee" {...field('coachee_id')} error={remote.coachee_id}>
            <option value="">Choose a client</option>
            <NameOptions items={coachees.data} />
          </SelectField>
          <SelectField
            label="Coach"
            {...field('coach_id')}
            error={remote.coach_id}
            hint={template?.type === 'coach_matching' ? 'Leave empty while matching.' : undefined}
          >
            <option value="">No coach yet</option>
            <NameOptions items={coaches} />
          </SelectField>
          <SelectField label="Owner" {...field('owner_id')} error={remote.owner_id}>
            {people
              .filter((p) => p.status === 'active' && p.role !== 'staff')
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id === claims.sub ? `${p.name} (you)` : p.name}
                </option>
              ))}
            {people.some((p) => p.id === claims.sub) ? null : (
              <option value={claims.sub}>You</option>
            )}
          </SelectField>
          <TextField
            label="Name"
            {...field('name')}
            placeholder={template?.name ?? 'The template’s name'}
            error={remote.name}
            hint="Optional."
          />
          <SelectField
            label="Start"
            value={form.launch ? 'launch' : 'draft'}
            onChange={(e) => setForm({ ...form, launch: e.target.value === 'launch' })}
            error={remote.status}
            hint="Progress tracking starts when it launches."
          >
            <option value="launch">
              Launch now (
              {template?.type === 'coach_matching' && !form.coach_id ? 'matching' : 'active'})
            </option>
            <option value="draft">Save as a draft</option>
          </SelectField>
          <FormActions onCancel={onClose} pending={save.isPending} label="Create engagement" />
        </form>
      )}
    </Dialog>
  );
}
