import { useState } from 'react';
import { ApiError } from '../../api/problem';
import type { Client } from '../../api/types';
import { Card } from '../../components/Card';
import { ErrorNotice } from '../../components/ErrorState';
import { TextArea } from '../../components/Field';
import { usePatchClient } from './clientMutations';

/** Staff-only notes (SPEC §2): never shown to a client, never in client email. */
export function NotesCard({ client, etag }: { client: Client; etag: string | null }) {
  const [notes, setNotes] = useState(client.notes ?? '');
  const [saved, setSaved] = useState(false);
  const patch = usePatchClient(client.id);
  const errors = patch.error instanceof ApiError ? patch.error.fieldErrors : {};
  const changed = notes !== (client.notes ?? '');
  return (
    <Card title="Notes" action={<span className="muted">Staff only</span>}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          patch.mutate({ etag, body: { notes } }, { onSuccess: () => setSaved(true) });
        }}
      >
        {patch.error && !errors.notes ? <ErrorNotice error={patch.error} /> : null}
        <TextArea
          label="Additional information"
          rows={4}
          value={notes}
          onChange={(e) => {
            setNotes(e.target.value);
            setSaved(false);
          }}
          error={errors.notes}
          hint="Visible to administrators and staff only."
        />
        <div className="button-row">
          <button type="submit" className="button" disabled={!changed || patch.isPending}>
            {patch.isPending ? 'Saving…' : 'Save notes'}
          </button>
          {saved ? (
            <span className="field-hint" role="status">
              Notes saved.
            </span>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
