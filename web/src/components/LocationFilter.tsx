import { useOrg } from '../api/queries';
import { NameOptions } from './Choices';

/** A list's location filter (nothing while the organization has no locations). */
export function LocationFilter({
  value,
  onChange,
}: {
  value: string;
  onChange: (locationId: string) => void;
}) {
  const org = useOrg().data?.data;
  if (!org?.locations.length) return null;
  return (
    <label className="inline-field">
      <span>Location</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All locations</option>
        <NameOptions items={org.locations} />
      </select>
    </label>
  );
}
