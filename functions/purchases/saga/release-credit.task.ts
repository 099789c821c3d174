import * as z from 'zod';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { releaseCredit } from './release-credit.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/** Compensation of Reserve: gives the hold back (a no-op when nothing is held). */
export const handler = sagaTask(z.object({ purchaseId: z.string() }), (input) =>
  releaseCredit(deps, input.purchaseId),
);
