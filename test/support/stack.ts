/**
 * The shared test stack's sweeper: sooner than the deployed one (120 s, every 60 s), so that a hold a
 * loaded machine left SHIPPED (its Commit overloaded past its retries: a 503) is rolled forward while
 * the books check waits, yet late enough that no test's own sweep of a killed execution is raced.
 */
export const TEST_STACK_SWEEPER = { maxAgeSeconds: 60, intervalSeconds: 5 } as const;

/** The shared test stack's lot expiry runs every 2 s, so a test sees a lot it granted for seconds expire. */
export const TEST_STACK_EXPIRY_INTERVAL_SECONDS = 2;

/** Where the global setup started the local stack. */
export function stackUrls(): {
  apiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  mainTable: string;
  auditTable: string;
  oidc: { issuer: string; tokenEndpoint: string; jwksUrl: string; keysFile: string };
} {
  const { TEST_API_URL, TEST_MOCK_API_URL, TEST_DYNAMODB_ENDPOINT, TEST_MAIN_TABLE, TEST_AUDIT_TABLE } =
    process.env;
  const { TEST_OIDC_ISSUER, TEST_OIDC_TOKEN_ENDPOINT, TEST_OIDC_JWKS_URL, TEST_OIDC_KEYS_FILE } = process.env;
  if (!TEST_API_URL || !TEST_MOCK_API_URL || !TEST_DYNAMODB_ENDPOINT || !TEST_MAIN_TABLE || !TEST_AUDIT_TABLE)
    throw new Error('the local stack is not running (global setup)');
  if (!TEST_OIDC_ISSUER || !TEST_OIDC_TOKEN_ENDPOINT || !TEST_OIDC_JWKS_URL || !TEST_OIDC_KEYS_FILE)
    throw new Error('the local stack names no OpenID Connect issuer (global setup)');
  return {
    apiUrl: TEST_API_URL,
    mockApiUrl: TEST_MOCK_API_URL,
    dynamoDbEndpoint: TEST_DYNAMODB_ENDPOINT,
    mainTable: TEST_MAIN_TABLE,
    auditTable: TEST_AUDIT_TABLE,
    oidc: {
      issuer: TEST_OIDC_ISSUER,
      tokenEndpoint: TEST_OIDC_TOKEN_ENDPOINT,
      jwksUrl: TEST_OIDC_JWKS_URL,
      keysFile: TEST_OIDC_KEYS_FILE,
    },
  };
}

/** What `npm start` writes to its whereabouts file. */
export interface StackWhereabouts {
  apiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  tables: { main: string; audit: string };
  oidc: { issuer: string; tokenEndpoint: string; jwksUrl: string; keysFile: string };
}

/** The environment `stackUrls()` reads, for a stack's whereabouts (global setup, benches). */
export function stackEnvironment(where: StackWhereabouts): Record<string, string> {
  return {
    TEST_API_URL: where.apiUrl,
    TEST_MOCK_API_URL: where.mockApiUrl,
    TEST_DYNAMODB_ENDPOINT: where.dynamoDbEndpoint,
    TEST_MAIN_TABLE: where.tables.main,
    TEST_AUDIT_TABLE: where.tables.audit,
    TEST_OIDC_ISSUER: where.oidc.issuer,
    TEST_OIDC_TOKEN_ENDPOINT: where.oidc.tokenEndpoint,
    TEST_OIDC_JWKS_URL: where.oidc.jwksUrl,
    TEST_OIDC_KEYS_FILE: where.oidc.keysFile,
  };
}
