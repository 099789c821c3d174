import type { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import * as ledger from '../../functions/ledger/account.ts';
import { creditView, emptyAccount } from '../../functions/ledger/account.ts';
import { StaleAccountError } from '../../functions/ledger/errors.ts';
import type { LotCategory } from '../../functions/ledger/lots.ts';
import type { DynamoReservationRepository } from '../../functions/purchases/saga/reservation.repository.ts';
import type { Reservation } from '../../functions/purchases/saga/reservation.ts';

/**
 * For repository tests that drive the stores without the saga: the ledger's own changes, read and
 * written as the saga steps and the credit routes do (read the account, let the ledger decide, write
 * conditional on it; read again when another writer got there first).
 */

let ids = 0;
const newId = (): string => `test-${Date.now()}-${++ids}`;

async function untilWritten<T>(attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleAccountError)) throw error;
    }
  }
}

/** Grants `cents` to the customer as a lot (PAID and never expiring unless told). */
export function grantDirectly(
  credit: DynamoCreditRepository,
  customerId: string,
  cents: number,
  lot: { category?: LotCategory; expiresAt?: string; now?: string } = {},
): Promise<void> {
  return untilWritten(async () => {
    const before = (await credit.getAccount(customerId)) ?? emptyAccount(customerId);
    const now = lot.now ?? new Date().toISOString();
    const { write, transaction } = ledger.grant(
      before,
      {
        amountCents: cents,
        category: lot.category ?? 'PAID',
        expiresAt: lot.expiresAt,
        reason: 'test',
        actor: 'test',
      },
      { now, newId },
    );
    await credit.appendEntry({ write, answer: { transaction, credit: creditView(write.after, now) } });
  });
}

/** Reserve's write: the reservation holds its total from the customer's lots (the draws are set here). */
export function reserveDirectly(
  reservations: DynamoReservationRepository,
  credit: DynamoCreditRepository,
  reservation: Omit<Reservation, 'lotDraws'>,
  promo?: { maxPerCustomer?: number | undefined; limited?: boolean | undefined },
): Promise<'reserved' | 'already-reserved'> {
  return untilWritten(async () => {
    const before = (await credit.getAccount(reservation.customerId)) ?? emptyAccount(reservation.customerId);
    const { write, draws } = ledger.hold(before, reservation.totalCents, { now: reservation.createdAt });
    return reservations.reserve({ ...reservation, lotDraws: draws }, write, promo);
  });
}

/** Release's write: the hold goes back to its lots and the reservation is RELEASED. */
export function releaseDirectly(
  reservations: DynamoReservationRepository,
  credit: DynamoCreditRepository,
  reservation: Reservation,
  at?: string,
): Promise<void> {
  return untilWritten(async () => {
    const now = at ?? new Date().toISOString();
    const before = (await credit.getAccount(reservation.customerId)) ?? emptyAccount(reservation.customerId);
    const release = ledger.release(before, reservation.lotDraws, reservation, { now, newId });
    await reservations.release(reservation, release, now, 'test');
  });
}
