import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };
/** The document's named schemas: `Schemas['Purchase']`, `Schemas['InsufficientCreditError']`. */
export type Schemas = components['schemas'];
export type PurchaseServiceClient = Client<paths>;

export interface ClientOptions {
  /** The API's base URL: the document's `servers[0].url`. */
  baseUrl: string;
  /** An access token for each request (a function, so that it can be renewed). */
  accessToken?: () => string | Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** The API's client: `client.POST('/v1/purchases', { body, params: { header: { 'Idempotency-Key': key } } })`. */
export function createPurchaseServiceClient(options: ClientOptions): PurchaseServiceClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { accessToken } = options;
  if (accessToken) {
    client.use({
      onRequest: async ({ request }) => {
        request.headers.set('authorization', `Bearer ${await accessToken()}`);
        return request;
      },
    });
  }
  return client;
}

export interface ClientCredentials {
  /** The document's `components.securitySchemes.clientCredentials.flows.clientCredentials.tokenUrl`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** A role's scope, e.g. `purchase-api/service`. */
  scope: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * An access token by the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), the client
 * authenticated with HTTP Basic, as Cognito and the local issuer both take it.
 * @throws Error with the issuer's `error` when it refuses
 */
export async function clientCredentialsToken(
  credentials: ClientCredentials,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
  const basic = btoa(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  );
  const response = await (credentials.fetch ?? fetch)(credentials.tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: credentials.scope }),
  });
  const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`the token endpoint refused: ${String(body.error ?? response.status)}`);
  }
  return {
    accessToken: body.access_token,
    expiresInSeconds: typeof body.expires_in === 'number' ? body.expires_in : 0,
  };
}
