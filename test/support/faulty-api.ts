import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES } from '../../functions/routes.ts';
import { MAIN_TABLE } from '../../functions/shared/db/tables.ts';
import { logger } from '../../functions/shared/logger.ts';
import { createHttpApi } from '../../local/http-api.ts';
import { LOCAL_AUDIENCE } from '../../local/oidc-clients.ts';
import {
  createLocalPurchaseStateMachine,
  createStepFunctionsEndpoint,
  LOCAL_PURCHASE_STATE_MACHINE_ARN,
} from '../../local/step-functions.ts';
import { TEST_ADMIN } from './api-client.ts';
import { type AwsFaultProxy, startAwsFaultProxy } from './aws-fault-proxy.ts';
import { stackUrls } from './stack.ts';
import { freshMainTable } from './tables.ts';
import { authorizationFor } from './tokens.ts';

const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The real route handlers and saga steps in this process (as the local stack runs them), on the
 * shared stack's DynamoDB Local and mock API, on a main table of their own, reaching DynamoDB and
 * Step Functions through fault proxies that misbehave on the wire as the test says.
 */
export interface FaultyApi {
  dynamo: AwsFaultProxy;
  stepFunctions: AwsFaultProxy;
  /** The table the API writes, reached directly (no proxy). */
  direct: { client: DynamoDBDocumentClient; tableName: string };
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Every item of a partition, straight from DynamoDB Local. */
  partition(partitionKey: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startFaultyApi(): Promise<FaultyApi> {
  // The faults are on purpose; their warnings are noise here.
  logger.setLogLevel('SILENT');
  const savedEnv = { ...process.env };
  const servers: Server[] = [];
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const stack = stackUrls();
  const direct = await freshMainTable();
  const dynamo = await startAwsFaultProxy(stack.dynamoDbEndpoint);
  const stepFunctions = await startAwsFaultProxy();
  // Every handler reads its configuration at import, as at a cold start.
  Object.assign(process.env, {
    [MAIN_TABLE.nameVariable]: direct.tableName,
    AUDIT_TABLE_NAME: stack.auditTable,
    EXTERNAL_API_BASE_URL: stack.mockApiUrl,
    DYNAMODB_ENDPOINT: dynamo.url,
    STEPFUNCTIONS_ENDPOINT: stepFunctions.url,
    PURCHASE_STATE_MACHINE_ARN: LOCAL_PURCHASE_STATE_MACHINE_ARN,
    AUTH_ISSUER: stack.oidc.issuer,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
    AUTH_JWKS_URL: stack.oidc.jwksUrl,
    AUTH_TOKEN_URL: stack.oidc.tokenEndpoint,
    // The local issuer's (oidc-provider's) authorization endpoint, beside its token endpoint.
    AUTH_AUTHORIZATION_URL: new URL('/auth', stack.oidc.tokenEndpoint).href,
    // The handlers' business metrics (EMF lines on stdout) are noise here too.
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // Production's per-attempt timeout (the local stack's longer one is for contention these tests
  // never make): a hanging call gives up after it, and no assertion depends on how long that took.
  delete process.env.DYNAMODB_REQUEST_TIMEOUT_MS;
  const machine = await createLocalPurchaseStateMachine(ROOT_DIR);
  stepFunctions.forwardTo(await listen(createStepFunctionsEndpoint([machine])));
  const apiUrl = await listen(createServer(await createHttpApi(ROUTES, ROOT_DIR)));

  return {
    dynamo,
    stepFunctions,
    direct,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(await authorizationFor(TEST_ADMIN)),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
    },
    async partition(partitionKey) {
      const { Items } = await direct.client.send(
        new QueryCommand({
          TableName: direct.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partitionKey },
          ConsistentRead: true,
        }),
      );
      return Items ?? [];
    },
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await dynamo.close();
      await stepFunctions.close();
      process.env = savedEnv;
    },
  };
}
