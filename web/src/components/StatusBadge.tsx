import type { TrackStatus } from '../api/types';

const LOOK: Record<TrackStatus, { label: string; className: string; title: string }> = {
  on_track: { label: 'On track', className: 'badge badge-on', title: 'On track' },
  at_risk: { label: 'At risk', className: 'badge badge-risk', title: 'At risk' },
  off_track: { label: 'Off track', className: 'badge badge-off', title: 'Off track' },
  not_tracking: { label: '-', className: 'badge badge-none', title: 'Not tracked' },
};

export function statusLabel(status: TrackStatus | null | undefined): string {
  return status && status !== 'not_tracking' ? LOOK[status].label : 'Not tracked';
}

/** On track status with colour *and* words, so it reads without colour too. */
export function StatusBadge({ status }: { status: TrackStatus | null | undefined }) {
  const look = LOOK[status ?? 'not_tracking'];
  if (look.label === '-') {
    return (
      <span className={look.className} title={look.title}>
        <span aria-hidden="true">-</span>
        <span className="visually-hidden">Not tracked</span>
      </span>
    );
  }
  return (
    <span className={look.className}>
      <span className="badge-dot" aria-hidden="true" />
      {look.label}
    </span>
  );
}

/** A status as a coloured pill with its word (`prefix` + the status names the colour). */
function Pill({
  status,
  words,
  prefix,
}: {
  status: string;
  words: Record<string, string>;
  prefix: string;
}) {
  return <span className={`pill ${prefix}${status}`}>{words[status] ?? status}</span>;
}

const CLIENT_STATUS = { active: 'Active', inactive: 'Inactive', prospect: 'Prospect' };

export function ClientStatusBadge({ status }: { status: string }) {
  return <Pill status={status} words={CLIENT_STATUS} prefix="pill-" />;
}

const APPOINTMENT_STATUS = {
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
  missed: 'Missed',
};

export function AppointmentStatusBadge({ status }: { status: string }) {
  return <Pill status={status} words={APPOINTMENT_STATUS} prefix="pill-" />;
}

const LIFECYCLE = { open: 'Open', used_up: 'Used up', expired: 'Expired', cancelled: 'Cancelled' };

export function LifecycleBadge({ lifecycle }: { lifecycle: string }) {
  return <Pill status={lifecycle} words={LIFECYCLE} prefix="pill-life-" />;
}
