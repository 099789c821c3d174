import type { Runtime } from '#shared/runtime.ts';
import { DynamoPromoCodeRepository } from './promo-code.repository.ts';

export function promoCodeRepository(runtime: Runtime): DynamoPromoCodeRepository {
  return new DynamoPromoCodeRepository(runtime.documentClient, runtime.config.MAIN_TABLE_NAME);
}
