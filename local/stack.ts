import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { FunctionEnvironment } from '../functions/environment.ts';
import { ROUTES } from '../functions/routes.ts';
import { jwtVerifier } from '../functions/shared/auth/token-verifier.ts';
import { AUDIT_TABLE, MAIN_TABLE } from '../functions/shared/db/tables.ts';
import { AUDIT_PROJECTOR, LOT_EXPIRY, RESERVATION_SWEEPER } from '../functions/workers.ts';
import {
  createTables,
  type DynamoDbLocal,
  startDynamoDbLocal,
  useLocalAwsEnvironment,
} from './dynamodb-local.ts';
import { createHttpApi, readinessGate, withCors } from './http-api.ts';
import { keepIdleConnections } from './keep-alive.ts';
import { LOCAL_AUDIENCE } from './oidc-clients.ts';
import { type OidcIssuer, startOidcIssuer } from './oidc-issuer.ts';
import { ROOT_DIR } from './paths.ts';
import { freePort, stopChild, waitForPort } from './processes.ts';
import { startScheduleTimer } from './schedule-timer.ts';
import {
  createLocalPurchaseStateMachine,
  createStepFunctionsEndpoint,
  LOCAL_PURCHASE_STATE_MACHINE_ARN,
} from './step-functions.ts';
import { type StreamHandler, startStreamPoller } from './stream-poller.ts';
import { type ThrottleLimits, TokenBuckets, throttled } from './throttle.ts';

/** See DESIGN.md, Overload: measured under the e2e's 100 concurrent purchases of one customer. */
const LOCAL_DYNAMODB_REQUEST_TIMEOUT_MS = 5_000;

export interface LocalStackOptions {
  /** 0 picks a free port. */
  apiPort: number;
  mockApiPort: number;
  dynamoDbPort: number;
  /** Where DynamoDB Local keeps its files; undefined keeps everything in memory. */
  dataDir: string | undefined;
  tablePrefix: string;
  /** How often the reservation sweeper runs (EventBridge runs it every minute in AWS). */
  sweepIntervalMs: number;
  /** How often the lot expiry runs (EventBridge: EXPIRY_INTERVAL_SECONDS). */
  expiryIntervalMs: number;
  /** The OpenID Connect issuer's port (0: a free one) and its signing keys' file. */
  oidcPort: number;
  oidcKeysFile: string;
  /** Where the admin app's sign-in returns to. */
  adminAppRedirectUris: readonly string[];
  /** The one origin the API answers CORS for, as API Gateway does in AWS: the admin app's. */
  adminAppOrigin: string;
  /** Each caller's token bucket (the stage throttle's stand-in). */
  throttle: ThrottleLimits;
}

export interface LocalStack {
  /** Answers 503 SERVICE_UNAVAILABLE to everything until `markReady()`. */
  apiUrl: string;
  /** The same API, open from the start and closed by `markReady()`: for the stack's own startup work. */
  startupApiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  stepFunctionsEndpoint: string;
  tables: { main: string; audit: string };
  oidc: Omit<OidcIssuer, 'stop'> & { keysFile: string };
  /** Opens the public API (then `GET /health` says ok) and closes the startup one. */
  markReady(): void;
  stop(): Promise<void>;
}

/**
 * Starts the whole service on this machine: DynamoDB Local, the mock external API (its own process),
 * the OpenID Connect issuer, the purchase state machine behind a StartSyncExecution endpoint, the reservation sweeper on a
 * timer, the audit projector fed from the table's stream, and the HTTP API emulation serving the same
 * handler modules that CDK deploys.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  useLocalAwsEnvironment();
  const dynamoDbPort = options.dynamoDbPort || (await freePort());
  const mockApiPort = options.mockApiPort || (await freePort());
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopPart of stops.reverse()) await stopPart().catch(() => undefined);
  };

  try {
    const [dynamo, mock, issuer] = await Promise.all([
      startDynamoDbLocal({ port: dynamoDbPort, dataDir: options.dataDir }),
      startMockApi(mockApiPort),
      startOidcIssuer({
        port: options.oidcPort,
        keysFile: options.oidcKeysFile,
        adminAppRedirectUris: options.adminAppRedirectUris,
      }),
    ]);
    stops.push((dynamo as DynamoDbLocal).stop, () => stopChild(mock), issuer.stop);
    const dynamoDbEndpoint = dynamo.endpoint;
    const mockApiUrl = `http://127.0.0.1:${mockApiPort}`;
    const tables = { main: `${options.tablePrefix}main`, audit: `${options.tablePrefix}audit` };
    await createTables(dynamoDbEndpoint, [
      { declaration: MAIN_TABLE, name: tables.main },
      { declaration: AUDIT_TABLE, name: tables.audit },
    ]);

    // Every handler module reads its configuration once, at import (as at a Lambda cold start), so
    // all of it, the Step Functions endpoint included, is set before any of them loads.
    const stepFunctionsPort = await freePort();
    const stepFunctionsEndpoint = `http://127.0.0.1:${stepFunctionsPort}`;
    const environment: FunctionEnvironment = {
      [MAIN_TABLE.nameVariable]: tables.main,
      [AUDIT_TABLE.nameVariable]: tables.audit,
      EXTERNAL_API_BASE_URL: mockApiUrl,
      DYNAMODB_ENDPOINT: dynamoDbEndpoint,
      STEPFUNCTIONS_ENDPOINT: stepFunctionsEndpoint,
      PURCHASE_STATE_MACHINE_ARN: LOCAL_PURCHASE_STATE_MACHINE_ARN,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_TOKEN_URL: issuer.tokenEndpoint,
      AUTH_AUTHORIZATION_URL: issuer.authorizationEndpoint,
    };
    Object.assign(process.env, environment, {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Metrics are CloudWatch embedded-format log lines; locally no CloudWatch reads them.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // DynamoDB Local queues contending transactions (one item, many writers) for seconds where
      // DynamoDB cancels them at once (TransactionConflict): it needs a longer per-attempt timeout.
      DYNAMODB_REQUEST_TIMEOUT_MS:
        process.env.DYNAMODB_REQUEST_TIMEOUT_MS ?? String(LOCAL_DYNAMODB_REQUEST_TIMEOUT_MS),
    });
    const purchaseSaga = await createLocalPurchaseStateMachine(ROOT_DIR);
    await listen(createStepFunctionsEndpoint([purchaseSaga]), stepFunctionsPort, stops);
    for (const [worker, intervalMs] of [
      [RESERVATION_SWEEPER, options.sweepIntervalMs],
      [LOT_EXPIRY, options.expiryIntervalMs],
    ] as const) {
      const handler = await loadHandler<Parameters<typeof startScheduleTimer>[1]>(worker.entry);
      stops.push(startScheduleTimer(worker, handler, intervalMs));
    }
    const auditFeed = await startStreamPoller({
      handler: await loadHandler<StreamHandler>(AUDIT_PROJECTOR.entry),
      functionId: AUDIT_PROJECTOR.id,
      endpoint: dynamoDbEndpoint,
      tableName: tables.main,
      log: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
    });
    stops.push(auditFeed.stop);

    // Demo data needs the API before the stack may call itself ready: it goes through a second,
    // ungated listener on a free loopback port, closed once the public one opens.
    const routes = await createHttpApi(ROUTES, ROOT_DIR);
    const callers = jwtVerifier({
      issuer: issuer.issuer,
      audiences: [LOCAL_AUDIENCE],
      jwksUrl: issuer.jwksUrl,
    });
    const gate = readinessGate(throttled(routes, new TokenBuckets(options.throttle), callers));
    const api = await listen(
      createServer(withCors(gate.listener, options.adminAppOrigin)),
      options.apiPort,
      stops,
    );
    const startupServer = createServer(withCors(routes, options.adminAppOrigin));
    const startupApi = await listen(startupServer, 0, stops);
    return {
      apiUrl: `http://127.0.0.1:${api.port}`,
      startupApiUrl: `http://127.0.0.1:${startupApi.port}`,
      mockApiUrl,
      dynamoDbEndpoint,
      stepFunctionsEndpoint,
      tables,
      oidc: {
        issuer: issuer.issuer,
        jwksUrl: issuer.jwksUrl,
        tokenEndpoint: issuer.tokenEndpoint,
        authorizationEndpoint: issuer.authorizationEndpoint,
        keysFile: options.oidcKeysFile,
      },
      markReady: () => {
        gate.open();
        startupServer.close();
        startupServer.closeAllConnections();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The `handler` a worker's module exports (the module CDK deploys for it). */
async function loadHandler<H>(entry: string): Promise<H> {
  const module = (await import(pathToFileURL(`${ROOT_DIR}/${entry}`).href)) as { handler: H };
  return module.handler;
}

/** Listens on `port` (0: a free one) and registers the server's stop. */
async function listen(
  server: Server,
  port: number,
  stops: (() => Promise<void>)[],
): Promise<{ port: number }> {
  keepIdleConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port };
}

async function startMockApi(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock-apis/main.ts'], {
    cwd: ROOT_DIR,
    env: { ...process.env, MOCK_API_PORT: String(port), EXIT_WITH_PARENT: '1' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  try {
    await waitForPort(port, 20_000, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return child;
}
