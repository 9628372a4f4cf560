/** Records as the API answers them, for component tests: each test names what matters to
 * it and takes the rest from here. */
import type { Client } from '../api/types';

const CREATED = '2026-01-01T00:00:00Z';

export function clientRecord(overrides: Partial<Client> = {}): Client {
  return {
    id: 'cl-1',
    name: 'Ada Lovelace',
    status: 'active',
    assigned_practitioner_ids: ['user-staff'],
    availability: {},
    invited: false,
    has_login: false,
    version: 1,
    created_at: CREATED,
    updated_at: CREATED,
    ...overrides,
  };
}

/** A 10-session pack of client cl-1, 3 used and 7 left, At risk. */
export function packRecord(overrides: Record<string, unknown> = {}) {
  return {
    id: 'pkg-1',
    client_id: 'cl-1',
    name: '10-session pack',
    template_id: null,
    type: 'fixed',
    size: 10,
    unit: 'sessions',
    period: null,
    start_date: '2026-01-01',
    end_date: null,
    auto_renew: false,
    assigned_team_member_id: null,
    authorization: null,
    preferred: false,
    lifecycle: 'open',
    open: true,
    used_sessions: 3,
    used_hours: 3,
    outstanding: 7,
    status: 'at_risk',
    last_session: null,
    on_track: null,
    on_track_override: null,
    version: 1,
    ...overrides,
  };
}

/** A session of client cl-1 on `date`, 10:00 to 11:00 UTC, scheduled. */
export function appointmentRecord(date: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'apt-1',
    client_id: 'cl-1',
    practitioner_id: 'user-staff',
    starts_at: `${date}T10:00:00Z`,
    ends_at: `${date}T11:00:00Z`,
    date,
    kind: 'session',
    status: 'scheduled',
    package_id: null,
    engagement_id: null,
    notes: '',
    version: 1,
    created_at: CREATED,
    updated_at: CREATED,
    ...overrides,
  };
}
