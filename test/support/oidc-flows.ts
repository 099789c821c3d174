import { createHash, randomBytes } from 'node:crypto';
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

/** The test stack's admin app: its client id and the sign-in callback local/start.ts gives it. */
export const ADMIN_APP = { clientId: 'admin-app', redirectUri: 'http://localhost:5173/callback' } as const;

export interface SignIn {
  /** Where the issuer sent the browser back to the admin app (a code, or an error). */
  callback: URL;
  /** The access token the code bought (with the verifier), if there was a code. */
  accessToken?: string;
  /** The consent prompts met on the way (none for the admin app). */
  consents: number;
}

/**
 * A browser signing in to the admin app through the issuer, over HTTP, redirects followed by hand:
 * GET /auth, the issuer's login form, POST login (a demo user, any password), any consent page accepted,
 * back to the callback with a code, and the code exchanged at the token endpoint with its verifier.
 */
export async function signInThroughAdminApp(options: {
  login: string;
  scope?: string;
  /** Send an S256 code_challenge (PKCE); true unless false. */
  pkce?: boolean;
}): Promise<SignIn> {
  const { issuer } = stackUrls().oidc;
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
  };
  const browser = new Browser();
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: ADMIN_APP.clientId,
    response_type: 'code',
    redirect_uri: ADMIN_APP.redirectUri,
    scope: options.scope ?? 'openid profile',
    state: randomBytes(8).toString('hex'),
    ...(options.pkce === false
      ? {}
      : {
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }),
  });
  let answer = await browser.go(`${discovery.authorization_endpoint}?${query}`);
  let consents = 0;
  for (let step = 0; step < 10; step++) {
    if (answer.location?.startsWith(ADMIN_APP.redirectUri)) break;
    if (answer.location) {
      answer = await browser.go(answer.location);
      continue;
    }
    // A page: the login form, or a consent form.
    const action = /<form[^>]*action="([^"]+)"/.exec(answer.text)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(answer.text)?.[1];
    if (answer.status !== 200 || !action)
      throw new Error(`the issuer answered ${answer.status}: ${answer.text}`);
    if (prompt === 'login') {
      answer = await browser.post(action, { prompt, login: options.login, password: 'any password' });
    } else {
      consents += 1;
      answer = await browser.post(action, { prompt: 'consent' });
    }
  }
  if (!answer.location?.startsWith(ADMIN_APP.redirectUri))
    throw new Error(`the sign-in never came back to the admin app: ${answer.status} ${answer.text}`);
  const callback = new URL(answer.location);
  const code = callback.searchParams.get('code');
  if (!code) return { callback, consents };
  const token = await tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: ADMIN_APP.redirectUri,
    client_id: ADMIN_APP.clientId,
    code_verifier: verifier,
  });
  if (token.status !== 200 || typeof token.body.access_token !== 'string')
    throw new Error(`the code bought no token: ${token.status} ${JSON.stringify(token.body)}`);
  return { callback, accessToken: token.body.access_token, consents };
}

/** Just enough of a browser: cookies kept per name, redirects not followed (the caller does). */
class Browser {
  readonly #cookies = new Map<string, string>();

  go(url: string): Promise<{ status: number; location?: string; text: string }> {
    return this.#send(url, {});
  }

  post(url: string, form: Record<string, string>) {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  }

  async #send(url: string, init: RequestInit): Promise<{ status: number; location?: string; text: string }> {
    const target = new URL(url, stackUrls().oidc.issuer);
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      // An emptied cookie is one the issuer cleared.
      if (value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      ...(location ? { location: new URL(location, target).href } : {}),
      text: await response.text(),
    };
  }
}
