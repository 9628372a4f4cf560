import type { OnTrackSettings } from '../api/types';
import { CheckboxField, TextField } from './Field';

/** What a number input shows: nothing for a cleared (NaN) or missing value. */
function shown(value: number | null | undefined): number | string {
  return typeof value === 'number' && Number.isFinite(value) ? value : '';
}

function numberOrNull(value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : NaN;
}

type NumberKey = 'window_days' | 'at_risk_below' | 'off_track_below' | 'reminder_after_days';

const NUMBERS: { key: NumberKey; label: string; min: number; max?: number; hint: string }[] = [
  {
    key: 'window_days',
    label: 'Window (days)',
    min: 1,
    max: 365,
    hint: 'Completed sessions in the last N days count.',
  },
  {
    key: 'at_risk_below',
    label: 'At risk below (sessions)',
    min: 1,
    hint: 'Fewer sessions than this: At risk.',
  },
  {
    key: 'off_track_below',
    label: 'Off track below (sessions)',
    min: 0,
    hint: 'Fewer than this: Off track. Always less than At risk.',
  },
  {
    key: 'reminder_after_days',
    label: 'Remind after (days)',
    min: 0,
    hint: 'Leave empty for no reminder.',
  },
];

const CHECKS: { key: 'remind_team_member' | 'remind_client' | 'client_visible'; label: string }[] =
  [
    { key: 'remind_team_member', label: 'Remind the assigned team member' },
    { key: 'remind_client', label: 'Remind the client' },
    { key: 'client_visible', label: 'Show the status to the client in their portal' },
  ];

/** The On track settings of a template or a client's package (SPEC §5). */
export function OnTrackFields({
  value,
  onChange,
  errors,
  legend = 'On track',
}: {
  value: OnTrackSettings;
  onChange: (next: OnTrackSettings) => void;
  errors: Record<string, string>;
  legend?: string;
}) {
  const set = (patch: Partial<OnTrackSettings>) => onChange({ ...value, ...patch });
  // Only the reminder may be left empty; an emptied threshold is NaN until it is filled in.
  const setNumber = (key: NumberKey, text: string) =>
    set(
      key === 'reminder_after_days'
        ? { reminder_after_days: numberOrNull(text) }
        : { [key]: numberOrNull(text) ?? NaN },
    );
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      <CheckboxField
        label="Track this package On track"
        checked={value.enabled ?? false}
        onChange={(e) => set({ enabled: e.target.checked })}
        error={errors.enabled}
      />
      {value.enabled ? (
        <>
          <div className="form-grid">
            {NUMBERS.map((n) => (
              <TextField
                key={n.key}
                label={n.label}
                type="number"
                min={n.min}
                max={n.max}
                value={shown(value[n.key])}
                onChange={(e) => setNumber(n.key, e.target.value)}
                error={errors[n.key]}
                hint={n.hint}
              />
            ))}
          </div>
          {CHECKS.map((c) => (
            <CheckboxField
              key={c.key}
              label={c.label}
              checked={value[c.key] ?? false}
              onChange={(e) => set({ [c.key]: e.target.checked })}
            />
          ))}
        </>
      ) : null}
      {errors._ ? <p className="field-error">{errors._}</p> : null}
    </fieldset>
  );
}
