import * as z from 'zod';
import { getRuntime, requireExternalApi } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { sagaStepDeps } from './saga.deps.ts';
import { shipPurchase } from './ship-purchase.ts';

const runtime = getRuntime();
const deps = { ...sagaStepDeps(runtime), shipments: requireExternalApi(runtime) };

/** Saga step CreateShipment: ships what the reservation holds, to the quoted address. */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), (input) =>
  shipPurchase(deps, input.purchaseId),
);
