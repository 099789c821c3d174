import type { Clock } from '#shared/clock.ts';
import type { ShipmentService } from '#shared/external/external-api.client.ts';
import type { IdGenerator } from '#shared/ids.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import type { RetryPolicy } from '#shared/retry.ts';
import type { AccountReader, AccountWrite } from '../../ledger/account.ts';
import type { Purchase } from '../purchase.schemas.ts';
import type { Reservation, ReviewReason } from './reservation.ts';

/** What Commit writes: the ledger change that turns the hold into a spend, and the purchase. */
export interface PurchaseCommit {
  spend: AccountWrite;
  reservation: Reservation;
  purchase: Purchase;
}

/** The saga's storage: reservations, and the commit that turns one into a purchase. */
export interface ReservationRepository {
  /**
   * Writes the hold the ledger computed (`hold`: the account as read, its lots holding the
   * reservation's draws) and claims a redemption of the quote's promo code (`promo` gives the code's
   * per-customer limit, and whether it has a limit at all), in one transaction; the reservation is
   * created only if it does not exist.
   * @returns 'already-reserved' when this purchase holds its credit already (a retried step)
   * @throws DuplicatePurchaseError when the Idempotency-Key made another purchase
   * @throws PromoCodeInvalidError when the code ran out (or out for this customer) or closed meanwhile
   * @throws StaleAccountError when a drawn lot moved or no longer holds enough (read again and retry)
   */
  reserve(
    reservation: Reservation,
    hold: AccountWrite,
    promo?: { maxPerCustomer?: number | undefined; limited?: boolean | undefined },
  ): Promise<'reserved' | 'already-reserved'>;
  /** The purchase an Idempotency-Key already made for this customer, if any. */
  purchaseOfOperation(customerId: string, operationId: string): Promise<string | undefined>;
  /**
   * The items this purchase's saga and its answer would write that DynamoDB could not store (over
   * its item limit), by name: the reservation, the purchase, the idempotency record, their audit
   * records. Asked before anything is held, with the purchase Commit would write.
   */
  unstorable(reservation: Reservation, purchase: Purchase): string[];
  getReservation(purchaseId: string): Promise<Reservation | undefined>;
  /**
   * PENDING or SHIPPING → SHIPPING, answering with the reservation as it now is (no read first).
   * @throws ReservationChangedError when it is in neither (or there is none)
   */
  markShipping(purchaseId: string, at: string): Promise<Reservation>;
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
   * Gives the hold back (the ledger's release of the reservation's draws) and marks the reservation
   * RELEASED, conditional on it still being in the status it was read in.
   * @throws ReservationChangedError when it is not
   * @throws StaleAccountError when the account moved on since it was read
   */
  release(reservation: Reservation, release: AccountWrite, at: string, actor: string): Promise<void>;
  /** Reservations not yet committed or released, created before `createdBefore`, oldest first. */
  listOpenReservations(createdBefore: string, page: PageRequest): Promise<Page<Reservation>>;
  /**
   * Takes an open reservation out of the saga's and the sweep's way into the review list; it stays
   * held, in its status, with the reason and what failed.
   * @throws ReservationChangedError when it is no longer in status `from`
   */
  markAwaitingReview(
    purchaseId: string,
    review: { from: 'SHIPPING' | 'SHIPPED'; reason: ReviewReason; note?: string; at: string; actor: string },
  ): Promise<Reservation>;
  /** The reservations that wait for a person, oldest first. */
  listAwaitingReview(page: PageRequest): Promise<Page<Reservation>>;
  /** The purchase a committed reservation became. */
  getPurchase(purchaseId: string): Promise<Purchase | undefined>;
}

type LogFn = (message: string, fields: Record<string, unknown>) => void;

export interface SagaStepDeps {
  reservations: ReservationRepository;
  accounts: AccountReader;
  shipments: ShipmentService;
  clock: Clock;
  newId: IdGenerator;
  retry: RetryPolicy;
  logger: { warn: LogFn; error: LogFn };
}
