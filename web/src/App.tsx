import { lazy, Suspense } from 'react';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './auth/SessionContext';
import { Layout } from './Layout';
import { SkeletonLines } from './components/Skeleton';
import { SignInPage } from './pages/SignInPage';
import { NotFoundPage } from './pages/NotFoundPage';

// Every page is its own chunk: the first screen loads only the shell and what it shows.
const load = {
  onTrack: () => import('./pages/OnTrackPage'),
  clients: () => import('./pages/ClientsPage'),
  client: () => import('./pages/client/ClientPage'),
  packs: () => import('./pages/PacksPage'),
  invoices: () => import('./pages/InvoicesPage'),
  tasks: () => import('./pages/TasksPage'),
  settings: () => import('./pages/SettingsPage'),
  portal: () => import('./pages/PortalPage'),
  engagements: () => import('./pages/engagements/EngagementsPage'),
  engagementsReport: () => import('./pages/engagements/EngagementsReportPage'),
  engagement: () => import('./pages/engagements/EngagementPage'),
  engagementTemplates: () => import('./pages/engagements/EngagementTemplatesPage'),
};
const OnTrackPage = lazy(load.onTrack);
const ClientsPage = lazy(load.clients);
const ClientPage = lazy(load.client);
const PacksPage = lazy(load.packs);
const InvoicesPage = lazy(load.invoices);
const TasksPage = lazy(load.tasks);
const SettingsPage = lazy(load.settings);
const PortalPage = lazy(load.portal);
const EngagementsPage = lazy(load.engagements);
const EngagementsReportPage = lazy(load.engagementsReport);
const EngagementPage = lazy(load.engagement);
const EngagementTemplatesPage = lazy(load.engagementTemplates);
const CallbackPage = lazy(() => import('./pages/CallbackPage'));

const PAGE_CHUNKS: [RegExp, () => Promise<unknown>][] = [
  [/^\/app\/on-track$/, load.onTrack],
  [/^\/app\/clients$/, load.clients],
  [/^\/app\/clients\/[^/]+$/, load.client],
  [/^\/app\/engagements$/, load.engagements],
  [/^\/app\/engagements\/report$/, load.engagementsReport],
  [/^\/app\/engagements\/templates$/, load.engagementTemplates],
  [/^\/app\/engagements\/[^/]+$/, load.engagement],
  [/^\/app\/packs$/, load.packs],
  [/^\/app\/invoices$/, load.invoices],
  [/^\/app\/tasks$/, load.tasks],
  [/^\/app\/settings$/, load.settings],
  [/^\/app\/portal$/, load.portal],
];

/** Start loading the chunk of the page a URL opens (for the sign-in page, of the page it
 * goes on to), so it downloads alongside config.json and the sign-in instead of after
 * them. Unknown paths load nothing. */
export function preloadPage(url: URL): void {
  const path =
    url.pathname === '/app/sign-in' ? (url.searchParams.get('next') ?? '') : url.pathname;
  const pathname = path.split(/[?#]/)[0] ?? '';
  void PAGE_CHUNKS.find(([pattern]) => pattern.test(pathname))?.[1]().catch(() => undefined);
}

function RequireSession({ children }: { children: ReactNode }) {
  const { claims } = useSession();
  const location = useLocation();
  if (!claims) {
    const next = location.pathname + location.search;
    return <Navigate to={`/app/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

/** The practice's pages are not offered to clients: a client token goes to the portal. */
function StaffOnly({ children }: { children: ReactNode }) {
  const { claims } = useSession();
  if (claims?.role === 'client') return <Navigate to="/app/portal" replace />;
  return children;
}

/** The portal is a client's own record; the team sees clients on their records. */
function ClientOnly({ children }: { children: ReactNode }) {
  const { claims } = useSession();
  if (claims && claims.role !== 'client') return <Navigate to="/app/on-track" replace />;
  return children;
}

function Home() {
  const { claims } = useSession();
  if (!claims) return <Navigate to="/app/sign-in" replace />;
  return <Navigate to={claims.role === 'client' ? '/app/portal' : '/app/on-track'} replace />;
}

function Page({ children }: { children: ReactNode }) {
  return (
    <Suspense fallback={<SkeletonLines lines={6} label="Loading the page" />}>
      <StaffOnly>{children}</StaffOnly>
    </Suspense>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/app/sign-in" element={<SignInPage />} />
      <Route
        path="/app/callback"
        element={
          <Suspense fallback={<SkeletonLines lines={2} label="Finishing the sign-in" />}>
            <CallbackPage />
          </Suspense>
        }
      />
      <Route
        path="/app"
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route
          path="on-track"
          element={
            <Page>
              <OnTrackPage />
            </Page>
          }
        />
        <Route
          path="clients"
          element={
            <Page>
              <ClientsPage />
            </Page>
          }
        />
        <Route
          path="clients/:clientId"
          element={
            <Page>
              <ClientPage />
            </Page>
          }
        />
        <Route
          path="engagements"
          element={
            <Page>
              <EngagementsPage />
            </Page>
          }
        />
        <Route
          path="engagements/report"
          element={
            <Page>
              <EngagementsReportPage />
            </Page>
          }
        />
        <Route
          path="engagements/templates"
          element={
            <Page>
              <EngagementTemplatesPage />
            </Page>
          }
        />
        <Route
          path="engagements/:engagementId"
          element={
            <Page>
              <EngagementPage />
            </Page>
          }
        />
        <Route
          path="packs"
          element={
            <Page>
              <PacksPage />
            </Page>
          }
        />
        <Route
          path="invoices"
          element={
            <Page>
              <InvoicesPage />
            </Page>
          }
        />
        <Route
          path="tasks"
          element={
            <Page>
              <TasksPage />
            </Page>
          }
        />
        <Route
          path="settings"
          element={
            <Page>
              <SettingsPage />
            </Page>
          }
        />
        <Route
          path="portal"
          element={
            <Suspense fallback={<SkeletonLines lines={6} label="Loading your portal" />}>
              <ClientOnly>
                <PortalPage />
              </ClientOnly>
            </Suspense>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
