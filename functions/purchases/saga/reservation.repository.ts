import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getItems, MAIN_TABLE_KEY } from '#shared/db/get-items.ts';
import { MAX_ITEM_BYTES, storedItemSize } from '#shared/db/item-size.ts';
import { FIRST_VERSION, NEXT_VERSION, VERSION_NAMES, VERSION_VALUES } from '#shared/db/item-version.ts';
import {
  creditOperationKey,
  openReservationsPartition,
  openReservationsPartitions,
  PROMO_CODE_SHARDS,
  promoShardOf,
  reservationKey,
  reservationsAwaitingReviewPartition,
  reservationsAwaitingReviewPartitions,
} from '#shared/db/keys.ts';
import { pageOfShards } from '#shared/db/sharded-page.ts';
import {
  ConditionsFailedError,
  type NamedWrite,
  type TransactItem,
  writeAtomically,
} from '#shared/db/transactions.ts';
import { completedRecordSize } from '#shared/http/idempotency.store.ts';
import { decodeCursor, encodeCursor, matching, type Page, type PageRequest } from '#shared/pagination.ts';
import { creationRecordFits } from '../../audit/audit-items.ts';
import type { AccountWrite } from '../../ledger/account.ts';
import { StaleAccountError } from '../../ledger/errors.ts';
import {
  type AccountWriteName,
  accountWrites,
  holdWrites,
  lostRace,
  operationMarkerWrites,
  readOperationMarker,
} from '../../ledger/ledger-writes.ts';
import { lotDrawsFromItem } from '../../ledger/lot-draws.ts';
import { DynamoPromoCodeRepository } from '../../promo-codes/promo-code.repository.ts';
import { PromoCodeInvalidError, refusalNow } from '../../promo-codes/promo-code.ts';
import {
  claimRedemptionWrites,
  redeemWrite,
  releaseRedemptionWrites,
} from '../../promo-codes/promo-redemption-writes.ts';
import { DynamoPurchaseRepository, purchaseCreateWrite, purchaseItem } from '../purchase.repository.ts';
import { type Purchase, QuoteSchema } from '../purchase.schemas.ts';
import {
  DuplicatePurchaseError,
  MAX_REVIEW_NOTE_LENGTH,
  type Reservation,
  ReservationChangedError,
  type ReservationStatus,
  type ReviewReason,
} from './reservation.ts';
import type { PurchaseCommit, ReservationRepository } from './saga-ports.ts';

type Item = Record<string, unknown>;

export class DynamoReservationRepository implements ReservationRepository {
  private readonly purchases: DynamoPurchaseRepository;
  private readonly promoCodes: DynamoPromoCodeRepository;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.purchases = new DynamoPurchaseRepository(client, tableName);
    this.promoCodes = new DynamoPromoCodeRepository(client, tableName);
  }

  /**
   * Holds the total and, with a promo code, claims a redemption from one of the code's counter
   * shards: first the one the purchase id picks, then, when that one is spent, each other shard
   * that the shards as read now say has room, until one takes it or every shard is spent.
   */
  async reserve(
    reservation: Reservation,
    hold: AccountWrite,
    promo: { maxPerCustomer?: number | undefined; limited?: boolean | undefined } = {},
  ): Promise<'reserved' | 'already-reserved'> {
    const code = reservation.quote.promoCode;
    if (code === undefined)
      return (await this.reserveOnce(reservation, hold, undefined)) as 'reserved' | 'already-reserved';
    let claim = {
      shard: promoShardOf(reservation.purchaseId),
      limited: promo.limited ?? false,
      maxPerCustomer: promo.maxPerCustomer,
    };
    for (let attempt = 0; attempt <= PROMO_CODE_SHARDS; attempt++) {
      const outcome = await this.reserveOnce(reservation, hold, claim);
      if (outcome !== 'shard-spent') return outcome;
      const [now, shards] = await Promise.all([
        this.promoCodes.getPromoCode(code),
        this.promoCodes.shardsOf(code),
      ]);
      const limited = now?.maxRedemptions !== undefined;
      const open = shards.filter((shard) =>
        limited ? shard.claimed < (shard.allotment ?? 0) : shard.allotment === undefined,
      );
      // The next shard with room after the one that refused, so that purchases spread out again.
      const next = open.find((shard) => shard.shard > claim.shard) ?? open[0];
      if (!now || next === undefined)
        throw new PromoCodeInvalidError(refusalNow(now, reservation.createdAt), code);
      claim = { ...claim, shard: next.shard, limited };
    }
    throw new PromoCodeInvalidError('EXHAUSTED', code);
  }

  /** One Reserve transaction; 'shard-spent' when only the promo shard's condition failed. */
  private async reserveOnce(
    reservation: Reservation,
    hold: AccountWrite,
    claim: { shard: number; limited: boolean; maxPerCustomer: number | undefined } | undefined,
  ): Promise<'reserved' | 'already-reserved' | 'shard-spent'> {
    const { customerId, purchaseId, operationId } = reservation;
    const code = reservation.quote.promoCode;
    const writes: NamedWrite<AccountWriteName | 'reservation' | 'operation' | 'promo' | 'promo-customer'>[] =
      [
        ...holdWrites(this.tableName, hold, reservation.lotDraws, reservation.actor),
        {
          name: 'reservation',
          write: {
            Put: {
              TableName: this.tableName,
              Item: reservationItem(reservation, claim?.shard),
              // One hold per purchase: a retried step finds its own.
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        },
        ...operationMarkerWrites(this.tableName, {
          customerId,
          operationId,
          entity: 'PURCHASE_OPERATION',
          fields: { purchaseId },
        }),
        // The redemption is claimed in the same write as the hold: a purchase either holds both or neither.
        ...(code === undefined || claim === undefined
          ? []
          : claimRedemptionWrites(this.tableName, { code, customerId, ...claim })),
      ];

    try {
      await writeAtomically(this.client, writes);
      return 'reserved';
    } catch (error) {
      if (!(error instanceof ConditionsFailedError)) {
        if (lostRace(error)) throw new StaleAccountError('account busy', { cause: error });
        throw error;
      }
      if (error.has('reservation')) return 'already-reserved';
      if (error.has('operation') && operationId !== undefined) {
        throw new DuplicatePurchaseError(String(await this.purchaseOfOperation(customerId, operationId)));
      }
      if (error.has('account'))
        throw new StaleAccountError('account changed since it was read', { cause: error });
      if (code !== undefined && error.has('promo-customer')) {
        throw new PromoCodeInvalidError('ALREADY_USED_BY_CUSTOMER', code, {
          maxRedemptionsPerCustomer: claim?.maxPerCustomer,
        });
      }
      if (code !== undefined && error.has('promo')) return 'shard-spent';
      throw error;
    }
  }

  async purchaseOfOperation(customerId: string, operationId: string): Promise<string | undefined> {
    const marker = await readOperationMarker(this.client, this.tableName, customerId, operationId);
    return marker?.purchaseId === undefined ? undefined : String(marker.purchaseId);
  }

  unstorable(reservation: Reservation, purchase: Purchase): string[] {
    // Each item at the largest it gets: the reservation once shipped (or held for review), the
    // purchase once partly refunded, the idempotency record with the purchase's answer.
    const reservationAtLargest = reservationItem({
      ...reservation,
      status: 'COMMITTED',
      shipmentId: purchase.shipmentId,
      awaitingReviewSince: reservation.createdAt,
      reviewReason: 'COMMIT_FAILED',
      reviewNote: 'n'.repeat(MAX_REVIEW_NOTE_LENGTH),
    });
    const purchaseAtLargest = {
      ...purchaseItem(purchase, reservation.actor, reservation.lotDraws),
      status: 'PARTIALLY_REFUNDED',
      // Refunds record what they gave back to each lot: at most one part per draw.
      lotsReturned: reservation.lotDraws,
    };
    const sizes: [string, boolean][] = [
      ['reservation', storedItemSize(reservationAtLargest) <= MAX_ITEM_BYTES],
      ['purchase', storedItemSize(purchaseAtLargest) <= MAX_ITEM_BYTES],
      [
        'idempotency record',
        completedRecordSize({ statusCode: 201, body: JSON.stringify(purchase) }) <= MAX_ITEM_BYTES,
      ],
      ['audit record of the reservation', creationRecordFits(reservationAtLargest)],
      ['audit record of the purchase', creationRecordFits(purchaseAtLargest)],
    ];
    return sizes.filter(([, fits]) => !fits).map(([name]) => name);
  }

  async getReservation(purchaseId: string): Promise<Reservation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: reservationKey(purchaseId), ConsistentRead: true }),
    );
    return Item && toReservation(Item);
  }

  markShipping(purchaseId: string, at: string): Promise<Reservation> {
    return this.setStatus(purchaseId, { status: 'SHIPPING', from: ['PENDING', 'SHIPPING'], at });
  }

  async markShipped(purchaseId: string, shipmentId: string, at: string): Promise<void> {
    await this.setStatus(purchaseId, { status: 'SHIPPED', from: ['SHIPPING'], at, set: { shipmentId } });
  }

  markAwaitingReview(
    purchaseId: string,
    review: { from: 'SHIPPING' | 'SHIPPED'; reason: ReviewReason; note?: string; at: string; actor: string },
  ): Promise<Reservation> {
    return this.setStatus(purchaseId, {
      status: review.from,
      from: [review.from],
      at: review.at,
      set: {
        awaitingReviewSince: review.at,
        reviewReason: review.reason,
        ...(review.note === undefined ? {} : { reviewNote: review.note.slice(0, MAX_REVIEW_NOTE_LENGTH) }),
        changedBy: review.actor,
        GSI3PK: reservationsAwaitingReviewPartition(purchaseId),
      },
    });
  }

  async commit({ reservation, spend, purchase }: PurchaseCommit): Promise<void> {
    const code = reservation.quote.promoCode;
    const writes: NamedWrite<AccountWriteName | 'reservation' | 'purchase' | 'promo'>[] = [
      ...accountWrites(this.tableName, spend, reservation.actor),
      this.closeReservation(
        reservation.purchaseId,
        'COMMITTED',
        'SHIPPED',
        purchase.createdAt,
        reservation.actor,
      ),
      purchaseCreateWrite(this.tableName, purchase, reservation.actor, reservation.lotDraws),
      ...(code === undefined
        ? []
        : [redeemWrite(this.tableName, { code, shard: promoShardOfReservation(reservation) })]),
    ];
    try {
      await writeAtomically(this.client, writes);
    } catch (error) {
      if (error instanceof ConditionsFailedError && error.has('reservation', 'purchase')) {
        throw new ReservationChangedError('reservation is no longer SHIPPED', { cause: error });
      }
      if (lostRace(error, 'account', 'entry')) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      throw error;
    }
  }

  async release(reservation: Reservation, release: AccountWrite, at: string, actor: string): Promise<void> {
    const { customerId, purchaseId, operationId } = reservation;
    const code = reservation.quote.promoCode;
    const writes: NamedWrite<AccountWriteName | 'reservation' | 'operation' | 'promo' | 'promo-customer'>[] =
      [
        this.closeReservation(purchaseId, 'RELEASED', reservation.status, at, actor),
        ...accountWrites(this.tableName, release, actor),
        // A failed purchase gives its redemption back.
        ...(code === undefined
          ? []
          : releaseRedemptionWrites(this.tableName, {
              code,
              customerId,
              shard: promoShardOfReservation(reservation),
            })),
      ];
    if (operationId !== undefined) {
      // A failed purchase gives its Idempotency-Key back: the client may retry with it.
      writes.push({
        name: 'operation',
        write: {
          Delete: {
            TableName: this.tableName,
            Key: creditOperationKey(customerId, operationId),
            ConditionExpression: 'purchaseId = :purchaseId',
            ExpressionAttributeValues: { ':purchaseId': purchaseId },
          },
        },
      });
    }
    try {
      await writeAtomically(this.client, writes);
    } catch (error) {
      if (lostRace(error, 'reservation')) {
        throw new ReservationChangedError(`reservation is no longer ${reservation.status}`, { cause: error });
      }
      if (lostRace(error, 'account', 'entry')) {
        throw new StaleAccountError('account changed since it was read', { cause: error });
      }
      if (error instanceof ConditionsFailedError && error.has('promo', 'promo-customer')) {
        throw new Error(`promo code ${code} holds no redemption of purchase ${purchaseId}`, { cause: error });
      }
      throw error;
    }
  }

  listOpenReservations(createdBefore: string, page: PageRequest): Promise<Page<Reservation>> {
    return this.reservationsByAge(openReservationsPartitions(), page, createdBefore);
  }

  listAwaitingReview(page: PageRequest): Promise<Page<Reservation>> {
    return this.reservationsByAge(reservationsAwaitingReviewPartitions(), page);
  }

  getPurchase(purchaseId: string) {
    return this.purchases.getPurchase(purchaseId);
  }

  /**
   * A page of one GSI3 reservation listing, oldest first, optionally created before a time: its
   * shards read in parallel and merged (sharded-page.ts).
   */
  private async reservationsByAge(
    partitions: readonly string[],
    page: PageRequest,
    createdBefore?: string,
  ): Promise<Page<Reservation>> {
    // `{createdAt}#{purchaseId}`, as the reservation's index sort key is written.
    const position = decodeCursor(page.cursor, { GSI3SK: matching(/^\d{4}-\d{2}-\d{2}T[^#]+#.+$/s) });
    const { entries, more } = await pageOfShards(this.client, {
      tableName: this.tableName,
      indexName: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      partitions,
      order: 'ascending',
      after: position?.GSI3SK,
      below: createdBefore,
      limit: page.limit,
    });
    const last = entries.at(-1);
    // The index keeps keys only: the page's reservations are read by them.
    const items = await getItems(this.client, this.tableName, entries, MAIN_TABLE_KEY);
    return {
      items: items.map(toReservation),
      nextCursor: more && last ? encodeCursor({ GSI3SK: String(last.GSI3SK) }) : null,
    };
  }

  /** A reservation leaves GSI3 (open or awaiting review) when it commits or is released. */
  private closeReservation(
    purchaseId: string,
    status: 'COMMITTED' | 'RELEASED',
    expected: ReservationStatus,
    at: string,
    actor: string,
  ): NamedWrite<'reservation'> {
    const write: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: reservationKey(purchaseId),
        UpdateExpression: `SET #status = :status, updatedAt = :at, changedBy = :actor, ${NEXT_VERSION} REMOVE GSI3PK, GSI3SK`,
        // Still in the status it was read in.
        ConditionExpression: '#status = :expected',
        ExpressionAttributeNames: { '#status': 'status', ...VERSION_NAMES },
        ExpressionAttributeValues: {
          ':status': status,
          ':expected': expected,
          ':at': at,
          ':actor': actor,
          ...VERSION_VALUES,
        },
      },
    };
    return { name: 'reservation', write };
  }

  /** Moves the reservation to a status, answering with it as it then is. */
  private async setStatus(
    purchaseId: string,
    change: { status: ReservationStatus; from: readonly ReservationStatus[]; at: string; set?: Item },
  ): Promise<Reservation> {
    const allowed = Object.fromEntries(change.from.map((value, index) => [`:from${index}`, value]));
    const extra = Object.entries(change.set ?? {});
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reservationKey(purchaseId),
          UpdateExpression: `SET #status = :status, updatedAt = :at, ${NEXT_VERSION}${extra.map(([name]) => `, ${name} = :${name}`).join('')}`,
          ConditionExpression: `#status IN (${Object.keys(allowed).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status', ...VERSION_NAMES },
          ExpressionAttributeValues: {
            ':status': change.status,
            ':at': change.at,
            ...VERSION_VALUES,
            ...allowed,
            ...Object.fromEntries(extra.map(([name, value]) => [`:${name}`, value])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toReservation(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ReservationChangedError(`reservation is not ${change.from.join(' or ')}`, { cause: error });
      }
      throw error;
    }
  }
}

/** A new reservation as stored: open, so in the sweeper's index partition, by age. */
function reservationItem(reservation: Reservation, promoShard?: number): Item {
  return {
    ...reservationKey(reservation.purchaseId),
    entity: 'RESERVATION',
    ...reservation,
    ...(promoShard === undefined ? {} : { promoShard }),
    ...FIRST_VERSION,
    GSI3PK: openReservationsPartition(reservation.purchaseId),
    GSI3SK: `${reservation.createdAt}#${reservation.purchaseId}`,
  };
}

/** The promo shard a reservation claimed from (Reserve records it with the claim). */
function promoShardOfReservation(reservation: Reservation): number {
  if (reservation.promoShard === undefined)
    throw new Error(`reservation ${reservation.purchaseId} names a promo code but no shard it claimed from`);
  return reservation.promoShard;
}

function toReservation(item: Item): Reservation {
  return {
    purchaseId: String(item.purchaseId),
    customerId: String(item.customerId),
    productId: String(item.productId),
    quote: QuoteSchema.parse(item.quote),
    totalCents: Number(item.totalCents),
    lotDraws: lotDrawsFromItem(item.lotDraws),
    status: String(item.status) as ReservationStatus,
    actor: String(item.actor),
    operationId: item.operationId === undefined ? undefined : String(item.operationId),
    // Reservations written before the key was stored used the per-purchase key.
    shipmentKey:
      item.shipmentKey === undefined ? `purchase-${String(item.purchaseId)}` : String(item.shipmentKey),
    shipmentId: item.shipmentId === undefined ? undefined : String(item.shipmentId),
    awaitingReviewSince:
      item.awaitingReviewSince === undefined ? undefined : String(item.awaitingReviewSince),
    // Reviews recorded before reasons were: only a saga that died during CreateShipment went there.
    reviewReason:
      item.awaitingReviewSince === undefined
        ? undefined
        : item.reviewReason === 'COMMIT_FAILED'
          ? 'COMMIT_FAILED'
          : 'SHIPMENT_UNKNOWN',
    reviewNote: item.reviewNote === undefined ? undefined : String(item.reviewNote),
    promoShard: item.promoShard === undefined ? undefined : Number(item.promoShard),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
