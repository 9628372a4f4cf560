import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrapVersioned } from '../api/client';
import { keys } from '../api/queries';
import type { Preferences } from '../api/types';
import { ErrorNotice, ErrorState } from '../components/ErrorState';
import { CheckboxField } from '../components/Field';
import { SkeletonLines } from '../components/Skeleton';
import { ifMatch, useSaveInPlace } from '../components/VersionedEdit';

// "My email" (Settings) and the client portal's email preferences: one switch per kind of
// email (SPEC §8: every user can turn each kind off; every email also unsubscribes).

export type EmailKind = keyof Preferences['emails'];

export interface EmailKindChoice {
  key: EmailKind;
  label: string;
  hint: string;
}

export const EMAIL_KINDS: EmailKindChoice[] = [
  { key: 'welcome', label: 'Welcome emails', hint: 'When someone gives you an account.' },
  {
    key: 'on_track_reminder',
    label: 'On track reminders',
    hint: 'When a package you look after is At risk or Off track.',
  },
  { key: 'tracker_task', label: 'Tracker tasks', hint: 'When a session tracker gives you a task.' },
  {
    key: 'engagement_off_track',
    label: 'Engagement off track',
    hint: 'When an engagement you are part of goes Off track.',
  },
  {
    key: 'engagement_digest',
    label: 'Daily digest for administrators',
    hint: 'One email listing the engagements that went Off track.',
  },
];

/** What a client of the practice can receive (staff-only kinds left out). */
export const CLIENT_EMAIL_KINDS: EmailKindChoice[] = [
  { key: 'welcome', label: 'Welcome emails', hint: 'When your practice gives you a login.' },
  {
    key: 'on_track_reminder',
    label: 'Session reminders',
    hint: 'When it has been a while since your last session in a package.',
  },
  {
    key: 'engagement_off_track',
    label: 'Coaching check-ins',
    hint: 'When no coaching session has been booked for some time.',
  },
];

export function EmailSettings({
  kinds = EMAIL_KINDS,
  title,
}: {
  kinds?: EmailKindChoice[];
  /** A heading inside the card (the portal); Settings has its tab instead. */
  title?: string;
}) {
  const prefs = useQuery({
    queryKey: keys.preferences,
    queryFn: () => unwrapVersioned(api.GET('/me/preferences')),
  });
  if (prefs.isError) return <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />;
  if (!prefs.data) return <SkeletonLines lines={5} label="Loading your email preferences" />;
  return (
    // Not keyed by the ETag: a save's new ETag would remount the form and hide "saved".
    <EmailForm prefs={prefs.data.data} etag={prefs.data.etag} kinds={kinds} title={title} />
  );
}

function EmailForm({
  prefs,
  etag,
  kinds,
  title,
}: {
  prefs: Preferences;
  etag: string | null;
  kinds: EmailKindChoice[];
  title: string | undefined;
}) {
  const [emails, setEmails] = useState(prefs.emails);
  const { save, saved, submit } = useSaveInPlace({
    queryKey: keys.preferences,
    put: () =>
      unwrapVersioned(
        api.PUT('/me/preferences', { params: { header: ifMatch(etag) }, body: { emails } }),
      ),
  });
  return (
    <form
      className="card"
      aria-label={title ?? 'My email'}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {title ? <h2>{title}</h2> : null}
      <p className="muted">
        Which emails Momentum sends you. Every email also has a one-click unsubscribe link.
      </p>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          Email preferences saved.
        </p>
      ) : null}
      {kinds.map((kind) => (
        <CheckboxField
          key={kind.key}
          label={kind.label}
          hint={kind.hint}
          checked={emails[kind.key] ?? true}
          onChange={(e) => setEmails({ ...emails, [kind.key]: e.target.checked })}
        />
      ))}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save email preferences'}
        </button>
      </div>
    </form>
  );
}
