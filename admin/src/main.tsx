import { WebStorageStateStore } from 'oidc-client-ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider } from 'react-oidc-context';
import { SignedInApp, SignInGate, Theme } from './app.tsx';
import { loadRuntimeConfig } from './config.ts';
import { OidcSession } from './session.tsx';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

try {
  const config = await loadRuntimeConfig();
  const origin = window.location.origin;
  root.render(
    <StrictMode>
      <Theme>
        <AuthProvider
          authority={config.authority}
          client_id={config.clientId}
          redirect_uri={`${origin}/callback`}
          post_logout_redirect_uri={origin}
          response_type="code"
          scope="openid profile offline_access"
          // Per tab: closing it signs out; nothing outlives the browser session.
          userStore={new WebStorageStateStore({ store: window.sessionStorage })}
          onSigninCallback={(user) => {
            const returnTo = (user?.state as { returnTo?: string } | undefined)?.returnTo;
            window.history.replaceState(
              {},
              '',
              returnTo && returnTo !== '/callback' ? returnTo : '/customers',
            );
          }}
        >
          <SignInGate>
            <OidcSession apiBaseUrl={config.apiBaseUrl}>
              <SignedInApp />
            </OidcSession>
          </SignInGate>
        </AuthProvider>
      </Theme>
    </StrictMode>,
  );
} catch (error) {
  root.render(<p role="alert">The admin app could not start: {String(error)}</p>);
}
