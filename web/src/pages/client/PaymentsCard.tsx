import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { keys, useTimeZone } from '../../api/queries';
import { Card, CardList } from '../../components/Card';
import { usePagedQuery } from '../../components/DataTable';
import { bindForm, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { AddButton } from '../../components/PageHead';
import { Pager } from '../../components/Pager';
import { TableSkeleton } from '../../components/Skeleton';
import { CardTable, num } from '../../components/Table';
import { useCreate } from '../../components/VersionedEdit';
import { formatDate, todayIn } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { useInvalidateClient } from './clientQueries';

const COLUMNS = ['Date', 'Reference', num('Amount')];
const SKELETON = <TableSkeleton columns={COLUMNS} rows={2} label="Loading payments" />;
const EMPTY = 'No payments recorded.';

export function PaymentsCard({ clientId }: { clientId: string }) {
  const [adding, setAdding] = useState(false);
  const { query: payments, pagerProps } = usePagedQuery({
    resetKey: clientId,
    queryKey: (cursor) => [...keys.client(clientId), 'payments', cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/clients/{client_id}/payments', {
          params: { path: { client_id: clientId }, query: { limit: 20, cursor } },
        }),
      ),
  });
  return (
    <Card
      title="Payments"
      action={<AddButton small label="Record payment" onClick={() => setAdding(true)} />}
    >
      <CardList query={payments} rows={payments.data?.items} skeleton={SKELETON} empty={EMPTY}>
        {(items) => (
          <CardTable columns={COLUMNS}>
            {items.map((p) => (
              <tr key={p.id}>
                <td>{formatDate(p.date)}</td>
                <td>{p.reference || <span className="muted">—</span>}</td>
                <td className="num">{formatMoney(p.amount, p.currency)}</td>
              </tr>
            ))}
          </CardTable>
        )}
      </CardList>
      <Pager label="Payments" {...pagerProps} />
      {adding ? <PaymentDialog clientId={clientId} onClose={() => setAdding(false)} /> : null}
    </Card>
  );
}

function PaymentDialog({ clientId, onClose }: { clientId: string; onClose: () => void }) {
  const timeZone = useTimeZone();
  const invalidate = useInvalidateClient(clientId);
  const [form, setForm] = useState({
    amount: '',
    currency: 'GBP',
    date: todayIn(timeZone),
    reference: '',
  });
  const { field } = bindForm(form, setForm);
  const { save: create, fieldErrors: errors } = useCreate({
    create: (header) =>
      unwrap(
        api.POST('/clients/{client_id}/payments', {
          params: { path: { client_id: clientId }, header },
          body: {
            amount: form.amount,
            currency: form.currency.toUpperCase(),
            date: form.date,
            reference: form.reference,
          },
        }),
      ),
    onCreated: async () => {
      await invalidate();
      onClose();
    },
  });
  return (
    <FormDialog
      title="Record a payment"
      onClose={onClose}
      save={create}
      onSubmit={() => create.mutate()}
      label="Record payment"
    >
      <div className="form-grid">
        <TextField label="Amount" inputMode="decimal" {...field('amount')} error={errors.amount} />
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
    </FormDialog>
  );
}
