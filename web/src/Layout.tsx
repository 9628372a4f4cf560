import { NavLink, Outlet } from 'react-router';
import { useOrg, usePeople } from './api/queries';
import { useClaims, useSession } from './auth/SessionContext';
import { isAdmin, type Role } from './auth/session';
import { appConfig, logoutUrl } from './config';
import { useClient } from './pages/client/clientQueries';

const ROLE_NAMES: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Administrator',
  location_admin: 'Location administrator',
  staff: 'Team member',
  client: 'Client',
};

export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { to: '/app/on-track', label: 'On track', roles: ['owner', 'admin', 'location_admin', 'staff'] },
  { to: '/app/clients', label: 'Clients', roles: ['owner', 'admin', 'location_admin', 'staff'] },
  {
    to: '/app/engagements',
    label: 'Engagements',
    roles: ['owner', 'admin', 'location_admin', 'staff'],
  },
  {
    to: '/app/packs',
    label: 'Session packs',
    roles: ['owner', 'admin', 'location_admin', 'staff'],
  },
  { to: '/app/invoices', label: 'Invoices', roles: ['owner', 'admin', 'location_admin', 'staff'] },
  { to: '/app/tasks', label: 'Tasks', roles: ['owner', 'admin', 'location_admin', 'staff'] },
  { to: '/app/portal', label: 'My portal', roles: ['client'] },
  {
    to: '/app/settings',
    label: 'Settings',
    roles: ['owner', 'admin', 'location_admin', 'staff'],
  },
];

export function Layout() {
  const claims = useClaims();
  const { signOut } = useSession();
  const org = useOrg();
  const me = usePeople().data?.find((p) => p.id === claims.sub);
  // A client is not a user: their name is on their own client record (the portal reads it).
  const client = useClient(claims.role === 'client' ? (claims.clientId ?? '') : '');
  const myName = me?.name ?? client.data?.data.name;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-name">Momentum</span>
          <span className="brand-org">
            {org.data ? org.data.data.name : <span className="skeleton skeleton-inline" />}
          </span>
        </div>
        <nav aria-label="Main" className="mainnav">
          <ul>
            {NAV.filter((item) => item.roles.includes(claims.role)).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span className="whoami-role">
            {myName ? <strong className="whoami-name">{myName}</strong> : null}
            {myName ? ' · ' : ''}
            {roleName(claims.role)}
            {isAdmin(claims.role)
              ? ''
              : claims.locationIds.length
                ? ` · ${claims.locationIds.join(', ')}`
                : ''}
          </span>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              signOut();
              // In AWS, end the Cognito session too (it comes back to the sign-in page).
              const config = appConfig();
              if (config.mode === 'cognito') window.location.assign(logoutUrl(config));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
