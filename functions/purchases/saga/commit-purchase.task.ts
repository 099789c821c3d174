import * as z from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { commitPurchase } from './commit-purchase.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/**
 * Saga step Commit: the hold becomes a spend, and the purchase is saved. Its output is the purchase id
 * only: with its snapshots a purchase may exceed the 256 KiB Step Functions allows a state.
 */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), async (input) => {
  const purchase = await commitPurchase(deps, input.purchaseId);
  return { purchaseId: purchase.id };
});
