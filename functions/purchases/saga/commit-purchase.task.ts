import * as z from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { commitPurchase } from './commit-purchase.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/**
 * The most of its output the purchase may take: Step Functions allows a state 256 KiB, and the
 * output is the execution's. A larger purchase (its snapshots can be) goes out as its id only,
 * and the purchase function reads it.
 */
const MAX_PURCHASE_OUTPUT_BYTES = 200 * 1024;

/**
 * Saga step Commit: the hold becomes a spend, and the purchase is saved. Its output is the
 * purchase, so the caller's answer needs no read, unless the purchase is too large for a state.
 */
export const handler = sagaTask(
  z.object({ purchaseId: z.string(), customerId: z.string() }),
  async (input) => {
    const purchase = await commitPurchase(deps, input);
    const fits = Buffer.byteLength(JSON.stringify(purchase)) <= MAX_PURCHASE_OUTPUT_BYTES;
    return fits ? { purchaseId: purchase.id, purchase } : { purchaseId: purchase.id };
  },
);
