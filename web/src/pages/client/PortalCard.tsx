import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { keys } from '../../api/queries';
import { ApiError } from '../../api/problem';
import type { Client } from '../../api/types';
import { Card } from '../../components/Card';
import { ErrorNotice } from '../../components/ErrorState';
import { TextField } from '../../components/Field';

/** Portal login (optional) and the welcome email (SPEC §2). */
export function PortalCard({ client }: { client: Client }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(client.email ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const onSaved = (result: Awaited<ReturnType<typeof unwrapVersioned<Client>>>) => {
    queryClient.setQueryData(keys.client(client.id), result);
  };
  const create = useMutation({
    mutationFn: () =>
      unwrapVersioned(
        api.PUT('/clients/{client_id}/login', {
          params: { path: { client_id: client.id } },
          body: { email: email.trim() || null },
        }),
      ),
    onSuccess: (result) => {
      onSaved(result);
      setMessage('Portal login created. The client is now marked as invited.');
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrapVersioned(
        api.DELETE('/clients/{client_id}/login', { params: { path: { client_id: client.id } } }),
      ),
    onSuccess: (result) => {
      onSaved(result);
      setMessage('Portal login removed: the client can no longer sign in.');
    },
  });
  const welcome = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/clients/{client_id}/welcome-email', {
          params: { path: { client_id: client.id } },
        }),
      ),
    onSuccess: () => setMessage(`Welcome email on its way to ${client.email ?? 'the client'}.`),
  });
  const busy = create.isPending || remove.isPending || welcome.isPending;
  const error = create.error ?? remove.error ?? welcome.error;
  const emailError = create.error instanceof ApiError ? create.error.fieldErrors.email : undefined;
  // Each action replaces the message of the one before.
  const run = (action: { mutate: () => void }) => () => {
    setMessage(null);
    action.mutate();
  };

  return (
    <Card
      title="Portal login"
      action={
        <span className={`pill ${client.has_login ? 'pill-active' : ''}`}>
          {client.has_login ? 'Has a login' : 'No login'}
        </span>
      }
    >
      {message ? (
        <p className="notice notice-success" role="status">
          {message}
        </p>
      ) : null}
      {error && !emailError ? <ErrorNotice error={error} /> : null}
      {client.has_login ? (
        <p>
          {client.name} can sign in to the portal{client.invited ? ' (invited)' : ''}.
        </p>
      ) : (
        <>
          <p className="muted">
            A login is optional. With one, the client can see their sessions and update their
            availability.
          </p>
          <TextField
            label="Login email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={emailError}
          />
        </>
      )}
      <div className="button-row">
        {client.has_login ? (
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={run(remove)}
          >
            Remove login
          </button>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={run(create)}>
            Create portal login
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={run(welcome)}>
          Send welcome email
        </button>
      </div>
      <p className="field-hint">A welcome email goes only to active clients.</p>
    </Card>
  );
}
