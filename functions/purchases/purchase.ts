import { AppError, NotFoundError } from '#shared/errors.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { domainErrorFrom, parseLambdaErrorReport, platformOverloadFrom } from '#shared/saga/task-errors.ts';
import {
  type CreatePurchaseRequest,
  type Purchase,
  type PurchaseSagaInput,
  PurchaseSchema,
} from './purchase.schemas.ts';
import type { PurchaseFilter, PurchaseRepository } from './reservation.ts';

/** How a saga execution ended, as StartSyncExecution reports it. */
export type SagaOutcome =
  | { status: 'SUCCEEDED'; output: string | undefined }
  | { status: 'FAILED'; error: string | undefined; cause: string | undefined }
  | { status: 'TIMED_OUT' };

/** The purchase saga (statemachines/purchase.asl.json), run to its end. */
export interface PurchaseSaga {
  run(input: PurchaseSagaInput): Promise<SagaOutcome>;
}

export interface PurchaseDeps {
  saga: PurchaseSaga;
  purchases: Pick<PurchaseRepository, 'getPurchase' | 'listPurchases'>;
  newId: IdGenerator;
}

/** The name of the state machine's Fail state after a shipment failure was compensated. */
const SHIPMENT_FAILED_STATE_ERROR = 'ShipmentFailed';
const NOTHING_TAKEN = 'No purchase was saved and no credit was taken.';

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
  if (request.promoCode !== undefined) {
    throw new AppError('PROMO_CODE_INVALID', 'Promo codes cannot be used yet.', {
      promoCode: request.promoCode,
      reason: 'NOT_AVAILABLE',
    });
  }
  const purchaseId = deps.newId();
  const outcome = await deps.saga.run({
    purchaseId,
    customerId: request.customerId,
    productId: request.productId,
    quantity: request.quantity,
    actor: context.actor,
    ...(context.operationId === undefined ? {} : { operationId: context.operationId }),
  });

  switch (outcome.status) {
    case 'SUCCEEDED':
      return PurchaseSchema.parse(JSON.parse(outcome.output ?? 'null'));
    case 'TIMED_OUT':
      throw new AppError(
        'UPSTREAM_TIMEOUT',
        'The purchase did not finish in time. Credit it held is given back automatically unless its shipment went out; look the purchase up by its id.',
        { purchaseId },
      );
    case 'FAILED':
      return failed(deps, purchaseId, outcome);
  }
}

async function failed(
  deps: PurchaseDeps,
  purchaseId: string,
  outcome: { error: string | undefined; cause: string | undefined },
): Promise<Purchase> {
  const report = parseLambdaErrorReport(outcome.cause);
  const domainError = domainErrorFrom(report);

  if (outcome.error === SHIPMENT_FAILED_STATE_ERROR) {
    if (domainError?.code === 'UPSTREAM_TIMEOUT') {
      throw new AppError('UPSTREAM_TIMEOUT', `CreateShipment did not answer in time. ${NOTHING_TAKEN}`, {
        operation: 'CreateShipment',
        purchaseId,
      });
    }
    const reason =
      domainError && !Array.isArray(domainError.details) ? domainError.details.reason : undefined;
    throw new AppError('SHIPMENT_FAILED', `The shipment could not be created. ${NOTHING_TAKEN}`, {
      purchaseId,
      ...(typeof reason === 'string' ? { reason } : {}),
    });
  }

  if (report?.errorType === 'DuplicatePurchaseError' && domainError && !Array.isArray(domainError.details)) {
    // The Idempotency-Key already bought something: its purchase is the answer once it exists.
    const existing = await deps.purchases.getPurchase(String(domainError.details.purchaseId));
    if (existing) return existing;
  }
  if (domainError) throw domainError;
  throw (
    platformOverloadFrom(outcome.error) ??
    new Error(`purchase saga ${purchaseId} failed with ${outcome.error ?? 'no error name'}`)
  );
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
