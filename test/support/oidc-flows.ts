import { STOREFRONT_CLIENT } from '../../local/oidc-clients.ts';
import { stackUrls } from './stack.ts';

/** What a client of the test stack's OpenID Connect issuer does, over HTTP. */

/** The storefront's token: the client-credentials grant, as its backend gets one. */
export async function clientCredentialsToken(
  client: { id: string; secret: string } = STOREFRONT_CLIENT,
  scope = 'purchase-api/service',
): Promise<string> {
  const answer = await tokenRequest(
    { grant_type: 'client_credentials', scope },
    { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
  );
  if (answer.status !== 200 || typeof answer.body.access_token !== 'string')
    throw new Error(`client credentials: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.access_token;
}

/** A POST to the token endpoint, form-encoded. */
export async function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(stackUrls().oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The claims of a JWT, unverified: what the test reads of a token the service verifies itself. */
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
