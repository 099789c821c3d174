import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { DEMO_USERS } from './oidc-clients.ts';

/**
 * The local issuer's own pages, in place of oidc-provider's `devInteractions`: those accept any login
 * (a stranger got in with no role and met FORBIDDEN everywhere) and load a font from a CDN, which
 * fails offline. These list the demo users, refuse anyone else, and make no outside request: system
 * fonts, no scripts but the sign-out's auto-submit, the favicon inline. Any password is accepted:
 * this issuer is local only, nothing here is deployed.
 */

/** Where oidc-provider sends the browser for an interaction (`interactions.url`). */
export const interactionPath = (uid: string): string => `/interaction/${encodeURIComponent(uid)}`;

const ROLE_TEXT: Record<string, string> = {
  viewer: 'reads only',
  support: 'grants, deductions, refunds',
  service: 'purchases (the storefront)',
  admin: 'everything, promo codes too',
};

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f2937"/><circle cx="12" cy="16" r="6" fill="none" stroke="#facc15" stroke-width="3"/><path d="M18 16h10M24 16v5M28 16v4" stroke="#facc15" stroke-width="3"/></svg>',
)}`;

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f5f5;color:#1f2937}
main{max-width:360px;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.2)}
h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{box-sizing:border-box;width:100%;height:40px;font-size:16px;padding:0 8px;border:1px solid #bbb;border-radius:4px}
button{width:100%;height:40px;margin-top:1rem;font-size:15px;font-weight:600;border:0;border-radius:4px;background:#1f2937;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#1f2937}.error{background:#fde8e8;border:1px solid #d50000;border-radius:4px;padding:.5rem .75rem;color:#8a0000}
ul{padding-left:1.25rem}li{margin:.25rem 0}code{font-weight:600}small{color:#555}pre{white-space:pre-wrap;overflow-wrap:anywhere}`;

/** One page of the issuer: no outside request, readable on a phone. */
export function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · local issuer</title><link rel="icon" href="${FAVICON}"><style>${STYLE}</style>${head}</head>
<body><main>${body}</main></body></html>`;
}

function signInPage(uid: string, refused?: { login: string }): string {
  const users = DEMO_USERS.map(
    (user) =>
      `<li><code>${escapeHtml(user.login)}</code> <small>${escapeHtml(ROLE_TEXT[user.role] ?? user.role)}</small></li>`,
  ).join('');
  const error = refused
    ? `<p class="error" role="alert">${escapeHtml(refused.login || 'An empty login')} is not a demo user. Sign in as one of the users below.</p>`
    : '';
  return page(
    'Sign in',
    `<h1>Sign in to the purchase service</h1>${error}
<form method="post" action="${interactionPath(uid)}/login" autocomplete="off">
<input type="hidden" name="prompt" value="login">
<label for="login">Login</label><input id="login" name="login" required autofocus value="${escapeHtml(refused?.login ?? '')}">
<label for="password">Password <small>(any: local demo users)</small></label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form>
<p>Demo users:</p><ul>${users}</ul>
<form method="post" action="${interactionPath(uid)}/abort"><button class="secondary" formnovalidate>Cancel</button></form>`,
  );
}

const consentPage = (uid: string, client: string): string =>
  page(
    'Allow access',
    `<h1>Allow ${escapeHtml(client)}?</h1>
<form method="post" action="${interactionPath(uid)}/consent"><input type="hidden" name="prompt" value="consent">
<p>It will act as you, with your roles.</p><button type="submit">Allow</button></form>
<form method="post" action="${interactionPath(uid)}/abort"><button class="secondary">Cancel</button></form>`,
  );

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, html: string): void {
  response
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(html);
}

/**
 * The interaction routes (`/interaction/:uid`, and its `/login`, `/consent`, `/abort`), through
 * oidc-provider's own `interactionDetails` and `interactionFinished`. Returns false for any other
 * path, which the provider answers.
 */
export async function handleInteraction(
  provider: Provider,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|consent|abort))?$/.exec(
    new URL(request.url ?? '/', 'http://issuer').pathname,
  );
  if (!match) return false;
  const [, uid = '', action] = match;
  try {
    const details = await provider.interactionDetails(request, response);
    if (request.method === 'GET' && !action) {
      if (details.prompt.name === 'login') send(response, 200, signInPage(uid));
      else send(response, 200, consentPage(uid, String(details.params.client_id ?? 'this app')));
      return true;
    }
    if (request.method !== 'POST' || !action) {
      send(response, 405, page('Not allowed', '<h1>Not allowed</h1>'));
      return true;
    }
    if (action === 'abort') {
      await provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    const form = await formBody(request);
    if (action === 'login' && details.prompt.name === 'login') {
      const login = (form.get('login') ?? '').trim();
      if (!DEMO_USERS.some((user) => user.login === login)) {
        send(response, 401, signInPage(uid, { login }));
        return true;
      }
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    if (action === 'consent' && details.prompt.name === 'consent') {
      await provider.interactionFinished(
        request,
        response,
        { consent: { grantId: await grantFor(provider, details) } },
        { mergeWithLastSubmission: true },
      );
      return true;
    }
    send(response, 400, page('Sign-in', '<h1>This step is not expected now.</h1>'));
  } catch (error) {
    send(
      response,
      400,
      page(
        'Sign-in expired',
        `<h1>This sign-in has expired</h1><p>Go back to the app and sign in again.</p><pre>${escapeHtml(String(error))}</pre>`,
      ),
    );
  }
  return true;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What devInteractions' consent did: the grant the prompt says is missing. */
async function grantFor(provider: Provider, details: Details): Promise<string> {
  const { grantId, session, params, prompt } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session?.accountId ?? '', clientId: String(params.client_id) });
  if (!grant) throw new Error('the grant to extend is gone');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

/**
 * The sign-out page. With a valid `id_token_hint` the request provably comes from the app the user is
 * signed in to (OpenID Connect RP-Initiated Logout lets the issuer skip asking then): the page signs
 * out at once and returns to the app. Without one it asks, as a stray link must not sign anyone out.
 */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  ctx.type = 'html';
  if (ctx.oidc.entities.IdTokenHint) {
    const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
    ctx.body = page(
      'Signing out',
      `<h1>Signing out…</h1>${confirmed}<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.getElementById('op.logoutForm').submit()</script>`,
    );
    return;
  }
  ctx.body = page(
    'Sign out',
    `<h1>Sign out of the local issuer?</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<h1>Signed out</h1><p>You can close this page.</p>');
}

export function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  ctx.type = 'html';
  const lines = Object.entries(out)
    .map(([name, value]) => `<pre><strong>${escapeHtml(name)}</strong>: ${escapeHtml(String(value))}</pre>`)
    .join('');
  ctx.body = page('Error', `<h1>The sign-in could not go on</h1>${lines}`);
}
