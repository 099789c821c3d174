import type { Node } from 'constructs';

/**
 * The CDK app's settings (context: `-c key=value`, or cdk.json), checked at synth time, all at once:
 * a deploy with a setting missing or malformed stops before anything is built, with one message
 * naming each problem and how to fix it.
 */
export interface AppContext {
  /** Base URL of the other team's Customers/Products/Shipments API (required). */
  externalApiBaseUrl: string;
  /** Where alarm notifications are e-mailed (optional; the subscription must be confirmed). */
  alarmEmail: string | undefined;
}

/** Every context key the app reads, with what it is for: the message lists them. */
export const CONTEXT_KEYS = {
  externalApiBaseUrl: 'required: base URL of the Customers/Products/Shipments API, https://…',
  alarmEmail: 'optional: e-mail address the alarm topic notifies',
  authDomainPrefix: 'optional: Cognito hosted UI domain prefix (default purchase-service-<account>)',
  adminAppOrigin: 'optional: other origins allowed to call the API (a dev server), comma-separated',
  adminAppCallbackUrls: "optional: the admin app's sign-in callback URLs, comma-separated",
  adminAppLogoutUrls: "optional: the admin app's sign-out URLs, comma-separated",
  adminAppDomainName: 'optional, with adminAppCertificateArn: custom domain of the admin app',
  adminAppCertificateArn: 'optional, with adminAppDomainName: its ACM certificate (us-east-1)',
  adminAppAssetPath: "optional: the admin app's build (default admin/dist)",
  apiRateLimit: 'optional: API requests per second (default 50)',
  apiBurstLimit: 'optional: API burst (default 100)',
  purchaseLatencyP99Ms: 'optional: p99 alarm threshold of POST /v1/purchases in ms (default 5000)',
} as const;

export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
  constructor(readonly problems: readonly string[]) {
    super(
      `The CDK app's context is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
        'Give each with -c key=value (e.g. npm run deploy -- -c externalApiBaseUrl=https://api.example.com) or in cdk.json; README.md, Deploy to AWS, lists them.',
    );
  }
}

const POSITIVE_INTEGERS = ['apiRateLimit', 'apiBurstLimit', 'purchaseLatencyP99Ms'] as const;
const URL_LISTS = ['adminAppOrigin', 'adminAppCallbackUrls', 'adminAppLogoutUrls'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Cognito's rule for a domain prefix: lowercase letters, digits and hyphens, not at either end. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** @throws InvalidContextError naming every missing or malformed setting */
export function readAppContext(node: Node): AppContext {
  const problems: string[] = [];
  const get = (key: keyof typeof CONTEXT_KEYS): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === null
      ? undefined
      : Array.isArray(value)
        ? value.join(',')
        : String(value);
  };

  const externalApiBaseUrl = get('externalApiBaseUrl');
  if (externalApiBaseUrl === undefined || externalApiBaseUrl.trim() === '') {
    problems.push(`externalApiBaseUrl is missing (${CONTEXT_KEYS.externalApiBaseUrl})`);
  } else if (!isHttpUrl(externalApiBaseUrl)) {
    problems.push(`externalApiBaseUrl is not an http(s) URL: ${externalApiBaseUrl}`);
  }
  const alarmEmail = get('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    problems.push(`alarmEmail is not an e-mail address: ${alarmEmail}`);
  }
  const domainPrefix = get('authDomainPrefix');
  if (domainPrefix !== undefined && !DOMAIN_PREFIX.test(domainPrefix)) {
    problems.push(
      `authDomainPrefix must be lowercase letters, digits and inner hyphens (Cognito's rule): ${domainPrefix}`,
    );
  }
  for (const key of POSITIVE_INTEGERS) {
    const value = get(key);
    if (value !== undefined && !/^[1-9][0-9]*$/.test(value)) {
      problems.push(`${key} must be a positive whole number: ${value}`);
    }
  }
  for (const key of URL_LISTS) {
    const bad = (get(key) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '' && !isHttpUrl(item));
    if (bad.length > 0) problems.push(`${key} holds what is not an http(s) URL: ${bad.join(', ')}`);
  }
  if ((get('adminAppDomainName') === undefined) !== (get('adminAppCertificateArn') === undefined)) {
    problems.push('adminAppDomainName and adminAppCertificateArn go together: give both or neither');
  }

  if (problems.length > 0) throw new InvalidContextError(problems);
  return { externalApiBaseUrl: externalApiBaseUrl ?? '', alarmEmail };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
