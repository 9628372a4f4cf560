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
            <TextField
              label="Window (days)"
              type="number"
              min={1}
              max={365}
              value={shown(value.window_days)}
              onChange={(e) => set({ window_days: numberOrNull(e.target.value) ?? NaN })}
              error={errors.window_days}
              hint="Completed sessions in the last N days count."
            />
            <TextField
              label="At risk below (sessions)"
              type="number"
              min={1}
              value={shown(value.at_risk_below)}
              onChange={(e) => set({ at_risk_below: numberOrNull(e.target.value) ?? NaN })}
              error={errors.at_risk_below}
              hint="Fewer sessions than this: At risk."
            />
            <TextField
              label="Off track below (sessions)"
              type="number"
              min={0}
              value={shown(value.off_track_below)}
              onChange={(e) => set({ off_track_below: numberOrNull(e.target.value) ?? NaN })}
              error={errors.off_track_below}
              hint="Fewer than this: Off track. Always less than At risk."
            />
            <TextField
              label="Remind after (days)"
              type="number"
              min={0}
              value={shown(value.reminder_after_days)}
              onChange={(e) => set({ reminder_after_days: numberOrNull(e.target.value) })}
              error={errors.reminder_after_days}
              hint="Leave empty for no reminder."
            />
          </div>
          <CheckboxField
            label="Remind the assigned team member"
            checked={value.remind_team_member ?? false}
            onChange={(e) => set({ remind_team_member: e.target.checked })}
          />
          <CheckboxField
            label="Remind the client"
            checked={value.remind_client ?? false}
            onChange={(e) => set({ remind_client: e.target.checked })}
          />
          <CheckboxField
            label="Show the status to the client in their portal"
            checked={value.client_visible ?? false}
            onChange={(e) => set({ client_visible: e.target.checked })}
          />
        </>
      ) : null}
      {errors._ ? <p className="field-error">{errors._}</p> : null}
    </fieldset>
  );
}
