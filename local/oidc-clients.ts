import { RESOURCE_SERVER_ID, ROLES, type Role } from '../functions/auth/roles.ts';

/**
 * The local issuer's clients and users, and how to get a token from it: what scripts and tests need,
 * without loading oidc-provider itself (oidc-issuer.ts runs it).
 */

/** Where `npm start` runs the issuer, and where it and `npm run token` keep its keys (from the root). */
export const DEFAULT_OIDC_PORT = 3001;
export const DEFAULT_OIDC_KEYS_FILE = '.local/oidc/keys.json';

/** The audience of every access token, as the service's AUTH_AUDIENCE expects. */
export const LOCAL_AUDIENCE = RESOURCE_SERVER_ID;
/** RFC 8707 wants an absolute URI as the resource indicator; the token's `aud` is the plain id. */
export const RESOURCE_INDICATOR = `urn:${RESOURCE_SERVER_ID}`;

/** Demo users of the sign-in page, one per role (any password). */
export const DEMO_USERS: readonly { login: string; role: Role }[] = ROLES.map((role) => ({
  login: `demo-${role}`,
  role,
}));

/** The storefront's backend: a machine client with the `service` role (client credentials). */
export const STOREFRONT_CLIENT = { id: 'storefront', secret: 'storefront-local-secret' } as const;
/** The admin app: a public client, authorization code with PKCE. */
export const ADMIN_APP_CLIENT_ID = 'admin-app';
/**
 * `npm run token` and the tests: a confidential client allowed one extra grant, which issues an
 * access token for a named subject and role. Local only; Cognito has no such client.
 */
export const LOCAL_TOKEN_CLIENT = { id: 'local-token-cli', secret: 'local-token-cli-secret' } as const;
export const LOCAL_TOKEN_GRANT = 'urn:purchase-service:local:grant-type:token-for';

/** An access token for `subject` with `role`, from a running local issuer (the local token grant). */
export async function issueLocalToken(tokenEndpoint: string, subject: string, role: Role): Promise<string> {
  const credentials = Buffer.from(`${LOCAL_TOKEN_CLIENT.id}:${LOCAL_TOKEN_CLIENT.secret}`).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: LOCAL_TOKEN_GRANT, subject, role }),
  });
  const body = (await response.json()) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || typeof body.access_token !== 'string')
    throw new Error(
      `the issuer refused a token: ${body.error ?? response.status} ${body.error_description ?? ''}`,
    );
  return body.access_token;
}
