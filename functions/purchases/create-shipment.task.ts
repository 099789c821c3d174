import { z } from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { sagaStepDeps } from './purchase.deps.ts';
import { shipPurchase } from './reservation.ts';

const deps = sagaStepDeps(getRuntime());

/** Saga step CreateShipment: ships what the reservation holds, to the quoted address. */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), (input) =>
  shipPurchase(deps, input.purchaseId),
);
