import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { GROUPS_CLAIM, ROLES, type Role, roleScope, rolesOf } from '../functions/auth/roles.ts';
import { keepIdleConnections } from './keep-alive.ts';
import {
  ADMIN_APP_CLIENT_ID,
  DEMO_USERS,
  LOCAL_AUDIENCE,
  LOCAL_TOKEN_CLIENT,
  LOCAL_TOKEN_GRANT,
  RESOURCE_INDICATOR,
  STOREFRONT_CLIENT,
} from './oidc-clients.ts';
import {
  handleInteraction,
  interactionPath,
  logoutSource,
  postLogoutSuccessSource,
  renderError,
} from './oidc-sign-in.ts';

/**
 * The local stand-in for Cognito: a real OpenID Connect issuer (`oidc-provider`, certified), with a
 * discovery document, a JWKS, the client-credentials flow for machine clients, the authorization
 * code flow with PKCE for the admin app, and demo users. Its access tokens carry what Cognito's do:
 * the roles as `cognito:groups` (users) or as `purchase-api/<role>` scopes (machine clients).
 *
 * Its sign-in, sign-out and error pages are its own (oidc-sign-in.ts), not oidc-provider's
 * `devInteractions`: they let only the demo users in (with any password: nothing here is deployed) and
 * make no outside request. Sign-out with the app's ID token hint returns straight to the app.
 */

/** A subject the service accepts (token-verifier.ts checks the same). */
const SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;

export interface OidcIssuerOptions {
  /** 0 picks a free port. */
  port: number;
  /**
   * The issuer identifier (`iss`), if not where it listens: `npm run token` without `npm start` runs
   * an issuer on a free port that signs as the `npm start` one would.
   */
  issuer?: string;
  /** Where the signing keys live (private JWKs): shared with `npm run token`, created if missing. */
  keysFile: string;
  /** The admin app's sign-in callbacks. */
  adminAppRedirectUris: readonly string[];
}

export interface OidcIssuer {
  issuer: string;
  jwksUrl: string;
  tokenEndpoint: string;
  /** Where the admin app sends a user to sign in (authorization code with PKCE). */
  authorizationEndpoint: string;
  stop(): Promise<void>;
}

export async function startOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  const keys = await loadOrCreateSigningKeys(options.keysFile);
  const server = createServer();
  // Its token endpoint is called again and again on kept-alive sockets (tests, scripts).
  keepIdleConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const listening = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = options.issuer ?? listening;
  const provider = new Provider(issuer, configuration(keys, options.adminAppRedirectUris));
  registerLocalTokenGrant(provider);
  const callback = provider.callback();
  server.on('request', (request, response) => {
    handleInteraction(provider, request, response).then(
      (handled) => {
        if (!handled) callback(request, response);
      },
      () => {
        if (!response.headersSent) response.writeHead(500).end();
      },
    );
  });
  return {
    issuer,
    jwksUrl: `${listening}/jwks`,
    tokenEndpoint: `${listening}/token`,
    authorizationEndpoint: `${listening}/auth`,
    stop: () => closeServer(server),
  };
}

function configuration(keys: JWK[], adminAppRedirectUris: readonly string[]): Configuration {
  const roleScopes = ROLES.map(roleScope);
  return {
    jwks: { keys },
    // Fresh per start: the issuer's sessions are in memory and end with it anyway.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [
      {
        client_id: STOREFRONT_CLIENT.id,
        client_secret: STOREFRONT_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: roleScope('service'),
      },
      {
        client_id: ADMIN_APP_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        // No role scopes: a user's roles are the groups they belong to (extraTokenClaims), never
        // what the app asks for (with them allowed, any user could ask for admin and consent).
        scope: 'openid profile offline_access',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...adminAppRedirectUris],
        post_logout_redirect_uris: adminAppRedirectUris.map((uri) => new URL(uri).origin),
      },
      {
        client_id: LOCAL_TOKEN_CLIENT.id,
        client_secret: LOCAL_TOKEN_CLIENT.secret,
        grant_types: [LOCAL_TOKEN_GRANT],
        redirect_uris: [],
        response_types: [],
        scope: roleScopes.join(' '),
      },
    ],
    scopes: ['openid', 'profile', 'offline_access', ...roleScopes],
    claims: { openid: ['sub'], profile: ['name'] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    // The admin app calls the token endpoint from the browser: its own origin only.
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientId === ADMIN_APP_CLIENT_ID &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    renderError,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE_INDICATOR,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== RESOURCE_INDICATOR) throw new errors.InvalidTarget();
          return resourceServerInfo();
        },
      },
    },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, name: id }),
    }),
    // The admin app is ours: its users are not asked to consent.
    loadExistingGrant: async (ctx) => {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      if (client.clientId !== ADMIN_APP_CLIENT_ID) return undefined;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile offline_access');
      await grant.save();
      return grant;
    },
    // Users carry their roles as groups, as Cognito puts them; machine clients only as scopes. A
    // signed-in user's groups are those of their account, whatever the app asked for (as in
    // Cognito); the local token grant's are the role it was asked for.
    extraTokenClaims: (_ctx, token) => {
      const { accountId, gty, scope } = token as { accountId?: string; gty?: string; scope?: string };
      if (!accountId) return undefined;
      const roles = gty === LOCAL_TOKEN_GRANT ? rolesOf({ scope: scope ?? '' }) : demoRolesOf(accountId);
      return { [GROUPS_CLAIM]: roles };
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
    },
  };
}

function resourceServerInfo() {
  return {
    scope: ROLES.map(roleScope).join(' '),
    audience: LOCAL_AUDIENCE,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    jwt: { sign: { alg: 'RS256' as const } },
  };
}

/** The roles of a demo user; anyone else who signs in has none (and so may do nothing). */
function demoRolesOf(login: string): Role[] {
  return DEMO_USERS.filter((user) => user.login === login).map((user) => user.role);
}

/**
 * `grant_type=urn:purchase-service:local:grant-type:token-for&subject=NAME&role=ROLE`, for the local
 * token client only: an access token for that subject with that role, made and signed by
 * oidc-provider like every other. It stands in for "sign in as NAME, a member of ROLE" in scripts.
 */
function registerLocalTokenGrant(provider: Provider): void {
  provider.registerGrantType(
    LOCAL_TOKEN_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as { subject?: unknown; role?: unknown };
      const { client } = ctx.oidc;
      if (!client || client.clientId !== LOCAL_TOKEN_CLIENT.id) throw new errors.UnauthorizedClient();
      if (typeof params.subject !== 'string' || !SUBJECT.test(params.subject))
        throw new errors.InvalidRequest('subject must be 1 to 128 printable characters');
      if (typeof params.role !== 'string' || !ROLES.includes(params.role as Role))
        throw new errors.InvalidRequest(`role must be one of ${ROLES.join(', ')}`);
      const token = new provider.AccessToken({
        accountId: params.subject,
        client,
        gty: LOCAL_TOKEN_GRANT,
        grantId: `local-${params.subject}`,
        scope: roleScope(params.role as Role),
        resourceServer: new provider.ResourceServer(RESOURCE_INDICATOR, resourceServerInfo()),
      });
      const value = await token.save();
      ctx.body = {
        access_token: value,
        token_type: 'Bearer',
        expires_in: token.expiration,
        scope: token.scope,
      };
    },
    ['subject', 'role'],
  );
}

/**
 * The issuer's signing keys, kept in a file so that tokens outlive a restart and `npm run token`
 * signs with the same keys when no issuer runs. The file is a JWK set: the first key signs, all are
 * published, so a key is rotated by putting a new one first and dropping the old one once the
 * tokens it signed have expired.
 */
export async function loadOrCreateSigningKeys(keysFile: string): Promise<JWK[]> {
  if (existsSync(keysFile)) return (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: JWK[] }).keys;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  mkdirSync(dirname(keysFile), { recursive: true });
  writeFileSync(keysFile, JSON.stringify({ keys: [key] }, null, 2), { mode: 0o600 });
  return [key];
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
