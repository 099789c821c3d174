import type { Clock } from '#shared/clock.ts';
import { AppError, ConflictError } from '#shared/errors.ts';
import type { ShipmentService } from '#shared/external/external-api.client.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import type { CreditTransaction } from '../credit/credit.schemas.ts';
import { applyChange, type CreditAccount, type RetryPolicy, StaleAccountError } from '../credit/credit.ts';
import type { Purchase, PurchaseSagaInput, Quote } from './purchase.schemas.ts';

/**
 * The credit a purchase holds while its saga runs, and how far the saga got:
 *
 *   PENDING ──▶ SHIPPING ──▶ SHIPPED ──▶ COMMITTED
 *      │           │
 *      └───────────┴──▶ RELEASED
 *
 * SHIPPING is written before CreateShipment is called and SHIPPED (with the shipment id) right
 * after it answers. A reservation that reached SHIPPED is never released: its goods are on the way.
 */
export type ReservationStatus = 'PENDING' | 'SHIPPING' | 'SHIPPED' | 'COMMITTED' | 'RELEASED';

export interface Reservation {
  purchaseId: string;
  customerId: string;
  productId: string;
  quote: Quote;
  totalCents: number;
  status: ReservationStatus;
  actor: string;
  operationId?: string | undefined;
  shipmentId?: string | undefined;
  createdAt: string;
  updatedAt: string;
}

export interface PurchaseCommit {
  reservation: Reservation;
  /** The account as read; the commit happens only if it is still exactly this. */
  before: CreditAccount;
  after: CreditAccount;
  transaction: CreditTransaction;
  purchase: Purchase;
}

export interface PurchaseFilter {
  customerId?: string | undefined;
  productId?: string | undefined;
}

/** The request's Idempotency-Key already made a purchase (it may still be running). */
export class DuplicatePurchaseError extends AppError {
  override readonly name = 'DuplicatePurchaseError';
  constructor(readonly purchaseId: string) {
    super('REQUEST_IN_PROGRESS', 'A purchase with this Idempotency-Key is still running; retry later.', {
      purchaseId,
    });
  }
}

/** The reservation was released or committed before this step ran; the step must not go on. */
export class ReservationClosedError extends Error {
  override readonly name = 'ReservationClosedError';
}

/** The reservation is not in the state a write expected: read it again and decide again. */
export class ReservationChangedError extends Error {
  override readonly name = 'ReservationChangedError';
}

export interface PurchaseRepository {
  /**
   * Holds the quote's total in one conditional write: available drops and held rises only if
   * available covers the total; the reservation is created only if it does not exist.
   * @returns 'already-reserved' when this purchase holds its credit already (a retried step)
   * @throws InsufficientCreditError, DuplicatePurchaseError
   * @throws StaleAccountError on a transaction conflict (retry)
   */
  reserve(reservation: Reservation): Promise<'reserved' | 'already-reserved'>;
  getReservation(purchaseId: string): Promise<Reservation | undefined>;
  /** PENDING or SHIPPING → SHIPPING. @throws ReservationChangedError when it is in neither */
  markShipping(purchaseId: string, at: string): Promise<void>;
  /** SHIPPING → SHIPPED with the shipment id. @throws ReservationChangedError otherwise */
  markShipped(purchaseId: string, shipmentId: string, at: string): Promise<void>;
  /**
   * Turns the hold into a spend: account, PURCHASE ledger entry, reservation COMMITTED and the
   * purchase, in one transaction.
   * @throws StaleAccountError when the account moved on since it was read
   * @throws ReservationChangedError when the reservation is no longer SHIPPED
   */
  commit(write: PurchaseCommit): Promise<void>;
  /**
   * Gives the hold back and marks the reservation RELEASED, conditional on it still being in the
   * status it was read in. @throws ReservationChangedError when it is not
   */
  release(reservation: Reservation, at: string, actor: string): Promise<void>;
  getPurchase(purchaseId: string): Promise<Purchase | undefined>;
  listPurchases(filter: PurchaseFilter, page: PageRequest): Promise<Page<Purchase>>;
  /** Reservations not yet committed or released, created before `createdBefore`, oldest first. */
  listOpenReservations(createdBefore: string, limit: number): Promise<Reservation[]>;
}

export interface AccountReader {
  getAccount(customerId: string): Promise<CreditAccount | undefined>;
}

type LogFn = (message: string, fields: Record<string, unknown>) => void;

export interface SagaStepDeps {
  purchases: PurchaseRepository;
  accounts: AccountReader;
  shipments: ShipmentService;
  clock: Clock;
  newId: IdGenerator;
  retry: RetryPolicy;
  logger: { warn: LogFn; error: LogFn };
}

/**
 * Saga step Reserve. Idempotent: a retried step finds its reservation and holds nothing more.
 * @throws InsufficientCreditError, DuplicatePurchaseError
 * @throws ConflictError when contention outlasts the retry budget (DynamoDB's transaction conflicts)
 */
export async function reserveCredit(
  deps: Pick<SagaStepDeps, 'purchases' | 'clock' | 'retry'>,
  input: PurchaseSagaInput & { quote: Quote },
): Promise<{ reserved: true }> {
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt++) {
    if (attempt > 1) await deps.retry.wait(attempt);
    try {
      await reserveOnce(deps, input);
      return { reserved: true };
    } catch (error) {
      if (!(error instanceof StaleAccountError)) throw error;
    }
  }
  throw new ConflictError('The balance kept changing under concurrent updates; retry the purchase.');
}

async function reserveOnce(
  deps: Pick<SagaStepDeps, 'purchases' | 'clock'>,
  input: PurchaseSagaInput & { quote: Quote },
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.purchases.reserve({
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    productId: input.productId,
    quote: input.quote,
    totalCents: input.quote.totalCents,
    status: 'PENDING',
    actor: input.actor,
    operationId: input.operationId,
    createdAt: now,
    updatedAt: now,
  });
}

/** The idempotency key CreateShipment gets: derived from the purchase, so a retry is the same call. */
export const shipmentIdempotencyKey = (purchaseId: string): string => `purchase-${purchaseId}`;

/**
 * Saga step CreateShipment: records that the call is about to happen, calls, and records the
 * shipment. A retried step after SHIPPED returns the recorded shipment without calling again.
 *
 * @throws ReservationClosedError when the reservation was released meanwhile (nothing is shipped)
 * @throws UpstreamError, UpstreamUnavailableError, UpstreamTimeoutError from CreateShipment
 */
export async function shipPurchase(
  deps: Pick<SagaStepDeps, 'purchases' | 'shipments' | 'clock'>,
  purchaseId: string,
): Promise<{ shipmentId: string }> {
  const reservation = await deps.purchases.getReservation(purchaseId);
  if (!reservation) throw new ReservationClosedError(`purchase ${purchaseId} holds no credit`);
  if (reservation.shipmentId !== undefined) return { shipmentId: reservation.shipmentId };
  try {
    await deps.purchases.markShipping(purchaseId, deps.clock.now().toISOString());
  } catch (error) {
    if (error instanceof ReservationChangedError) {
      throw new ReservationClosedError(`purchase ${purchaseId} no longer holds its credit`, { cause: error });
    }
    throw error;
  }
  const { quote } = reservation;
  const shipment = await deps.shipments.createShipment(
    {
      shippingAddress: quote.customer.shippingAddress,
      products: [{ sku: quote.product.sku, quantity: quote.quantity }],
    },
    shipmentIdempotencyKey(purchaseId),
  );
  await deps.purchases.markShipped(purchaseId, shipment.id, deps.clock.now().toISOString());
  return { shipmentId: shipment.id };
}

/**
 * Saga step Commit (also the sweeper's roll-forward): the hold becomes a spend, the purchase and
 * its PURCHASE ledger entry are written, all at once. Idempotent: a committed reservation returns
 * its purchase.
 *
 * @throws ReservationClosedError when the reservation never shipped or was released
 * @throws ConflictError when contention on the account outlasts the retry budget
 */
export async function commitPurchase(
  deps: Pick<SagaStepDeps, 'purchases' | 'accounts' | 'clock' | 'newId' | 'retry'>,
  purchaseId: string,
): Promise<Purchase> {
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt++) {
    if (attempt > 1) await deps.retry.wait(attempt);
    const reservation = await deps.purchases.getReservation(purchaseId);
    if (reservation?.status === 'COMMITTED') {
      const purchase = await deps.purchases.getPurchase(purchaseId);
      if (purchase) return purchase;
    }
    if (reservation?.status !== 'SHIPPED' || reservation.shipmentId === undefined) {
      throw new ReservationClosedError(
        `purchase ${purchaseId} cannot be committed from ${reservation?.status ?? 'no reservation'}`,
      );
    }
    const before = await deps.accounts.getAccount(reservation.customerId);
    if (!before || before.heldCents < reservation.totalCents) {
      // The reservation holds this much; an account that does not is a broken invariant, not a race.
      throw new Error(`account of ${reservation.customerId} does not hold purchase ${purchaseId}`);
    }

    const now = deps.clock.now().toISOString();
    const { quote } = reservation;
    const { after, transaction } = applyChange(
      before,
      {
        customerId: reservation.customerId,
        type: 'PURCHASE',
        availableDeltaCents: 0,
        heldDeltaCents: -reservation.totalCents,
        reason: `Purchase of ${quote.quantity} × ${quote.product.name}`,
        actor: reservation.actor,
        purchaseId,
      },
      { id: deps.newId(), now },
    );
    const purchase: Purchase = {
      id: purchaseId,
      customerId: reservation.customerId,
      productId: reservation.productId,
      sku: quote.product.sku,
      quantity: quote.quantity,
      unitPriceCents: quote.unitPriceCents,
      subtotalCents: quote.subtotalCents,
      discountCents: quote.discountCents,
      totalCents: quote.totalCents,
      refundedCents: 0,
      refundableCents: quote.totalCents,
      status: 'COMPLETED',
      shipmentId: reservation.shipmentId,
      product: quote.product,
      customer: quote.customer,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await deps.purchases.commit({ reservation, before, after, transaction, purchase });
      return purchase;
    } catch (error) {
      if (!(error instanceof StaleAccountError || error instanceof ReservationChangedError)) throw error;
    }
  }
  throw new ConflictError('The balance kept changing under concurrent updates; the commit will be retried.');
}

/**
 * Compensation of Reserve: gives the hold back. Releasing twice, or releasing a purchase that never
 * reserved, changes nothing. The saga releases PENDING and SHIPPING (it knows the call failed); the
 * sweeper only PENDING (it cannot know).
 * @throws ReservationClosedError when the reservation is in a status it may not release from
 */
export async function releaseCredit(
  deps: Pick<SagaStepDeps, 'purchases' | 'clock' | 'retry'>,
  purchaseId: string,
  options: { releasable?: readonly ReservationStatus[]; actor?: string } = {},
): Promise<{ released: boolean }> {
  const releasable = options.releasable ?? ['PENDING', 'SHIPPING'];
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt++) {
    if (attempt > 1) await deps.retry.wait(attempt);
    const reservation = await deps.purchases.getReservation(purchaseId);
    if (!reservation || reservation.status === 'RELEASED') return { released: false };
    if (!releasable.includes(reservation.status)) {
      throw new ReservationClosedError(
        `purchase ${purchaseId} is ${reservation.status}; it cannot be released`,
      );
    }
    try {
      await deps.purchases.release(
        reservation,
        deps.clock.now().toISOString(),
        options.actor ?? reservation.actor,
      );
      return { released: true };
    } catch (error) {
      if (!(error instanceof ReservationChangedError)) throw error;
    }
  }
  throw new ConflictError(`the reservation of purchase ${purchaseId} kept changing`);
}

/** Who the audit names for the changes the sweeper makes. */
export const SWEEPER_ACTOR = 'reservation-sweeper';

export interface SweepResult {
  released: string[];
  committed: string[];
  /** Died while CreateShipment was in flight: whether goods went out is unknown (see DESIGN.md). */
  needsReview: string[];
}

/**
 * Finishes reservations whose saga died (process killed, execution timed out): older than
 * `maxAgeMs`, which must exceed the state machine's timeout so that no live saga is touched.
 * PENDING never reached CreateShipment: released. SHIPPED has its shipment: rolled forward to a
 * purchase. SHIPPING died during the call: left held and reported, never guessed.
 */
export async function sweepReservations(
  deps: SagaStepDeps,
  options: { maxAgeMs: number; limit: number },
): Promise<SweepResult> {
  const cutoff = new Date(deps.clock.now().getTime() - options.maxAgeMs).toISOString();
  const result: SweepResult = { released: [], committed: [], needsReview: [] };
  for (const reservation of await deps.purchases.listOpenReservations(cutoff, options.limit)) {
    const { purchaseId } = reservation;
    try {
      switch (reservation.status) {
        case 'PENDING':
          await releaseCredit(deps, purchaseId, { releasable: ['PENDING'], actor: SWEEPER_ACTOR });
          result.released.push(purchaseId);
          break;
        case 'SHIPPED':
          await commitPurchase(deps, purchaseId);
          result.committed.push(purchaseId);
          break;
        case 'SHIPPING':
          result.needsReview.push(purchaseId);
          deps.logger.error('reservation needs review: its saga died during CreateShipment', {
            purchaseId,
            customerId: reservation.customerId,
            totalCents: reservation.totalCents,
            shipmentIdempotencyKey: shipmentIdempotencyKey(purchaseId),
          });
          break;
        default:
          break;
      }
    } catch (error) {
      // One reservation that cannot be finished must not stop the others; the next run retries it.
      deps.logger.warn('reservation not swept', { purchaseId, error: error as Error });
    }
  }
  return result;
}
