import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrapVersioned } from '../../api/client';
import { keys } from '../../api/queries';
import type { ClientPatch } from '../../api/types';
import { ifMatch } from '../../components/VersionedEdit';

/** PATCH the client with If-Match: a 412 means someone else saved first (SPEC §9). */
export function usePatchClient(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: ClientPatch; etag: string | null }) =>
      unwrapVersioned(
        api.PATCH('/clients/{client_id}', {
          params: { path: { client_id: clientId }, header: ifMatch(etag) },
          body,
        }),
      ),
    onSuccess: (result) => {
      queryClient.setQueryData(keys.client(clientId), result);
      void queryClient.invalidateQueries({ queryKey: keys.clients });
      void queryClient.invalidateQueries({ queryKey: keys.report });
    },
  });
}
