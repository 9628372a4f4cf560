import { useState } from 'react';
import { downloadCsv } from '../api/client';

/** A report's CSV export (`format=csv` with the same filters as the page), downloaded with
 * the bearer token: whether one is running, and why the last one failed (for <ErrorNotice>). */
export function useCsvExport() {
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (
    path: string,
    filters: Record<string, string | undefined>,
    fallbackName: string,
  ) => {
    setExporting(true);
    setError(null);
    const query = new URLSearchParams({ format: 'csv' });
    for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
    try {
      await downloadCsv(`${path}?${query.toString()}`, fallbackName);
    } catch (e) {
      setError(e);
    } finally {
      setExporting(false);
    }
  };
  return { exporting, error, run };
}

export function ExportButton({
  exporting,
  disabled = false,
  onClick,
}: {
  exporting: boolean;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className="button" onClick={onClick} disabled={exporting || disabled}>
      {exporting ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}
