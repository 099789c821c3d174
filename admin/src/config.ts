/**
 * The app's settings, read at start from `/config.json` beside it: the same build runs against the
 * local stack (local/admin-app.ts writes the file) and in AWS (the CDK deployment writes it).
 */
export interface RuntimeConfig {
  /** The OpenID Connect issuer: the local one, or the Cognito user pool. */
  authority: string;
  clientId: string;
  /** The public API, without a trailing slash. */
  apiBaseUrl: string;
}

export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (name: keyof RuntimeConfig): string => {
    const field = record[name];
    if (typeof field !== 'string' || field === '') throw new Error(`config.json: ${name} is missing`);
    return field.replace(/\/$/, '');
  };
  return { authority: text('authority'), clientId: text('clientId'), apiBaseUrl: text('apiBaseUrl') };
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseRuntimeConfig(await response.json());
}
