import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { idempotencyKey, type Versioned } from '../api/client';
import { ApiError } from '../api/problem';
import { Dialog } from './Dialog';
import { ErrorState } from './ErrorState';
import { SkeletonLines } from './Skeleton';

/** The record an edit dialog opens on, read with its ETag: the dialog shows a skeleton (or
 * the error) while it loads, then `children` gets the record and the ETag to send back. */
export function EditLoader<T>({
  title,
  queryKey,
  read,
  lines,
  loadingLabel,
  onClose,
  children,
}: {
  title: string;
  queryKey: QueryKey;
  read: () => Promise<Versioned<T>>;
  lines: number;
  loadingLabel: string;
  onClose: () => void;
  children: (record: Versioned<T>) => ReactNode;
}) {
  const record = useQuery({ queryKey, queryFn: read });
  if (!record.data) {
    return (
      <Dialog title={title} onClose={onClose}>
        {record.isError ? (
          <ErrorState error={record.error} />
        ) : (
          <SkeletonLines lines={lines} label={loadingLabel} />
        )}
      </Dialog>
    );
  }
  return children(record.data);
}

/** A list page's create-or-edit dialog: nothing while `editing` is null, the empty form for
 * 'new', else the form on the record `editing` names, read with its ETag first. */
export function EditDialogs<T>({
  editing,
  queryKey,
  read,
  children,
  ...loading
}: {
  editing: string | null;
  title: string;
  queryKey: (id: string) => QueryKey;
  read: (id: string) => Promise<Versioned<T>>;
  lines: number;
  loadingLabel: string;
  onClose: () => void;
  children: (record: Versioned<T> | null) => ReactNode;
}) {
  if (editing === null) return null;
  if (editing === 'new') return children(null);
  return (
    <EditLoader queryKey={queryKey(editing)} read={() => read(editing)} {...loading}>
      {children}
    </EditLoader>
  );
}

/** A row's Edit button, which names its row to screen readers. */
export function EditRowButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <button type="button" className="button button-small" onClick={onClick}>
      Edit<span className="visually-hidden"> {name}</span>
    </button>
  );
}

/** A row's last cell: its Edit button, for those who may edit (`canEdit`), else nothing. */
export function EditCell({
  row,
  canEdit,
  onEdit,
}: {
  row: { id: string; name: string };
  canEdit: boolean;
  onEdit: (id: string) => void;
}) {
  return (
    <td>{canEdit ? <EditRowButton name={row.name} onClick={() => onEdit(row.id)} /> : null}</td>
  );
}

/** Saving a form that creates a record or edits one: an edit sends If-Match with the ETag
 * the form was opened from (a 412 then says someone else changed it); a create sends one
 * Idempotency-Key per form opening, so a double click makes one record. Afterwards what it
 * changed is reloaded and `onSaved` runs. `fieldErrors` are the API's 422 errors by field. */
export function useRecordSave<R>({
  editing,
  etag,
  update,
  create,
  invalidate,
  onSaved,
}: {
  editing: boolean;
  etag: string | null;
  update: (header: { 'If-Match'?: string }) => Promise<R>;
  create: (header: { 'Idempotency-Key': string }) => Promise<R>;
  invalidate: QueryKey[];
  onSaved: () => void;
}) {
  const queryClient = useQueryClient();
  const [key] = useState(idempotencyKey);
  const save = useMutation({
    mutationFn: () => (editing ? update(ifMatch(etag)) : create({ 'Idempotency-Key': key })),
    onSuccess: async () => {
      for (const queryKey of invalidate) await queryClient.invalidateQueries({ queryKey });
      onSaved();
    },
  });
  return { save, fieldErrors: fieldErrorsOf(save.error) };
}

/** A record written back in place (PUT): the answer, with its new ETag, replaces the record
 * read under `queryKey`, then `onSaved` runs. `submit` saves; `saved` says it is done until
 * the next save. */
export function useSaveInPlace<T>({
  queryKey,
  put,
  onSaved,
}: {
  queryKey: QueryKey;
  put: () => Promise<Versioned<T>>;
  onSaved?: () => void;
}) {
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: put,
    onSuccess: (result) => {
      queryClient.setQueryData(queryKey, result);
      setSaved(true);
      onSaved?.();
    },
  });
  const submit = () => {
    setSaved(false);
    save.mutate();
  };
  return { save, saved, submit, fieldErrors: fieldErrorsOf(save.error) };
}

/** The If-Match header of a write: the ETag the record was read with (a 412 then says someone
 * else saved first, SPEC §9). */
export function ifMatch(etag: string | null): { 'If-Match'?: string } {
  return etag ? { 'If-Match': etag } : {};
}

/** The API's 422 errors by field (none for any other failure), to show next to the fields. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors : {};
}

/** Saving a form that creates a record: one Idempotency-Key per form opening, so a double
 * click makes one record. `fieldErrors` are the API's 422 errors by field. */
export function useCreate<R>({
  create,
  onCreated,
}: {
  create: (header: { 'Idempotency-Key': string }) => Promise<R>;
  onCreated: (created: R) => unknown;
}) {
  const [key] = useState(idempotencyKey);
  const save = useMutation({
    mutationFn: () => create({ 'Idempotency-Key': key }),
    onSuccess: onCreated,
  });
  return { save, fieldErrors: fieldErrorsOf(save.error) };
}
