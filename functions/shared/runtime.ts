import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jwtVerifier, type TokenVerifier } from './auth/token-verifier.ts';
import { type Config, loadConfig } from './config.ts';
import { createDocumentClient } from './db/document-client.ts';
import { type CachedExternalReads, LruExternalReads } from './external/cached-external-reads.ts';
import { ExternalApiClient } from './external/external-api.client.ts';
import { DynamoIdempotencyStore } from './http/idempotency.store.ts';

export interface Runtime {
  config: Config;
  documentClient: DynamoDBDocumentClient;
  /** Set where EXTERNAL_API_BASE_URL is (only the functions that call out); see `requireExternalApi`. */
  externalApi: ExternalApiClient | undefined;
  /**
   * For the admin read routes only, beside `externalApi`: may be up to 30 s old, so never for a quote
   * or a credit route.
   */
  cachedExternalReads: CachedExternalReads | undefined;
  idempotencyStore: DynamoIdempotencyStore;
  /** Set where the trusted issuer is configured (every HTTP function); workers have none. */
  tokenVerifier: TokenVerifier | undefined;
}

let runtime: Runtime | undefined;

/**
 * The adapters every handler shares, built once per cold start from validated configuration.
 * @throws Error at cold start when configuration is missing or invalid
 */
export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const config = loadConfig();
  const documentClient = createDocumentClient({
    endpoint: config.DYNAMODB_ENDPOINT,
    requestTimeoutMs: config.DYNAMODB_REQUEST_TIMEOUT_MS,
  });
  const externalApi =
    config.EXTERNAL_API_BASE_URL === undefined
      ? undefined
      : new ExternalApiClient(config.EXTERNAL_API_BASE_URL, config.EXTERNAL_API_TIMEOUT_MS);
  runtime = {
    config,
    documentClient,
    externalApi,
    cachedExternalReads: externalApi && new LruExternalReads(externalApi),
    idempotencyStore: new DynamoIdempotencyStore(
      documentClient,
      config.MAIN_TABLE_NAME,
      config.IDEMPOTENCY_LOCK_SECONDS * 1000,
    ),
    tokenVerifier:
      config.AUTH_ISSUER && config.AUTH_AUDIENCE && config.AUTH_JWKS_URL
        ? jwtVerifier({
            issuer: config.AUTH_ISSUER,
            audiences: config.AUTH_AUDIENCE,
            jwksUrl: config.AUTH_JWKS_URL,
          })
        : undefined,
  };
  return runtime;
}

/**
 * The external API client, for a function that calls out; called at cold start, so a function
 * deployed without the URL fails there rather than on its first request.
 * @throws Error when EXTERNAL_API_BASE_URL is not set
 */
export function requireExternalApi(runtime: Runtime): ExternalApiClient {
  if (runtime.externalApi === undefined) {
    throw new Error(
      'invalid configuration: EXTERNAL_API_BASE_URL is required by this function (it calls the external API)',
    );
  }
  return runtime.externalApi;
}

/** The cached reads of the external API, for an admin read route; see `requireExternalApi`. */
export function requireCachedExternalReads(runtime: Runtime): CachedExternalReads {
  requireExternalApi(runtime);
  if (runtime.cachedExternalReads === undefined) throw new Error('the cached reads need the external API');
  return runtime.cachedExternalReads;
}
