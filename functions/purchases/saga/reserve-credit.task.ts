import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { PurchaseSagaInputSchema, QuoteSchema } from '../purchase.schemas.ts';
import { reserveCredit } from './reserve-credit.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/** Saga step Reserve: holds the quoted total. Compensation: release-credit.task.ts. */
export const handler = sagaTask(PurchaseSagaInputSchema.extend({ quote: QuoteSchema }), (input) =>
  reserveCredit(deps, input),
);
