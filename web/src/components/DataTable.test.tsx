import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { DataTable } from './DataTable';

interface Row {
  id: string;
  name: string;
}

const loaded = { isError: false, error: null, refetch: () => undefined };

function table(rows: Row[] | undefined, onRowClick?: (row: Row) => void) {
  return (
    <MemoryRouter initialEntries={['/list']}>
      <Routes>
        <Route
          path="/list"
          element={
            <DataTable
              query={loaded}
              rows={rows}
              columns={['Name', '']}
              loadingLabel="Loading rows"
              empty="Nothing yet."
              rowKey={(r) => r.id}
              {...(onRowClick ? { onRowClick } : { rowHref: (r: Row) => `/rows/${r.id}` })}
              renderRow={(r) => (
                <>
                  <th scope="row">{r.name}</th>
                  <td>
                    <button type="button">Edit {r.name}</button>
                  </td>
                </>
              )}
              footer={<nav aria-label="Pages">pager</nav>}
            />
          }
        />
        <Route path="/rows/:id" element={<p>Opened the row</p>} />
      </Routes>
    </MemoryRouter>
  );
}

describe('DataTable', () => {
  it('shows a skeleton, not the pager, until the rows come (no layout shift)', () => {
    render(table(undefined));
    expect(screen.getByRole('status')).toHaveTextContent('Loading rows');
    expect(screen.queryByRole('navigation', { name: 'Pages' })).toBeNull();
  });

  it('says when there are no rows, with the pager', () => {
    render(table([]));
    expect(screen.getByText('Nothing yet.')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Pages' })).toBeInTheDocument();
  });

  it('opens a row from a click anywhere on it, but not from its buttons', async () => {
    const onRowClick = vi.fn();
    render(table([{ id: 'r1', name: 'Ada' }], onRowClick));
    expect(await screen.findByRole('columnheader', { name: 'Actions' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Edit Ada' }));
    expect(onRowClick).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('rowheader', { name: 'Ada' }));
    expect(onRowClick).toHaveBeenCalledWith({ id: 'r1', name: 'Ada' });
  });

  it('navigates to the row with rowHref', async () => {
    render(table([{ id: 'r2', name: 'Grace' }]));
    await userEvent.click(await screen.findByRole('rowheader', { name: 'Grace' }));
    expect(await screen.findByText('Opened the row')).toBeInTheDocument();
  });
});
