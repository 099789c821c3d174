/** The API's types, inferred from the service's own schemas: never a copy kept by hand. */
export type { AuditEntityType, AuditRecord } from '../../functions/audit/audit.schemas.ts';
export type {
  CreditChangeRequest,
  CreditChangeResponse,
  CreditTransaction,
} from '../../functions/credit/credit.schemas.ts';
export type {
  CustomerSearchHit,
  CustomerSearchMatch,
  CustomerView,
} from '../../functions/customers/customer.schemas.ts';
export type {
  CreatePromoCodeRequest,
  PromoCodeView,
  UpdatePromoCodeRequest,
} from '../../functions/promo-codes/promo-code.schemas.ts';
export type { Purchase, Refund } from '../../functions/purchases/purchase.schemas.ts';
export type { RefundRequest, RefundResponse } from '../../functions/refunds/refund.schemas.ts';
export type { Page } from '../../functions/shared/pagination.ts';

/** The contract's error body. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}
