import { SFNClient } from '@aws-sdk/client-sfn';
import { SERVICE_UNAVAILABLE_STEP, serviceUnavailableMiddleware } from '#shared/aws/service-unavailable.ts';
import { httpRoute } from '#shared/http/route.ts';
import { newId } from '#shared/ids.ts';
import { getRuntime } from '#shared/runtime.ts';
import { purchaseRepository } from './purchase.deps.ts';
import { CreatePurchaseRequestSchema } from './purchase.schemas.ts';
import { createPurchase } from './purchase.ts';
import { StepFunctionsPurchaseSaga } from './step-functions-saga.ts';

const runtime = getRuntime();
const { PURCHASE_STATE_MACHINE_ARN: stateMachineArn, STEPFUNCTIONS_ENDPOINT: endpoint } = runtime.config;
if (stateMachineArn === undefined) {
  throw new Error('invalid configuration: PURCHASE_STATE_MACHINE_ARN is required by the purchase function');
}
const sfn = new SFNClient({
  // One attempt: Express executions are not deduplicated by name, so an SDK retry of a call that
  // did reach Step Functions would run the saga twice. The client retries, with its Idempotency-Key.
  maxAttempts: 1,
  // The execution ends by its 25 s timeout; an answer later than that will not come.
  requestHandler: { requestTimeout: 26_000, throwOnRequestTimeout: true },
  ...(endpoint === undefined ? {} : { endpoint, disableHostPrefix: true }),
});
// A throttled StartSyncExecution started nothing: 503, and the client retries with its key.
sfn.middlewareStack.add(serviceUnavailableMiddleware('StepFunctions'), SERVICE_UNAVAILABLE_STEP);
const deps = {
  saga: new StepFunctionsPurchaseSaga(sfn, stateMachineArn),
  purchases: purchaseRepository(runtime),
  newId,
};

export const handler = httpRoute(
  {
    body: CreatePurchaseRequestSchema,
    operationId: 'CreatePurchase',
    verifier: runtime.tokenVerifier,
    idempotency: runtime.idempotencyStore,
  },
  async ({ body, actor, idempotency }) => ({
    statusCode: 201,
    body: await createPurchase(deps, body, { actor, operationId: idempotency?.operationId }),
  }),
);
