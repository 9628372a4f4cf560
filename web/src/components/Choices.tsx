import type { ComponentProps } from 'react';
import { usePeople } from '../api/queries';
import { SelectField } from './Field';

/** A select's options, one a record, each named. */
export function NameOptions({ items }: { items: { id: string; name: string }[] | undefined }) {
  return items?.map((item) => (
    <option key={item.id} value={item.id}>
      {item.name}
    </option>
  ));
}

/** A picker's props: a select field's, but its label (the picker says what it picks). */
export type PickerProps = Omit<ComponentProps<typeof SelectField>, 'label'>;

/** A team member picker: the active team, and whoever is chosen now (even when no longer
 * active); `none` names the empty choice. */
export function TeamMemberSelect({
  none,
  ...select
}: { none: string } & ComponentProps<typeof SelectField>) {
  const people = usePeople().data ?? [];
  const choices = people.filter((p) => p.status === 'active' || p.id === select.value);
  return (
    <SelectField {...select}>
      <option value="">{none}</option>
      <NameOptions items={choices} />
    </SelectField>
  );
}
