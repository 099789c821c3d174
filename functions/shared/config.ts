import * as z from 'zod';
import type { EnvironmentVariable } from '../environment.ts';

/**
 * Configuration is read once, at cold start, from the environment; a missing or malformed
 * variable fails there, loudly, instead of on the first request that needs it.
 */
/** The sweeper's default age limit (RESERVATION_MAX_AGE_SECONDS). */
export const DEFAULT_RESERVATION_MAX_AGE_SECONDS = 120;

const ConfigSchema = z.object({
  MAIN_TABLE_NAME: z.string().min(1),
  /** Only the functions that call out are given it (they check at cold start: runtime.ts). */
  EXTERNAL_API_BASE_URL: z.url().optional(),
  /** The audit table; only the audit functions need it (they check at cold start). */
  AUDIT_TABLE_NAME: z.string().min(1).optional(),
  EXTERNAL_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(3_000),
  /** Set only where DynamoDB is not AWS's (DynamoDB Local); AWS's own endpoint otherwise. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Each DynamoDB attempt's timeout; unset, db/document-client.ts's budget applies. Tests shorten it. */
  DYNAMODB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(5_000).optional(),
  /** Set only where Step Functions is not AWS's (the local runner). */
  STEPFUNCTIONS_ENDPOINT: z.url().optional(),
  /** The purchase saga; only the purchase function needs it (it checks at cold start). */
  PURCHASE_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /**
   * A reservation older than this whose saga has not finished is swept. Must exceed the state
   * machine's timeout (25 s) so that no live saga is touched.
   */
  RESERVATION_MAX_AGE_SECONDS: z.coerce.number().int().min(30).default(DEFAULT_RESERVATION_MAX_AGE_SECONDS),
  /** The token issuer the HTTP routes trust; only they need it (they check at cold start). */
  AUTH_ISSUER: z.url().optional(),
  /** Audiences a token may be for: `aud` (the local issuer's resource server) or `client_id` (Cognito). */
  AUTH_AUDIENCE: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(z.string()).min(1))
    .optional(),
  AUTH_JWKS_URL: z.url().optional(),
  /** The OAuth endpoints the API document names; only the document's route needs them (it checks at cold start). */
  AUTH_TOKEN_URL: z.url().optional(),
  AUTH_AUTHORIZATION_URL: z.url().optional(),
  /**
   * How long a claim on an Idempotency-Key holds before the same request may take it over (its holder
   * died). It must outlast every route (the longest, the purchase, runs 28 s), or a live request could
   * lose its claim.
   */
  IDEMPOTENCY_LOCK_SECONDS: z.coerce.number().int().min(30).max(900).default(60),
} satisfies Record<EnvironmentVariable, z.ZodType>);

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;

/** @throws Error naming every missing or invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached && env === process.env) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}
