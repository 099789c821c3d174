import { createContext, type ReactNode, useContext, useMemo, useRef } from 'react';
import { useAuth } from 'react-oidc-context';
import { mayDo, type Permission, type Role, rolesOf } from '../../functions/auth/roles.ts';
import { type ApiRequest, createApi } from './api.ts';

export interface Session {
  api: ApiRequest;
  /** Who the service records as the actor: the token's subject. */
  subject: string;
  roles: readonly Role[];
  /** Whether the signed-in user's roles allow it: buttons that would be refused are not shown. */
  may(permission: Permission): boolean;
  signOut(): void;
  /** Signs in again (an expired or revoked session: 401), back to this page afterwards. */
  signInAgain(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The session, or undefined outside one (an error shown before sign-in). */
export const useOptionalSession = (): Session | undefined => useContext(SessionContext);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a SessionProvider');
  return session;
}

/** The claims of a JWT, unverified: the app only hides buttons with them; the service verifies. */
export function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload = (token.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(payload), (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** For the tests and the signed-in app alike: a session over a token. */
export function sessionFor(
  apiBaseUrl: string,
  accessToken: () => string | undefined,
  signOut: () => void,
  fetchImpl?: typeof fetch,
  signInAgain: () => void = () => undefined,
): Session {
  const claims = claimsOf(accessToken() ?? '');
  const roles = rolesOf(claims);
  return {
    api: createApi(apiBaseUrl, accessToken, fetchImpl),
    subject: typeof claims.sub === 'string' ? claims.sub : '',
    roles,
    may: (permission) => mayDo(roles, permission),
    signOut,
    signInAgain,
  };
}

export function SessionContextProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The session of the user signed in through react-oidc-context; the token is read at each call. */
export function OidcSession({ apiBaseUrl, children }: { apiBaseUrl: string; children: ReactNode }) {
  const auth = useAuth();
  const token = useRef<string | undefined>(undefined);
  token.current = auth.user?.access_token;
  const accessToken = auth.user?.access_token;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token (a refresh) may change the roles
  const session = useMemo(
    () =>
      sessionFor(
        apiBaseUrl,
        () => token.current,
        // The ID token hint proves the request is the app's, so the issuer signs out without asking
        // and returns to the app. Cognito's discovery document names no end_session_endpoint: then
        // forget the session here.
        () =>
          void auth
            .signoutRedirect({
              ...(auth.user?.id_token ? { id_token_hint: auth.user.id_token } : {}),
              post_logout_redirect_uri: window.location.origin,
            })
            .catch(() => auth.removeUser().then(() => window.location.assign('/'))),
      ),
    [apiBaseUrl, accessToken],
  );
  return <SessionContextProvider session={session}>{children}</SessionContextProvider>;
}
