import { useEffect, useId, useRef, useState } from 'react';

export interface ColumnDef<K extends string> {
  id: K;
  label: string;
  /** Always shown (the row's name): not offered in the chooser. */
  fixed?: boolean;
}

function read(key: string): string[] | null {
  try {
    const raw = localStorage.getItem(key);
    const value: unknown = raw ? JSON.parse(raw) : null;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** Which columns a table shows, remembered in this browser (a view preference, like the
 * seed's "customize Columns" button; nothing of it goes to the API). */
export function useColumns<K extends string>(storageKey: string, columns: ColumnDef<K>[]) {
  const [hidden, setHidden] = useState<Set<string>>(() => new Set(read(storageKey) ?? []));
  const visible = columns.filter((c) => c.fixed || !hidden.has(c.id));
  const toggle = (id: K, show: boolean) => {
    const next = new Set(hidden);
    if (show) next.delete(id);
    else next.add(id);
    setHidden(next);
    try {
      localStorage.setItem(storageKey, JSON.stringify([...next]));
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  };
  return { columns, visible, isShown: (id: K) => !hidden.has(id), toggle };
}

/** A button that opens a panel below it: Escape closes it (focus back on the button), and so
 * does a click outside. `toggle` goes on the button, `panelId` on the panel. */
export function usePopover() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  const toggle = { ref: button, 'aria-expanded': open, 'aria-controls': panelId };
  return { open, setOpen, panelId, button, root, toggle };
}

/** The "Columns" button: a panel of checkboxes, one per column that can be hidden (give it
 * what useColumns returns). */
export function ColumnChooser<K extends string>({
  columns,
  isShown,
  toggle,
}: {
  columns: ColumnDef<K>[];
  isShown: (id: K) => boolean;
  toggle: (id: K, show: boolean) => void;
}) {
  const { open, setOpen, panelId, root, toggle: popover } = usePopover();

  return (
    <div className="popover-anchor" ref={root}>
      <button type="button" className="button" {...popover} onClick={() => setOpen(!open)}>
        Columns
      </button>
      <div className="popover" id={panelId} hidden={!open}>
        <fieldset className="popover-group">
          <legend>Show columns</legend>
          {columns
            .filter((c) => !c.fixed)
            .map((c) => (
              <label key={c.id} className="check-row">
                <input
                  type="checkbox"
                  checked={isShown(c.id)}
                  onChange={(e) => toggle(c.id, e.target.checked)}
                />
                {c.label}
              </label>
            ))}
        </fieldset>
      </div>
    </div>
  );
}
