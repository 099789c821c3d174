import { z } from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { sagaStepDeps } from './saga.deps.ts';
import { shipPurchase } from './ship-purchase.ts';

const deps = sagaStepDeps(getRuntime());

/** Saga step CreateShipment: ships what the reservation holds, to the quoted address. */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), (input) =>
  shipPurchase(deps, input.purchaseId),
);
