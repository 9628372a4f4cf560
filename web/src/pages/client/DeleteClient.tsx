import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/queries';
import type { Client } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorState';

/** Delete, or the API's reason why not (linked sessions and payments, SPEC §2). */
export function DeleteClientButton({ client }: { client: Client }) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/clients/{client_id}', { params: { path: { client_id: client.id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.client(client.id) });
      void queryClient.invalidateQueries({ queryKey: keys.clients });
      void queryClient.invalidateQueries({ queryKey: keys.report });
      void navigate('/app/clients', { replace: true });
    },
  });
  return (
    <>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Delete
      </button>
      {open ? (
        <Dialog
          title={`Delete ${client.name}?`}
          onClose={() => {
            remove.reset();
            setOpen(false);
          }}
        >
          {remove.error ? (
            <ErrorNotice error={remove.error} />
          ) : (
            <p>
              This removes the client for good. A client linked to sessions or payments cannot be
              deleted: mark them inactive instead.
            </p>
          )}
          <div className="button-row button-row-end">
            <button type="button" className="button" onClick={() => setOpen(false)}>
              {remove.error ? 'Close' : 'Keep the client'}
            </button>
            {!remove.error ? (
              <button
                type="button"
                className="button button-danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate()}
              >
                {remove.isPending ? 'Deleting…' : 'Delete client'}
              </button>
            ) : null}
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
