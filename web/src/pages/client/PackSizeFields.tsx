import { SelectField, TextField, type FieldBinding } from '../../components/Field';

/** How much a pack holds: a number of sessions or hours, per week or month for a
 * subscription; nothing for usage. `locked` once a template is made. */
export function PackSizeFields({
  type,
  field,
  errors,
  locked = false,
}: {
  type: 'fixed' | 'subscription' | 'usage';
  field: (key: 'size' | 'unit' | 'period') => FieldBinding;
  errors: Record<string, string>;
  locked?: boolean;
}) {
  return (
    <>
      {type !== 'usage' ? (
        <>
          <TextField
            label="Size"
            type="number"
            min={1}
            disabled={locked}
            {...field('size')}
            error={errors.size}
          />
          <SelectField label="Counted in" disabled={locked} {...field('unit')} error={errors.unit}>
            <option value="sessions">Sessions</option>
            <option value="hours">Hours</option>
          </SelectField>
        </>
      ) : null}
      {type === 'subscription' ? (
        <SelectField label="Per" disabled={locked} {...field('period')} error={errors.period}>
          <option value="week">Week</option>
          <option value="month">Month</option>
        </SelectField>
      ) : null}
    </>
  );
}
