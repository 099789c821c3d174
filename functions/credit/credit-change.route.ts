import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { creditDeps } from './credit.deps.ts';
import { CreditChangeRequestSchema, CustomerPathSchema } from './credit.schemas.ts';
import { changeCredit } from './credit.ts';

/** Grants and deductions are the same route but for the direction of the change. */
export function creditChangeRoute(type: 'GRANT' | 'DEDUCTION'): ReturnType<typeof httpRoute> {
  const runtime = getRuntime();
  const deps = creditDeps(runtime);
  return httpRoute(
    {
      params: CustomerPathSchema,
      body: CreditChangeRequestSchema,
      operationId: type === 'GRANT' ? 'GrantCredit' : 'DeductCredit',
      verifier: runtime.tokenVerifier,
      idempotency: runtime.idempotencyStore,
    },
    async ({ params, body, actor, idempotency }) => ({
      statusCode: 201,
      body: await changeCredit(deps, {
        customerId: params.customerId,
        type,
        amountCents: body.amountCents,
        reason: body.reason,
        metadata: body.metadata,
        actor,
        operationId: idempotency?.operationId,
      }),
    }),
  );
}
