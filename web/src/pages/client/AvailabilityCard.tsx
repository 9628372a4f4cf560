import { useState } from 'react';
import { api, unwrapVersioned } from '../../api/client';
import { keys } from '../../api/queries';
import type { Client, TimeRange } from '../../api/types';
import { Card } from '../../components/Card';
import { ErrorNotice } from '../../components/ErrorState';
import { FormActions } from '../../components/FormActions';
import { useSaveInPlace } from '../../components/VersionedEdit';
import {
  normalizeAvailability,
  toAvailabilityBody,
  validateAvailability,
  WEEKDAY_NAMES,
  WEEKDAYS,
  type Weekday,
} from '../../lib/availability';

/** `self`: the client edits their own (the portal), so the words address them. */
export function AvailabilityCard({ client, self = false }: { client: Client; self?: boolean }) {
  const [editing, setEditing] = useState(false);
  const current = normalizeAvailability(client.availability);
  return (
    <Card
      title={self ? 'My weekly availability' : 'Availability'}
      action={
        !editing ? (
          <button type="button" className="button button-small" onClick={() => setEditing(true)}>
            Edit<span className="visually-hidden"> availability</span>
          </button>
        ) : null
      }
    >
      {editing ? (
        <AvailabilityEditor client={client} self={self} onDone={() => setEditing(false)} />
      ) : (
        <dl className="facts">
          {WEEKDAYS.map((day) => (
            <div key={day} style={{ display: 'contents' }}>
              <dt>{WEEKDAY_NAMES[day]}</dt>
              <dd>
                {current[day]?.length ? (
                  current[day].map((r) => `${r.start}–${r.end}`).join(', ')
                ) : (
                  <span className="muted">Not available</span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

function AvailabilityEditor({
  client,
  self,
  onDone,
}: {
  client: Client;
  self: boolean;
  onDone: () => void;
}) {
  const [value, setValue] = useState(() => normalizeAvailability(client.availability));
  const [touched, setTouched] = useState(false);
  const {
    save,
    submit,
    fieldErrors: remote,
  } = useSaveInPlace({
    queryKey: keys.client(client.id),
    put: () =>
      unwrapVersioned(
        api.PUT('/clients/{client_id}/availability', {
          params: { path: { client_id: client.id } },
          body: toAvailabilityBody(value),
        }),
      ),
    onSaved: onDone,
  });
  const local = touched ? validateAvailability(value) : {};
  const setDay = (day: Weekday, ranges: TimeRange[]) => setValue({ ...value, [day]: ranges });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (Object.keys(validateAvailability(value)).length === 0) submit();
      }}
      noValidate
    >
      <p className="field-hint">
        Times are in the organization&apos;s timezone. Leave a day empty when{' '}
        {self ? 'you are' : 'the client is'} not available.
      </p>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      {WEEKDAYS.map((day) => {
        const ranges = value[day] ?? [];
        return (
          <fieldset key={day} className="availability-day">
            <legend className="visually-hidden">{WEEKDAY_NAMES[day]}</legend>
            <span aria-hidden="true">{WEEKDAY_NAMES[day]}</span>
            <div>
              {ranges.map((range, i) => {
                const error =
                  local[`${day}.${i}`] ??
                  remote[`${day}.${i}`] ??
                  remote[`${day}.${i}.start`] ??
                  remote[`${day}.${i}.end`];
                const errorId = `${day}-${i}-error`;
                const edge = (end: keyof TimeRange) => (
                  <input
                    type="time"
                    aria-label={`${WEEKDAY_NAMES[day]} range ${i + 1} ${end}`}
                    value={range[end]}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? errorId : undefined}
                    onChange={(e) =>
                      setDay(
                        day,
                        ranges.map((r, k) => (k === i ? { ...r, [end]: e.target.value } : r)),
                      )
                    }
                  />
                );
                return (
                  <div key={i}>
                    <div className="range-row">
                      {edge('start')}
                      <span aria-hidden="true">–</span>
                      {edge('end')}
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        onClick={() =>
                          setDay(
                            day,
                            ranges.filter((_, k) => k !== i),
                          )
                        }
                      >
                        Remove
                        <span className="visually-hidden">
                          {' '}
                          {WEEKDAY_NAMES[day]} range {i + 1}
                        </span>
                      </button>
                    </div>
                    {error ? (
                      <span className="field-error" id={errorId}>
                        {error}
                      </span>
                    ) : null}
                  </div>
                );
              })}
              <button
                type="button"
                className="button button-small"
                onClick={() => setDay(day, [...ranges, { start: '09:00', end: '17:00' }])}
              >
                + Add time<span className="visually-hidden"> on {WEEKDAY_NAMES[day]}</span>
              </button>
            </div>
          </fieldset>
        );
      })}
      <FormActions onCancel={onDone} pending={save.isPending} label="Save availability" />
    </form>
  );
}
