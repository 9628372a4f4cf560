import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, notCsv, unwrap } from '../api/client';
import { keys, useTimeZone } from '../api/queries';
import type { OnTrackReportRow, TrackStatus } from '../api/types';
import { useClaims } from '../auth/SessionContext';
import { isManager } from '../auth/session';
import { DataTable, usePagedQuery } from '../components/DataTable';
import { ErrorNotice } from '../components/ErrorState';
import { ExportButton, useCsvExport } from '../components/ExportCsv';
import { LocationFilter } from '../components/LocationFilter';
import { ON_TRACK_COLUMNS, OnTrackCells } from '../components/OnTrackCells';
import { PageHead } from '../components/PageHead';
import { Pager } from '../components/Pager';
import { useDebounced } from '../lib/useDebounced';
import { useUrlFilter } from '../lib/useUrlFilter';

const PAGE_SIZE = 50;
// Searching scans the report in big pages (the API has no name filter): 10 × 1,000 rows.
const SCAN_PAGE = 1000;
const SCAN_PAGES = 10;
const COLUMNS = ['Client', 'Package', ...ON_TRACK_COLUMNS];

const FILTERS: { value: '' | TrackStatus; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'on_track', label: 'On track' },
  { value: 'at_risk', label: 'At risk' },
  { value: 'off_track', label: 'Off track' },
  { value: 'not_tracking', label: 'Not tracked (-)' },
];

function isStatus(value: string | null): value is TrackStatus {
  return FILTERS.some((f) => f.value !== '' && f.value === value);
}

export default function OnTrackPage() {
  const claims = useClaims();
  const timeZone = useTimeZone();
  const [params, setUrlFilter] = useUrlFilter();
  const rawStatus = params.get('status');
  const status = isStatus(rawStatus) ? rawStatus : null;
  const location = params.get('location') ?? '';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const query = useDebounced(search.trim().toLowerCase());
  const filterKey = `${status ?? ''}|${location}`;
  const [searchPage, setSearchPage] = useState(1);
  const csv = useCsvExport();

  const setFilter = (name: string, value: string) => {
    setUrlFilter(name, value);
    setSearchPage(1);
  };

  const filters = { status: status ?? undefined, location_id: location || undefined };

  const { query: page, pagerProps } = usePagedQuery({
    resetKey: `${filterKey}|${query}`,
    queryKey: (cursor) => [...keys.report, 'on-track', filters, cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/reports/on-track', {
          params: { query: { ...filters, limit: PAGE_SIZE, cursor } },
        }),
      ).then(notCsv),
    enabled: !query,
  });

  const scan = useQuery({
    queryKey: [...keys.report, 'on-track', 'search', filters, query],
    enabled: Boolean(query),
    queryFn: async () => {
      const found: OnTrackReportRow[] = [];
      let cursor: string | null | undefined;
      let scanned = 0;
      let complete = false;
      for (let i = 0; i < SCAN_PAGES; i++) {
        const chunk = notCsv(
          await unwrap(
            api.GET('/reports/on-track', {
              params: { query: { ...filters, limit: SCAN_PAGE, cursor: cursor ?? undefined } },
            }),
          ),
        );
        scanned += chunk.items.length;
        found.push(...chunk.items.filter((row) => row.client_name.toLowerCase().includes(query)));
        cursor = chunk.next_cursor;
        if (!cursor) {
          complete = true;
          break;
        }
      }
      return { found, scanned, complete };
    },
  });

  let rows: OnTrackReportRow[] | undefined;
  let pagerNode = null;
  if (query) {
    const found = scan.data?.found;
    rows = found?.slice((searchPage - 1) * PAGE_SIZE, searchPage * PAGE_SIZE);
    const more = found ? found.length > searchPage * PAGE_SIZE : false;
    pagerNode = (
      <Pager
        label="Search results"
        page={searchPage}
        nextCursor={more ? 'more' : null}
        onNext={() => setSearchPage((p) => p + 1)}
        onPrevious={() => setSearchPage((p) => Math.max(1, p - 1))}
      />
    );
  } else {
    rows = page.data?.items;
    pagerNode = <Pager label="On track" {...pagerProps} busy={page.isFetching} />;
  }
  const active = query ? scan : page;

  return (
    <div className="page">
      <PageHead
        title="On track"
        sub="Every tracked package and how its client is doing. Open a row for the client record."
        actions={
          <ExportButton
            exporting={csv.exporting}
            onClick={() => void csv.run('/reports/on-track', filters, 'on-track.csv')}
          />
        }
      />
      <ErrorNotice error={csv.error} />
      <div className="toolbar" role="search">
        <fieldset className="segmented">
          <legend className="visually-hidden">Status</legend>
          {FILTERS.map((f) => (
            <label
              key={f.value}
              className={(status ?? '') === f.value ? 'segment segment-on' : 'segment'}
            >
              <input
                type="radio"
                name="status"
                value={f.value}
                checked={(status ?? '') === f.value}
                onChange={() => setFilter('status', f.value)}
              />
              {f.label}
            </label>
          ))}
        </fieldset>
        <div className="toolbar-fields">
          {isManager(claims.role) ? (
            <LocationFilter value={location} onChange={(id) => setFilter('location', id)} />
          ) : null}
          <label className="inline-field">
            <span>Search clients</span>
            <input
              type="search"
              value={search}
              placeholder="Client name"
              onChange={(e) => {
                setSearch(e.target.value);
                setSearchPage(1);
              }}
            />
          </label>
        </div>
      </div>
      {query && scan.data && !scan.data.complete ? (
        <p className="notice notice-info">
          Showing matches among the first {scan.data.scanned.toLocaleString()} rows. Narrow the
          status or location to search the rest.
        </p>
      ) : null}
      <DataTable
        query={active}
        rows={rows}
        columns={COLUMNS}
        loadingLabel="Loading the On track report"
        empty={
          query
            ? `No client matches “${search.trim()}”.`
            : status || location
              ? 'No package matches these filters.'
              : 'No tracked packages yet. Turn On track on in a session pack template or a client’s package.'
        }
        caption={`On track report${status ? `, ${FILTERS.find((f) => f.value === status)?.label ?? ''}` : ''}`}
        busy={active.isFetching}
        rowKey={(row) => row.package_id}
        rowHref={(row) => `/app/clients/${row.client_id}`}
        renderRow={(row) => (
          <>
            <th scope="row">
              <Link to={`/app/clients/${row.client_id}`}>{row.client_name}</Link>
            </th>
            <td>{row.package_name}</td>
            <OnTrackCells row={row} timeZone={timeZone} />
          </>
        )}
        footer={pagerNode}
      />
    </div>
  );
}
