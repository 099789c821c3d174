import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * AWS only: answers the browser's CORS preflight (`OPTIONS`, which carries no token). API Gateway
 * answers preflights itself unless a route matches them, and the authorized `$default` route matches
 * every method; this route (`OPTIONS /{proxy+}`, no authorizer) takes them from it. API Gateway adds
 * the configured `Access-Control-*` headers (only for the admin app's origin) to this empty 204.
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({ statusCode: 204 });
