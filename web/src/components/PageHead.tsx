import type { ReactNode } from 'react';

/** A page's heading: its title, a line on what it is for, and its actions on the right. */
export function PageHead({
  title,
  sub,
  actions,
}: {
  title: ReactNode;
  sub: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-head">
      <div>
        <h1>{title}</h1>
        <p className="page-sub">{sub}</p>
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

/** A page's main action, or a card's (`small`): adding a record. */
export function AddButton({
  label,
  onClick,
  small = false,
}: {
  label: string;
  onClick: () => void;
  small?: boolean;
}) {
  return (
    <button
      type="button"
      className={small ? 'button button-small' : 'button button-primary'}
      onClick={onClick}
    >
      + {label}
    </button>
  );
}
