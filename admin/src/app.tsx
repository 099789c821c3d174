import { Button, ClickUIProvider, Text, Title } from '@clickhouse/click-ui';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useAuth } from 'react-oidc-context';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router';
import { ApiError } from './api.ts';
import { ErrorMessage, Loading, usePageTitle } from './components.tsx';
import { useSession } from './session.tsx';

// One chunk per page: the first screen loads only what it shows.
const CustomersPage = lazy(() => import('./pages/customers.tsx'));
const CustomerPage = lazy(() => import('./pages/customer.tsx'));
const PurchasesPage = lazy(() => import('./pages/purchases.tsx'));
const PurchasePage = lazy(() => import('./pages/purchase.tsx'));
const PromoCodesPage = lazy(() => import('./pages/promo-codes.tsx'));
const AuditPage = lazy(() => import('./pages/audit.tsx'));

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not change by asking again; an unknown outcome may.
        retry: (failures, error) => failures < 2 && (!(error instanceof ApiError) || error.retryable),
      },
    },
  });
}

export function Theme({ children }: { children: ReactNode }) {
  return (
    <ClickUIProvider theme="light" persistTheme={false}>
      {children}
    </ClickUIProvider>
  );
}

/** The signed-in app: pages, with the navigation and who is signed in. */
export function SignedInApp() {
  const [queryClient] = useState(newQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Shell>
          <Suspense fallback={<Loading what="the page" />}>
            <Routes>
              <Route path="/" element={<Navigate to="/customers" replace />} />
              <Route path="/callback" element={<Navigate to="/customers" replace />} />
              <Route path="/customers" element={<CustomersPage />} />
              <Route path="/customers/:customerId" element={<CustomerPage />} />
              <Route path="/purchases" element={<PurchasesPage />} />
              <Route path="/purchases/:purchaseId" element={<PurchasePage />} />
              <Route path="/promo-codes" element={<PromoCodesPage />} />
              <Route path="/audit" element={<AuditPage />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Shell>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function NotFound() {
  usePageTitle('Not found');
  return <ErrorMessage error={new Error('No page here.')} title="Not found" />;
}

function Shell({ children }: { children: ReactNode }) {
  const { subject, roles, signOut } = useSession();
  return (
    <div className="shell">
      <header className="top">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <Title type="h2" size="sm">
          Purchase service admin
        </Title>
        <nav aria-label="Main">
          <NavLink to="/customers">Customers</NavLink>
          <NavLink to="/purchases">Purchases</NavLink>
          <NavLink to="/promo-codes">Promo codes</NavLink>
          <NavLink to="/audit">Audit</NavLink>
        </nav>
        <div className="who">
          <Text component="span" data-testid="signed-in-as">
            {subject} ({roles.join(', ') || 'no role'})
          </Text>
          <Button type="secondary" label="Sign out" onClick={signOut} />
        </div>
      </header>
      <main id="main">{children}</main>
    </div>
  );
}

/** Before the app: the sign-in state (loading, error, signed out). */
export function SignInGate({ children }: { children: ReactNode }) {
  const auth = useAuth();
  if (auth.isLoading) return <Loading what="your session" />;
  if (auth.isAuthenticated && auth.user) return <>{children}</>;
  return (
    <main className="sign-in" id="main">
      <Title type="h1" size="lg">
        Purchase service admin
      </Title>
      {auth.error && <ErrorMessage error={auth.error} title="Sign-in failed" />}
      <p>Sign in to look up customers, their credit and purchases.</p>
      <Button
        label="Sign in"
        onClick={() =>
          void auth.signinRedirect({ state: { returnTo: window.location.pathname + window.location.search } })
        }
      />
    </main>
  );
}
