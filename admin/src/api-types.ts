/** The API's types, inferred from the service's own schemas: never a copy kept by hand. */
import type { CreditTransaction } from '../../functions/credit/credit.schemas.ts';

export type { AuditEntityType, AuditRecord } from '../../functions/audit/audit.schemas.ts';
export type {
  Credit,
  CreditChangeRequest,
  CreditChangeResponse,
  CreditLotView as CreditLot,
  CreditTransaction,
  GrantCreditRequest,
  LotAmount,
} from '../../functions/credit/credit.schemas.ts';
export type {
  CustomerSearchHit,
  CustomerSearchMatch,
  CustomerView,
} from '../../functions/customers/customer.schemas.ts';
export type { LotCategory } from '../../functions/ledger/lots.ts';
export type {
  CreatePromoCodeRequest,
  PromoCodeView,
  UpdatePromoCodeRequest,
} from '../../functions/promo-codes/promo-code.schemas.ts';
export type { Purchase, Refund } from '../../functions/purchases/purchase.schemas.ts';
export type { RefundRequest, RefundResponse } from '../../functions/refunds/refund.schemas.ts';
export type { Page } from '../../functions/shared/pagination.ts';

export type CreditTransactionType = CreditTransaction['type'];

/** The contract's error body. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}
