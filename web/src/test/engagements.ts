import { answer } from './api';

/** Engagements as the API answers them, for component tests. */
export function engagement(overrides: Record<string, unknown> = {}) {
  return {
    id: 'eng-1',
    name: 'Three-week coaching',
    template_id: 'etpl-3w',
    type: 'one_to_one',
    status: 'active',
    coachee_id: 'cl-ruth',
    coachee_name: 'Ruth Bader',
    coach_id: 'user-sam',
    owner_id: 'user-owner',
    location_id: 'north',
    tracking: { threshold_days: 21, notify_off_track: true },
    started_on: '2026-03-01',
    coach_selected_on: null,
    progress: 'on_track',
    off_track_since: null,
    version: 2,
    created_at: '2026-03-01T09:00:00Z',
    updated_at: '2026-03-01T09:00:00Z',
    history: null,
    ...overrides,
  };
}

/** The same engagement as a report row. */
export function reportRow(overrides: Record<string, unknown> = {}) {
  const e = engagement(overrides);
  return {
    engagement_id: e.id,
    name: e.name,
    type: e.type,
    status: e.status,
    coachee_id: e.coachee_id,
    coachee_name: e.coachee_name,
    coach_id: e.coach_id,
    owner_id: e.owner_id,
    location_id: e.location_id,
    started_on: e.started_on,
    progress: e.progress,
    off_track_since: e.off_track_since,
  };
}

/** An engagement template: three weeks, notifications on. */
export function engagementTemplate(overrides: Record<string, unknown> = {}) {
  return {
    id: 'etpl-3w',
    name: 'Three-week coaching',
    type: 'one_to_one',
    threshold_days: 21,
    notify_off_track: true,
    version: 1,
    ...overrides,
  };
}

/** The API lists these engagement templates (one page). */
export function givenTemplates(...templates: ReturnType<typeof engagementTemplate>[]) {
  answer('GET /engagement-templates', { body: { items: templates } });
}
