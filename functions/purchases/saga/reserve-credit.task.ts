import { getRuntime, requireExternalApi } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { promoCodeRepository } from '../../promo-codes/promo-code.deps.ts';
import { PurchaseSagaInputSchema } from '../purchase.schemas.ts';
import { reserveCredit } from './reserve-credit.ts';
import { sagaStepDeps } from './saga.deps.ts';

const runtime = getRuntime();
const externalApi = requireExternalApi(runtime);
const deps = {
  ...sagaStepDeps(runtime),
  customers: externalApi,
  products: externalApi,
  promoCodes: promoCodeRepository(runtime),
};

/** Saga step Reserve: quotes, then holds the quoted total. Compensation: release-credit.task.ts. */
export const handler = sagaTask(PurchaseSagaInputSchema, (input) => reserveCredit(deps, input));
