import { z } from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { commitPurchase } from './commit-purchase.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/** Saga step Commit: the hold becomes a spend, and the purchase is saved. Its output is the purchase. */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), (input) =>
  commitPurchase(deps, input.purchaseId),
);
