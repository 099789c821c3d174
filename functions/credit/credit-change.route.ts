import type * as z from 'zod';
import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';
import { creditDeps } from './credit.deps.ts';
import {
  CreditChangeRequestSchema,
  CustomerPathSchema,
  type GrantCreditRequest,
  GrantCreditRequestSchema,
} from './credit.schemas.ts';
import { changeCredit } from './credit.ts';

/** Grants and deductions are one route but for the direction and, for a grant, the lot it makes. */
function creditChangeRoute(
  type: 'GRANT' | 'DEDUCTION',
  // A deduction's body is a grant's without the lot's fields.
  bodySchema: z.ZodType<GrantCreditRequest>,
): ReturnType<typeof httpRoute> {
  const runtime = getRuntime();
  const deps = creditDeps(runtime);
  return httpRoute(
    {
      params: CustomerPathSchema,
      body: bodySchema,
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
        category: body.category,
        expiresAt: body.expiresAt,
        actor,
        operationId: idempotency?.operationId,
      }),
    }),
  );
}

export const grantCreditRoute = (): ReturnType<typeof httpRoute> =>
  creditChangeRoute('GRANT', GrantCreditRequestSchema);

export const deductCreditRoute = (): ReturnType<typeof httpRoute> =>
  creditChangeRoute('DEDUCTION', CreditChangeRequestSchema);
