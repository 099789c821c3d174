/** The API's types, inferred from the service's own schemas: never a copy kept by hand. */
import type {
  CreditChangeRequest,
  CreditChangeResponse as ServiceCreditChangeResponse,
  CreditTransaction as ServiceCreditTransaction,
} from '../../functions/credit/credit.schemas.ts';
import type { CustomerView as ServiceCustomerView } from '../../functions/customers/customer.schemas.ts';
import type { LotCategory } from '../../functions/ledger/lots.ts';
import type { RefundResponse as ServiceRefundResponse } from '../../functions/refunds/refund.schemas.ts';

export type { AuditEntityType, AuditRecord } from '../../functions/audit/audit.schemas.ts';
export type { CreditChangeRequest } from '../../functions/credit/credit.schemas.ts';
export type { LotCategory } from '../../functions/ledger/lots.ts';
export type {
  CreatePromoCodeRequest,
  PromoCodeView,
  UpdatePromoCodeRequest,
} from '../../functions/promo-codes/promo-code.schemas.ts';
export type { Purchase, Refund } from '../../functions/purchases/purchase.schemas.ts';
export type { RefundRequest } from '../../functions/refunds/refund.schemas.ts';
export type { Page } from '../../functions/shared/pagination.ts';

/*
 * Credit lots (issue 21), as the contract states them ("Lots" in purchase-api.md). The service's
 * schemas do not carry them yet, so the fields are added here, optional: the app reads an answer
 * from the service before lots (no `lots`, no `nextExpiry`) and after. Once credit.schemas.ts has
 * them, these become re-exports of its inferred types, and the fields it always sends stop being
 * optional.
 */

/** A lot of credit: one grant, or several of a category merged. `remainingCents` can be spent. */
export interface CreditLot {
  lotId: string;
  category: LotCategory;
  grantedCents: number;
  remainingCents: number;
  heldCents: number;
  expiresAt?: string;
  grantedAt: string;
  transactionId: string;
}

/** What one entry took from (or gave back to) one lot, as a positive amount. */
export interface LotAmount {
  lotId: string;
  amountCents: number;
}

export type Credit = ServiceCustomerView['credit'] & {
  /** The open lots, soonest-expiring first. Absent from a service without lots. */
  lots?: CreditLot[];
  /** The next lot to lapse; null when none will; absent from a service without lots. */
  nextExpiry?: { amountCents: number; expiresAt: string } | null;
};

export type CustomerView = Omit<ServiceCustomerView, 'credit'> & { credit: Credit };

export type CreditTransactionType = ServiceCreditTransaction['type'] | 'EXPIRY';

export type CreditTransaction = Omit<ServiceCreditTransaction, 'type' | 'lots'> & {
  type: CreditTransactionType;
  lots?: LotAmount[];
};

export type CreditChangeResponse = Omit<ServiceCreditChangeResponse, 'transaction' | 'credit'> & {
  transaction: CreditTransaction;
  credit: Credit;
};

/** A grant: a deduction's fields, and the lot's category (PAID when absent) and expiry. */
export type GrantCreditRequest = CreditChangeRequest & { category?: LotCategory; expiresAt?: string };

/**
 * A refund's answer. The service is to say where the credit went back, lot by lot, and how much of
 * it expired at once (its lot had lapsed); that shape is not final, so the app reads these fields
 * only when present and well-formed (refund-lots.ts).
 */
export type RefundResponse = ServiceRefundResponse & {
  refund: ServiceRefundResponse['refund'] & { lots?: unknown; expired?: unknown };
};

/** The contract's error body. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}
