import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { PurchaseSagaInputSchema } from '../purchase.schemas.ts';
import { quotePurchase } from './quote.ts';

const runtime = getRuntime();
const deps = { customers: runtime.externalApi, products: runtime.externalApi };

/** Saga step Quote: reads customer and product now, and prices the purchase. No side effect. */
export const handler = sagaTask(PurchaseSagaInputSchema, (input) => quotePurchase(deps, input));
