import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { api, idempotencyKey, unwrap } from '../../api/client';
import { keys, useTimeZone } from '../../api/queries';
import { ApiError } from '../../api/problem';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/FormActions';
import { ErrorNotice, ErrorState } from '../../components/ErrorState';
import { bindForm, TextField } from '../../components/Field';
import { Pager, useCursorPager } from '../../components/Pager';
import { TableSkeleton } from '../../components/Skeleton';
import { formatDate, todayIn } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { useInvalidateClient } from './clientQueries';

export function PaymentsCard({ clientId }: { clientId: string }) {
  const pager = useCursorPager(clientId);
  const [adding, setAdding] = useState(false);
  const payments = useQuery({
    queryKey: [...keys.client(clientId), 'payments', pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/clients/{client_id}/payments', {
          params: {
            path: { client_id: clientId },
            query: { limit: 20, cursor: pager.cursor ?? undefined },
          },
        }),
      ),
  });
  return (
    <section className="card" aria-labelledby="payments-title">
      <div className="card-head">
        <h2 id="payments-title">Payments</h2>
        <button type="button" className="button button-small" onClick={() => setAdding(true)}>
          + Record payment
        </button>
      </div>
      {payments.isError ? (
        <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />
      ) : !payments.data ? (
        <TableSkeleton
          columns={['Date', 'Reference', 'Amount']}
          rows={2}
          label="Loading payments"
        />
      ) : payments.data.items.length === 0 ? (
        <p className="empty-small">No payments recorded.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Reference</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {payments.data.items.map((p) => (
                <tr key={p.id}>
                  <td>{formatDate(p.date)}</td>
                  <td>{p.reference || <span className="muted">—</span>}</td>
                  <td className="num">{formatMoney(p.amount, p.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Payments"
        page={pager.page}
        nextCursor={payments.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
      {adding ? <PaymentDialog clientId={clientId} onClose={() => setAdding(false)} /> : null}
    </section>
  );
}

function PaymentDialog({ clientId, onClose }: { clientId: string; onClose: () => void }) {
  const timeZone = useTimeZone();
  const invalidate = useInvalidateClient(clientId);
  const [key] = useState(idempotencyKey);
  const [form, setForm] = useState({
    amount: '',
    currency: 'GBP',
    date: todayIn(timeZone),
    reference: '',
  });
  const { field } = bindForm(form, setForm);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/clients/{client_id}/payments', {
          params: { path: { client_id: clientId }, header: { 'Idempotency-Key': key } },
          body: {
            amount: form.amount,
            currency: form.currency.toUpperCase(),
            date: form.date,
            reference: form.reference,
          },
        }),
      ),
    onSuccess: async () => {
      await invalidate();
      onClose();
    },
  });
  const errors = create.error instanceof ApiError ? create.error.fieldErrors : {};
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Record a payment" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <div className="form-grid">
          <TextField
            label="Amount"
            inputMode="decimal"
            {...field('amount')}
            error={errors.amount}
          />
          <TextField
            label="Currency"
            {...field('currency')}
            maxLength={3}
            error={errors.currency}
            hint="Three letters, e.g. GBP."
          />
          <TextField label="Date" type="date" {...field('date')} error={errors.date} />
        </div>
        <TextField label="Reference" {...field('reference')} error={errors.reference} />
        <FormActions onCancel={onClose} pending={create.isPending} label="Record payment" />
      </form>
    </Dialog>
  );
}
