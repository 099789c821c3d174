import type { Runtime } from '#shared/runtime.ts';
import { DynamoPurchaseRepository } from './purchase.repository.ts';

export function purchaseRepository(runtime: Runtime): DynamoPurchaseRepository {
  return new DynamoPurchaseRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}
