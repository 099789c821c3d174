/**
 * Every environment variable the functions read, declared once: `shared/config.ts` parses exactly
 * these, and the CDK stack and the local runtime set them through `FunctionEnvironment`, so a name
 * cannot be misspelt in one of the three. Dependency-free on purpose: `infra/` imports it.
 * (Powertools' own variables, such as POWERTOOLS_SERVICE_NAME, are its business, not ours.)
 */
export const ENVIRONMENT_VARIABLES = {
  MAIN_TABLE_NAME: 'the main table',
  AUDIT_TABLE_NAME: 'the audit table (only the audit functions)',
  EXTERNAL_API_BASE_URL: "the other team's Customers/Products/Shipments API",
  EXTERNAL_API_TIMEOUT_MS: 'how long one external call may take',
  DYNAMODB_ENDPOINT: 'DynamoDB Local, where DynamoDB is not AWS’s',
  DYNAMODB_REQUEST_TIMEOUT_MS: 'how long one DynamoDB attempt may take (1 s unless set)',
  STEPFUNCTIONS_ENDPOINT: 'the local Step Functions runner, where Step Functions is not AWS’s',
  PURCHASE_STATE_MACHINE_ARN: 'the purchase saga (only the purchase function)',
  RESERVATION_MAX_AGE_SECONDS: 'the age past which the sweeper finishes a reservation',
  AUTH_ISSUER: 'the trusted token issuer (`iss`): the Cognito user pool, or the local OpenID Connect issuer',
  AUTH_AUDIENCE:
    'comma-separated audiences a token may be for (`aud`, or `client_id` for Cognito access tokens)',
  AUTH_JWKS_URL: "the issuer's signing keys (JWKS)",
  AUTH_TOKEN_URL:
    "the OAuth 2.0 token endpoint the API document names (the Cognito domain's, or the local issuer's)",
  AUTH_AUTHORIZATION_URL:
    'the OAuth 2.0 authorization endpoint the API document names (the admin app signs in there)',
  IDEMPOTENCY_LOCK_SECONDS: 'how long a claimed Idempotency-Key stays held for a request that may still run',
} as const;

export type EnvironmentVariable = keyof typeof ENVIRONMENT_VARIABLES;

/** What a function's environment may hold of ours. */
export type FunctionEnvironment = Partial<Record<EnvironmentVariable, string>>;
