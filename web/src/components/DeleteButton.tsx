import { useState } from 'react';

/** Deleting a record asks once more: "Delete tracker", then "Yes, delete this tracker". */
export function DeleteButton({
  what,
  remove,
  small = false,
}: {
  what: string;
  remove: { mutate: () => void; isPending: boolean };
  small?: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  if (confirming) {
    return (
      <button
        type="button"
        className="button button-danger"
        onClick={() => remove.mutate()}
        disabled={remove.isPending}
      >
        {`Yes, delete this ${what}`}
      </button>
    );
  }
  return (
    <button
      type="button"
      className={small ? 'button button-danger button-small' : 'button button-danger'}
      onClick={() => setConfirming(true)}
    >
      {`Delete ${what}`}
    </button>
  );
}
