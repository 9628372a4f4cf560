import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { allPages } from '../api/allPages';
import { keys, useTimeZone } from '../api/queries';
import type { ClientListItem, Invoice, InvoiceLine } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isAdmin } from '../auth/session';
import { NameOptions } from '../components/Choices';
import { PagedTable, usePagedQuery } from '../components/DataTable';
import { Dialog } from '../components/Dialog';
import { bindForm, SelectField, TextField } from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { AddButton, PageHead } from '../components/PageHead';
import { useCreate } from '../components/VersionedEdit';
import { formatDate, todayIn } from '../lib/dates';
import { formatMoney } from '../lib/money';
import { useUrlFilter } from '../lib/useUrlFilter';
import { usePackages, useTemplates } from './client/clientQueries';

const COLUMNS = [
  { label: 'Date' },
  { label: 'Client' },
  { label: 'Lines' },
  { label: 'Total', className: 'num' },
];
const LINE_KINDS: Record<InvoiceLine['kind'], string> = {
  service: 'Service',
  new_pack: 'New session pack',
  use_pack: 'Use of an open pack',
};
const MAX_CLIENT_PAGES = 10;

/** Clients for pickers: a practice's clients, a page of 100 at a time, 1,000 at most. */
function useClientChoices() {
  return useQuery({
    queryKey: [...keys.clients, 'choices'],
    staleTime: 60_000,
    queryFn: () =>
      allPages(
        (cursor) => unwrap(api.GET('/clients', { params: { query: { limit: 100, cursor } } })),
        MAX_CLIENT_PAGES,
      ),
  });
}

/** Invoices (seed: session-packs): lines are services, new packs from a template, or use of
 * an open pack. Administrators see all; others choose a client first (as the API asks). */
export default function InvoicesPage() {
  const claims = useClaims();
  const admin = isAdmin(claims.role);
  const [params, setFilter] = useUrlFilter();
  const clientId = params.get('client') ?? '';
  const clients = useClientChoices();
  const [adding, setAdding] = useState(false);
  const [viewing, setViewing] = useState<Invoice | null>(null);
  const canList = admin || clientId !== '';
  const invoices = usePagedQuery({
    resetKey: clientId,
    queryKey: (cursor) => [...keys.invoices, clientId, cursor],
    enabled: canList,
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/invoices', {
          params: { query: { client_id: clientId || undefined, limit: 50, cursor } },
        }),
      ),
  });
  const nameOf = (id: string) => clients.data?.find((c) => c.id === id)?.name ?? 'Client';

  return (
    <div className="page">
      <PageHead
        title="Invoices"
        sub="Bill services, sell a new session pack, or use a client's open pack."
        actions={<AddButton label="New invoice" onClick={() => setAdding(true)} />}
      />
      <div className="toolbar">
        <label className="inline-field">
          <span>Client</span>
          <select value={clientId} onChange={(e) => setFilter('client', e.target.value)}>
            <option value="">{admin ? 'All clients' : 'Choose a client'}</option>
            <NameOptions items={clients.data} />
          </select>
        </label>
      </div>
      {!canList ? (
        <div className="empty">Choose a client to see their invoices.</div>
      ) : (
        <PagedTable
          list={invoices}
          label="Invoices"
          columns={COLUMNS}
          skeletonRows={4}
          empty="No invoices yet."
          onRowClick={setViewing}
          renderRow={(inv) => (
            <>
              <th scope="row">
                <button type="button" className="linklike" onClick={() => setViewing(inv)}>
                  {formatDate(inv.date)}
                </button>
              </th>
              <td>
                <Link to={`/app/clients/${inv.client_id}`}>{nameOf(inv.client_id)}</Link>
              </td>
              <td>
                {inv.lines
                  .map((l) => l.description || LINE_KINDS[l.kind as InvoiceLine['kind']])
                  .join(', ')}
              </td>
              <td className="num">{formatMoney(inv.total, inv.currency)}</td>
            </>
          )}
        />
      )}
      {viewing ? (
        <InvoiceDialog
          invoice={viewing}
          clientName={nameOf(viewing.client_id)}
          onClose={() => setViewing(null)}
        />
      ) : null}
      {adding ? (
        <NewInvoiceDialog
          clients={clients.data ?? []}
          initialClient={clientId}
          onClose={() => setAdding(false)}
        />
      ) : null}
    </div>
  );
}

function InvoiceDialog({
  invoice,
  clientName,
  onClose,
}: {
  invoice: Invoice;
  clientName: string;
  onClose: () => void;
}) {
  return (
    <Dialog title={`Invoice for ${clientName}`} onClose={onClose}>
      <p>{formatDate(invoice.date)}</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((l, i) => (
            <tr key={i}>
              <td>{l.description || '—'}</td>
              <td>{LINE_KINDS[l.kind as InvoiceLine['kind']]}</td>
              <td className="num">{formatMoney(l.amount, invoice.currency)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td className="num">
              <strong>{formatMoney(invoice.total, invoice.currency)}</strong>
            </td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}

interface DraftLine {
  kind: InvoiceLine['kind'];
  description: string;
  amount: string;
  template_id: string;
  package_id: string;
}

const EMPTY_LINE: DraftLine = {
  kind: 'service',
  description: '',
  amount: '',
  template_id: '',
  package_id: '',
};

function NewInvoiceDialog({
  clients,
  initialClient,
  onClose,
}: {
  clients: ClientListItem[];
  initialClient: string;
  onClose: () => void;
}) {
  const timeZone = useTimeZone();
  const queryClient = useQueryClient();
  const templates = useTemplates();
  const [form, setForm] = useState({
    client_id: initialClient,
    date: todayIn(timeZone),
    currency: 'GBP',
  });
  const { field } = bindForm(form, setForm);
  const clientId = form.client_id;
  const [lines, setLines] = useState<DraftLine[]>([{ ...EMPTY_LINE }]);
  const openPacks = usePackages(clientId, true);
  const { save: create, fieldErrors: errors } = useCreate({
    create: (header) =>
      unwrap(
        api.POST('/invoices', {
          params: { header },
          body: {
            ...form,
            currency: form.currency.toUpperCase(),
            lines: lines.map((l) => ({
              kind: l.kind,
              description: l.description,
              amount: l.amount || '0',
              template_id: l.kind === 'new_pack' ? l.template_id || null : null,
              package_id: l.kind === 'use_pack' ? l.package_id || null : null,
            })),
          },
        }),
      ),
    onCreated: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.invoices });
      await queryClient.invalidateQueries({ queryKey: keys.client(clientId) });
      await queryClient.invalidateQueries({ queryKey: keys.report });
      onClose();
    },
  });
  const setLine = (i: number, patch: Partial<DraftLine>) =>
    setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  return (
    <FormDialog
      title="New invoice"
      onClose={onClose}
      wide
      save={create}
      onSubmit={() => create.mutate()}
      label="Create invoice"
      disabled={!clientId}
    >
      <div className="form-grid">
        <SelectField label="Client" {...field('client_id')} error={errors.client_id}>
          <option value="">Choose a client</option>
          <NameOptions items={clients} />
        </SelectField>
        <TextField label="Date" type="date" {...field('date')} error={errors.date} />
        <TextField label="Currency" maxLength={3} {...field('currency')} error={errors.currency} />
      </div>
      {lines.map((line, i) => (
        <fieldset className="group" key={i}>
          <legend>Item {i + 1}</legend>
          <div className="form-grid">
            <SelectField
              label="Kind"
              value={line.kind}
              onChange={(e) => setLine(i, { kind: e.target.value as DraftLine['kind'] })}
              error={errors[`lines.${i}.kind`]}
            >
              {Object.entries(LINE_KINDS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </SelectField>
            {line.kind === 'new_pack' ? (
              <SelectField
                label="Pack template"
                value={line.template_id}
                onChange={(e) => setLine(i, { template_id: e.target.value })}
                error={errors[`lines.${i}.template_id`]}
              >
                <option value="">Choose a template</option>
                <NameOptions items={templates.data} />
              </SelectField>
            ) : null}
            {line.kind === 'use_pack' ? (
              <SelectField
                label="Open pack"
                value={line.package_id}
                onChange={(e) => setLine(i, { package_id: e.target.value })}
                error={errors[`lines.${i}.package_id`]}
                hint={
                  clientId && openPacks.data?.length === 0
                    ? 'This client has no open pack.'
                    : undefined
                }
              >
                <option value="">
                  {clientId ? 'Choose an open pack' : 'Choose a client first'}
                </option>
                {[...(openPacks.data ?? [])]
                  .sort((a, b) => Number(b.preferred) - Number(a.preferred))
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} · {String(p.outstanding)} left{p.preferred ? ' · preferred' : ''}
                    </option>
                  ))}
              </SelectField>
            ) : null}
            <TextField
              label="Description"
              value={line.description}
              onChange={(e) => setLine(i, { description: e.target.value })}
              error={errors[`lines.${i}.description`]}
            />
            <TextField
              label="Amount"
              inputMode="decimal"
              value={line.amount}
              onChange={(e) => setLine(i, { amount: e.target.value })}
              error={errors[`lines.${i}.amount`]}
            />
          </div>
          {lines.length > 1 ? (
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => setLines(lines.filter((_, k) => k !== i))}
            >
              Remove item {i + 1}
            </button>
          ) : null}
        </fieldset>
      ))}
      {errors.lines ? <p className="field-error">{errors.lines}</p> : null}
      <button
        type="button"
        className="button button-small"
        onClick={() => setLines([...lines, { ...EMPTY_LINE }])}
      >
        + Add item
      </button>
    </FormDialog>
  );
}
