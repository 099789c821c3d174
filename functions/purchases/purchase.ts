import { AppError, NotFoundError } from '#shared/errors.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import {
  type CreatePurchaseRequest,
  type Purchase,
  type PurchaseSagaInput,
  PurchaseSchema,
} from './purchase.schemas.ts';

/** How a saga execution ended, decoded by the saga's adapter. */
export type SagaOutcome =
  | { kind: 'purchased'; purchaseId: string; purchase?: Purchase }
  /** A rule or a dependency said no before anything shipped (nothing is held any more). */
  | { kind: 'refused'; error: AppError }
  /** CreateShipment failed and the hold was given back. */
  | { kind: 'shipment-failed'; timedOut: boolean; reason?: string | undefined }
  /** The request's Idempotency-Key already made this purchase (it may still be running). */
  | { kind: 'duplicate'; purchaseId: string }
  /** The execution outlived its timeout; the sweeper finishes what it left. */
  | { kind: 'timed-out' };

/** The purchase saga (statemachines/purchase.asl.json), run to its end. */
export interface PurchaseSaga {
  /** @throws Error when the execution ended in a way the saga never reports (a bug) */
  run(input: PurchaseSagaInput): Promise<SagaOutcome>;
}

export interface PurchaseFilter {
  customerId?: string | undefined;
  productId?: string | undefined;
}

export interface PurchaseReader {
  getPurchase(purchaseId: string): Promise<Purchase | undefined>;
  listPurchases(filter: PurchaseFilter, page: PageRequest): Promise<Page<Purchase>>;
}

export interface PurchaseDeps {
  saga: PurchaseSaga;
  purchases: PurchaseReader;
  newId: IdGenerator;
}

const NOTHING_TAKEN = 'No purchase was saved and no credit was taken.';

/**
 * The purchase exactly as its first answer gave it, when it was committed: a replay answers this,
 * not the purchase as refunds have changed it since.
 */
export function purchaseAsCommitted(purchase: Purchase): Purchase {
  const { refunds: _refunds, ...stored } = purchase;
  return PurchaseSchema.parse({
    ...stored,
    refundedCents: 0,
    refundableCents: purchase.totalCents,
    status: 'COMPLETED',
    updatedAt: purchase.createdAt,
  });
}

/**
 * Buys a product: runs the saga (quote, reserve, ship, commit; release on a shipment failure) and
 * turns how it ended into the purchase or the contract's error.
 *
 * @throws NotFoundError, InsufficientCreditError, AppError SHIPMENT_FAILED / UPSTREAM_ERROR /
 *   UPSTREAM_TIMEOUT / PROMO_CODE_INVALID / REQUEST_IN_PROGRESS / SERVICE_UNAVAILABLE
 */
export async function createPurchase(
  deps: PurchaseDeps,
  request: CreatePurchaseRequest,
  context: { actor: string; operationId?: string | undefined },
): Promise<Purchase> {
  const purchaseId = deps.newId();
  const outcome = await deps.saga.run({
    purchaseId,
    customerId: request.customerId,
    productId: request.productId,
    quantity: request.quantity,
    ...(request.promoCode === undefined ? {} : { promoCode: request.promoCode }),
    actor: context.actor,
    ...(context.operationId === undefined ? {} : { operationId: context.operationId }),
  });

  switch (outcome.kind) {
    case 'purchased': {
      const purchase = outcome.purchase ?? (await deps.purchases.getPurchase(outcome.purchaseId));
      if (!purchase) throw new Error(`purchase ${outcome.purchaseId} committed but not found`);
      return purchaseAsCommitted(purchase);
    }
    case 'refused':
      throw outcome.error;
    case 'shipment-failed':
      if (outcome.timedOut) {
        throw new AppError('UPSTREAM_TIMEOUT', `CreateShipment did not answer in time. ${NOTHING_TAKEN}`, {
          operation: 'CreateShipment',
          purchaseId,
        });
      }
      throw new AppError('SHIPMENT_FAILED', `The shipment could not be created. ${NOTHING_TAKEN}`, {
        purchaseId,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      });
    case 'duplicate': {
      // The Idempotency-Key already bought something: its first answer, once it exists.
      const existing = await deps.purchases.getPurchase(outcome.purchaseId);
      if (existing) return purchaseAsCommitted(existing);
      throw new AppError(
        'REQUEST_IN_PROGRESS',
        'A purchase with this Idempotency-Key is still running; retry later.',
        {
          purchaseId: outcome.purchaseId,
        },
      );
    }
    case 'timed-out':
      throw new AppError(
        'UPSTREAM_TIMEOUT',
        'The purchase did not finish in time. Credit it held is given back automatically unless its shipment went out; look the purchase up by its id.',
        { purchaseId },
      );
  }
}

/** @throws NotFoundError PURCHASE_NOT_FOUND */
export async function getPurchase(
  deps: Pick<PurchaseDeps, 'purchases'>,
  purchaseId: string,
): Promise<Purchase> {
  const purchase = await deps.purchases.getPurchase(purchaseId);
  if (!purchase) throw new NotFoundError('PURCHASE_NOT_FOUND', 'No purchase has this id.', { purchaseId });
  return purchase;
}

export function listPurchases(
  deps: Pick<PurchaseDeps, 'purchases'>,
  filter: PurchaseFilter,
  page: PageRequest,
): Promise<Page<Purchase>> {
  return deps.purchases.listPurchases(filter, page);
}
