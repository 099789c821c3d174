import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { corsOrigin } from '../functions/cors.ts';
import { loadConfig } from '../functions/shared/config.ts';
import { EXPIRY_INTERVAL_SECONDS, SWEEP_INTERVAL_SECONDS } from '../functions/workers.ts';
import { type AdminAppServer, buildAdminAppIfNeeded, serveAdminApp } from './admin-app.ts';
import { DEMO_CUSTOMER_IDS, demoDataMaxWaitMs, loadDemoData } from './demo-data.ts';
import {
  ADMIN_APP_CLIENT_ID,
  DEFAULT_OIDC_KEYS_FILE,
  DEFAULT_OIDC_PORT,
  DEMO_USERS,
  issueLocalToken,
  STOREFRONT_CLIENT,
} from './oidc-clients.ts';
import { LOCAL_STACK_FILE, ROOT_DIR } from './paths.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/**
 * `npm start`: the whole service on this machine, no Docker and no AWS account.
 *   PORT (3000)            the purchase API
 *   MOCK_API_PORT (4010)   the mock external Customers/Products/Shipments API
 *   DYNAMODB_PORT (free)   DynamoDB Local
 *   OIDC_PORT (3001)       the OpenID Connect issuer (oidc-provider), the local stand-in for Cognito
 *   OIDC_KEYS_FILE (.local/oidc/keys.json)  its signing keys, shared with `npm run token`
 *   ADMIN_APP_URL (http://localhost:5173)   where the admin app is served (built first if its sources
 *                          changed; its sign-in callback is /callback; the API answers CORS for this origin)
 *   SERVE_ADMIN_APP (1)    0: do not build or serve the admin app (the tests of the API alone)
 *   THROTTLE_RATE_PER_SECOND (50), THROTTLE_BURST (100)  each caller's token bucket
 *   DATA_DIR (.local/data) where DynamoDB Local keeps data between runs; DYNAMODB_IN_MEMORY=1 keeps none
 *   SEED_DEMO_DATA (1)     grant demo credit to the seeded customers and make one demo purchase
 *   SWEEP_INTERVAL_SECONDS (60)  how often the reservation sweeper runs
 *   EXPIRY_INTERVAL_SECONDS (300)  how often due credit lots are expired
 *   EXIT_WITH_PARENT       1: stop when stdin closes (set by the tests, which start it as a child)
 * Ctrl-C, SIGTERM or a crash stops every child process. The API answers 503 until the stack is ready:
 * demo data loaded (or skipped with a warning; it never stops the start) and the whereabouts file
 * written. Then `GET /health` says ok.
 */
const env = process.env;
const positive = (name: string, fallback: number): number => {
  const value = Number(env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};
const port = (name: string, fallback: number): number => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`${name} must be a port number`);
  return value;
};

let stack: LocalStack | undefined;
let adminApp: AdminAppServer | undefined;
let stackFile: string | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await adminApp?.stop();
    await stack?.stop();
    if (stackFile) rmSync(stackFile, { force: true });
  }
  process.exit(code);
}
// Started by a tool (the tests): a closed stdin means that tool is gone, even if it was killed.
if (env.EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => void shutdown(0));
  process.stdin.resume();
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
process.on('uncaughtException', (error) => {
  console.error('local stack crashed:', error);
  void shutdown(1);
});
process.on('unhandledRejection', (error) => {
  console.error('local stack crashed:', error);
  void shutdown(1);
});

try {
  const adminAppUrl = (env.ADMIN_APP_URL ?? 'http://localhost:5173').replace(/\/$/, '');
  const inMemory = env.DYNAMODB_IN_MEMORY === '1';
  const dataDir = resolve(ROOT_DIR, env.DATA_DIR ?? '.local/data');
  stack = await startLocalStack({
    apiPort: port('PORT', 3000),
    mockApiPort: port('MOCK_API_PORT', 4010),
    dynamoDbPort: port('DYNAMODB_PORT', 0),
    dataDir: inMemory ? undefined : dataDir,
    tablePrefix: 'purchase-',
    sweepIntervalMs: Number(env.SWEEP_INTERVAL_SECONDS ?? SWEEP_INTERVAL_SECONDS) * 1000,
    expiryIntervalMs: Number(env.EXPIRY_INTERVAL_SECONDS ?? EXPIRY_INTERVAL_SECONDS) * 1000,
    oidcPort: port('OIDC_PORT', DEFAULT_OIDC_PORT),
    oidcKeysFile: resolve(ROOT_DIR, env.OIDC_KEYS_FILE ?? DEFAULT_OIDC_KEYS_FILE),
    adminAppRedirectUris: [`${adminAppUrl}/callback`],
    adminAppOrigin: corsOrigin(adminAppUrl),
    throttle: {
      ratePerSecond: positive('THROTTLE_RATE_PER_SECOND', 50),
      burst: positive('THROTTLE_BURST', 100),
    },
  });
  const demoData = env.SEED_DEMO_DATA === '0' ? 'not loaded (SEED_DEMO_DATA=0)' : await seedDemoData(stack);
  const [john] = DEMO_CUSTOMER_IDS;
  const { oidc } = stack;
  let adminAppLine = 'not served (SERVE_ADMIN_APP=0)';
  if (env.SERVE_ADMIN_APP !== '0') {
    const build = buildAdminAppIfNeeded();
    adminApp = await serveAdminApp(adminAppUrl, {
      authority: oidc.issuer,
      clientId: ADMIN_APP_CLIENT_ID,
      apiBaseUrl: stack.apiUrl,
    });
    adminAppLine = `${adminApp.url}  (build ${build}; hot reload: SERVE_ADMIN_APP=0 npm start, then npm run dev:admin)`;
  }
  console.log(`
Purchase service is running locally.
  admin app          ${adminAppLine}
    sign in as       ${DEMO_USERS.map((user) => user.login).join(', ')} (any password)
  API                ${stack.apiUrl}
  health             ${stack.apiUrl}/health
  API docs           ${stack.apiUrl}/docs  (OpenAPI 3.1: ${stack.apiUrl}/openapi.json)
  try                TOKEN=$(npm run --silent token -- --role admin)
                     curl ${stack.apiUrl}/v1/customers/${john}/credit -H "authorization: Bearer $TOKEN"
                     curl ${stack.apiUrl}/v1/purchases?customerId=${john} -H "authorization: Bearer $TOKEN"
                     curl -X POST ${stack.apiUrl}/v1/purchases -H "authorization: Bearer $TOKEN" \\
                       -H 'content-type: application/json' \\
                       -d '{"customerId":"${john}","productId":"660e8400-e29b-41d4-a716-446655440003"}'
                     curl ${stack.apiUrl}/v1/audit -H "authorization: Bearer $TOKEN"
  tokens             npm run --silent token -- --role viewer|support|service|admin [--sub NAME]
  OpenID issuer      ${oidc.issuer}  (discovery: ${oidc.issuer}/.well-known/openid-configuration)
    demo users       ${DEMO_USERS.map((user) => user.login).join(', ')}: sign in with any password (a dev-only login page)
    storefront       client credentials: curl -u ${STOREFRONT_CLIENT.id}:${STOREFRONT_CLIENT.secret} ${oidc.tokenEndpoint} \\
                       -d grant_type=client_credentials -d scope=purchase-api/service
    admin app        client ${ADMIN_APP_CLIENT_ID}, authorization code with PKCE, callback ${adminAppUrl}/callback
  check the books    npm run reconcile
  demo data          ${demoData}
  mock external API  ${stack.mockApiUrl}  (customers, products, shipments; /__control for tests)
  Step Functions     ${stack.stepFunctionsEndpoint}  (the purchase saga, statemachines/purchase.asl.json)
  DynamoDB Local     ${stack.dynamoDbEndpoint}  (tables ${stack.tables.main}, ${stack.tables.audit}; data in ${inMemory ? 'memory' : dataDir})
Press Ctrl-C to stop.`);
  // Where the stack is: for the tests that started it, or for `npm run reconcile` beside `npm start`.
  const { apiUrl, mockApiUrl, dynamoDbEndpoint, stepFunctionsEndpoint, tables } = stack;
  stackFile = env.LOCAL_STACK_READY_FILE ?? LOCAL_STACK_FILE;
  mkdirSync(dirname(stackFile), { recursive: true });
  writeFileSync(
    stackFile,
    JSON.stringify({ apiUrl, mockApiUrl, dynamoDbEndpoint, stepFunctionsEndpoint, tables, oidc }),
  );
  // Only now: whoever sees `/health` ok finds the whereabouts file written.
  stack.markReady();
} catch (error) {
  console.error('local stack failed to start:', error);
  await shutdown(1);
}

/** Demo data, loaded as the admin `demo-data`; never stops the start. */
async function seedDemoData(running: LocalStack): Promise<string> {
  let token: string;
  try {
    token = await issueLocalToken(running.oidc.tokenEndpoint, 'demo-data', 'admin');
  } catch (error) {
    console.warn(`demo data skipped: no token from the local issuer: ${String(error)}`);
    return 'not loaded (see the warning above)';
  }
  const complete = await loadDemoData(running.startupApiUrl, token, {
    maxWaitMs: demoDataMaxWaitMs(loadConfig().IDEMPOTENCY_LOCK_SECONDS * 1000),
  });
  return complete ? 'loaded' : 'incomplete (see the warnings above)';
}
