import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { auditRepository } from './audit.deps.ts';
import { ListAuditQuerySchema } from './audit.schemas.ts';
import { listAudit } from './audit.ts';

const runtime = getRuntime();
const deps = { audit: auditRepository(runtime) };

export const handler = httpRoute(
  { query: ListAuditQuerySchema, operationId: 'ListAudit', verifier: runtime.tokenVerifier },
  async ({ query: { entityType, entityId, ...page } }) => ({
    statusCode: 200,
    body: await listAudit(deps, { entityType, entityId }, page),
  }),
);
