import { useQuery } from '@tanstack/react-query';
import type { ReactNode, SyntheticEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { api, unwrap } from '../../api/client';
import { allPages } from '../../api/allPages';
import { usePeople } from '../../api/queries';
import type { Progress } from '../../api/types';
import { usePopover } from '../../components/ColumnChooser';
import { ProgressIcon } from '../../components/ProgressBadge';
import { PROGRESS_LABEL } from '../../lib/engagements';

export const engagementKeys = {
  all: ['engagements'] as const,
  list: (progress: Progress | null, cursor: string | null) =>
    ['engagements', 'list', progress, cursor] as const,
  report: ['engagements', 'report'] as const,
  one: (id: string) => ['engagements', 'one', id] as const,
  sessions: (id: string) => ['engagements', 'sessions', id] as const,
  templates: ['engagement-templates'] as const,
};

export const PROGRESS_VALUES: Progress[] = ['on_track', 'off_track', 'not_tracking'];

export function parseProgress(value: string | null): Progress | null {
  return PROGRESS_VALUES.find((p) => p === value) ?? null;
}

/** Every engagement template (a short list), for names and pickers. */
export function useEngagementTemplates() {
  return useQuery({
    queryKey: [...engagementKeys.templates, 'all'],
    staleTime: 60_000,
    queryFn: () =>
      allPages(
        (cursor) =>
          unwrap(api.GET('/engagement-templates', { params: { query: { limit: 100, cursor } } })),
        20,
      ),
  });
}

/** Who may coach: the active staff. */
export function useCoaches() {
  const people = usePeople().data ?? [];
  return people.filter((p) => p.status === 'active' && p.role === 'staff');
}

/** Engagements | Report | Templates: the coaching pages, one level below the main menu. */
export function EngagementTabs() {
  const { pathname } = useLocation();
  const tabs = [
    { to: '/app/engagements', label: 'Engagements' },
    { to: '/app/engagements/report', label: 'Report' },
    { to: '/app/engagements/templates', label: 'Templates' },
  ];
  return (
    <nav className="tabs" aria-label="Coaching">
      {tabs.map((t) => (
        <Link key={t.to} to={t.to} aria-current={pathname === t.to ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/** The progress choices (On track, Off track, Not tracking, or any). */
export function ProgressChoices({
  value,
  onChange,
  name,
}: {
  value: Progress | null;
  onChange: (value: Progress | null) => void;
  name: string;
}) {
  return (
    <fieldset className="choice-group">
      <legend>On/Off track</legend>
      {[null, ...PROGRESS_VALUES].map((p) => (
        <label key={p ?? 'any'} className="check-row">
          <input
            type="radio"
            name={name}
            value={p ?? ''}
            checked={value === p}
            onChange={() => onChange(p)}
          />
          {p ? PROGRESS_LABEL[p] : 'Any'}
          {p === 'not_tracking' ? <span className="muted"> (-)</span> : null}
        </label>
      ))}
    </fieldset>
  );
}

/** The seed's filter: choose, then "View results" applies the choice (nothing reloads
 * while someone is still choosing). */
export function FilterButton({
  active,
  children,
  onApply,
  onOpen,
}: {
  /** How many filters are applied now (shown on the button). */
  active: number;
  children: ReactNode;
  onApply: () => void;
  /** Called when the panel opens: reset the draft to what is applied. */
  onOpen: () => void;
}) {
  const { open, setOpen, panelId, button, root, toggle } = usePopover();
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    onApply();
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="popover-anchor" ref={root}>
      <button
        type="button"
        className="button"
        {...toggle}
        onClick={() => {
          if (!open) onOpen();
          setOpen(!open);
        }}
      >
        Filter{active ? ` (${active})` : ''}
      </button>
      <form className="popover" id={panelId} hidden={!open} onSubmit={submit} aria-label="Filter">
        {children}
        <div className="button-row button-row-end">
          <button type="submit" className="button button-primary">
            View results
          </button>
        </div>
      </form>
    </div>
  );
}

/** The legend of the On/Off track column, as the seed lists its three values. */
export function ProgressLegend() {
  return (
    <ul className="legend" aria-label="On/Off track column">
      <li>
        <span className="progress progress-on">
          <ProgressIcon progress="on_track" />
        </span>
        On track: a session is booked, or the last one is within the threshold.
      </li>
      <li>
        <span className="progress progress-off">
          <ProgressIcon progress="off_track" />
        </span>
        Off track: nothing booked within the threshold since the start or the last session.
      </li>
      <li>
        <span className="progress progress-none">
          <ProgressIcon progress="not_tracking" />
        </span>
        Not tracking: not active, no tracking in its template, or not yours to see.
      </li>
    </ul>
  );
}
