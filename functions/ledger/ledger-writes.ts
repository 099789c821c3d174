import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { FIRST_VERSION } from '#shared/db/item-version.ts';
import {
  creditAccountKey,
  creditOperationKey,
  KNOWN_CUSTOMERS_PARTITION,
  ledgerEntryKey,
  lotsDuePartition,
} from '#shared/db/keys.ts';
import { ConditionsFailedError, type NamedWrite, TransactionConflictError } from '#shared/db/transactions.ts';
import {
  type AccountReader,
  type AccountWrite,
  accountFromItem,
  type CreditAccount,
  nextDueAt,
} from './account.ts';
import type { LotDraw } from './lots.ts';

/**
 * The ledger core's writes, for every feature's transaction: an account change with its entries,
 * and the marker of an idempotent operation. Only the ledger writes an account: a feature adds its
 * own named writes beside these.
 */

/** The names of an account change's writes: the account, then its entries in order. */
export type AccountWriteName = 'account' | 'entry' | `entry#${number}`;

/**
 * The writes of an account change (account.ts computes it): the account, conditional on being
 * exactly as read (a first write finds no account), and each ledger entry in its version slot,
 * conditional on the slot being free. The account keeps its place in the known customers (GSI1) and,
 * while a lot has a remainder and an expiry, in the expiry run's index by its next due time (GSI2).
 */
export function accountWrites(
  tableName: string,
  { before, after, entries }: AccountWrite,
  actor: string,
): NamedWrite<AccountWriteName>[] {
  const { customerId } = after;
  const first = before.version === 0;
  const dueAt = nextDueAt(after);
  const account: NamedWrite<AccountWriteName> = {
    name: 'account',
    write: {
      Update: {
        TableName: tableName,
        Key: creditAccountKey(customerId),
        UpdateExpression:
          'SET #entity = :entity, customerId = :customerId, availableCents = :available, heldCents = :held, ' +
          'lots = :lots, #version = :version, entryCount = :entryCount, updatedAt = :updatedAt, changedBy = :actor, GSI1PK = :known, ' +
          `GSI1SK = :customerId${dueAt === undefined ? ' REMOVE GSI2PK, GSI2SK' : ', GSI2PK = :due, GSI2SK = :dueAt'}`,
        // Exactly the account the change was computed from.
        ConditionExpression: first ? 'attribute_not_exists(PK)' : '#version = :expectedVersion',
        ExpressionAttributeNames: { '#entity': 'entity', '#version': 'version' },
        ExpressionAttributeValues: {
          ':entity': 'CREDIT_ACCOUNT',
          ':customerId': customerId,
          ':available': after.availableCents,
          ':held': after.heldCents,
          ':lots': after.lots,
          ':version': after.version,
          ':entryCount': after.entryCount,
          ':updatedAt': after.updatedAt,
          ':actor': actor,
          ':known': KNOWN_CUSTOMERS_PARTITION,
          ...(dueAt === undefined
            ? {}
            : { ':due': lotsDuePartition(customerId), ':dueAt': `${dueAt}#${customerId}` }),
          ...(first ? {} : { ':expectedVersion': before.version }),
        },
      },
    },
  };
  return [
    account,
    ...entries.map(
      (transaction, index): NamedWrite<AccountWriteName> => ({
        name: index === 0 ? 'entry' : `entry#${index + 1}`,
        write: {
          Put: {
            TableName: tableName,
            Item: {
              ...ledgerEntryKey(customerId, before.entryCount + index + 1),
              entity: 'CREDIT_TRANSACTION',
              ...transaction,
              ...FIRST_VERSION,
            },
            // The entry's slot is free: two writers that read the same account collide here too.
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      }),
    ),
  ];
}

/**
 * Draws a hold writes in place at most: each adds about 250 characters to the update and condition
 * expressions, which DynamoDB bounds at 4 KB each.
 */
export const MAX_DRAWS_IN_PLACE = 12;

/**
 * Reserve's hold (the ledger's `hold`). With few draws, written in place: each drawn lot's remainder
 * moves to its held part, conditional on the lot still being at the position it was read at, holding
 * enough, and not yet due; holds of one customer then collide only when they drain the same lot, as
 * the single balance did before lots. The version still moves, so every writer that rewrites the
 * lots (and read them before this hold) reads them again. A hold drawn from more lots than
 * {@link MAX_DRAWS_IN_PLACE} rewrites the account as read, like every other change.
 */
export function holdWrites(
  tableName: string,
  hold: AccountWrite,
  draws: readonly LotDraw[],
  actor: string,
): NamedWrite<AccountWriteName>[] {
  if (draws.length > MAX_DRAWS_IN_PLACE) return accountWrites(tableName, hold, actor);
  const { before, after } = hold;
  const values: Record<string, unknown> = {
    ':total': after.heldCents - before.heldCents,
    ':now': after.updatedAt,
    ':actor': actor,
    ':one': 1,
  };
  const sets: string[] = [];
  // Enough available credit, as before lots (a first hold finds no account, and fails here).
  const conditions: string[] = ['availableCents >= :total'];
  draws.forEach((draw, index) => {
    const position = before.lots.findIndex((lot) => lot.lotId === draw.lotId);
    if (position < 0) throw new Error(`a hold draws from lot ${draw.lotId}, which the account does not have`);
    const lot = `lots[${position}]`;
    values[`:lot${index}`] = draw.lotId;
    values[`:amount${index}`] = draw.amountCents;
    sets.push(
      `${lot}.remainingCents = ${lot}.remainingCents - :amount${index}`,
      `${lot}.heldCents = ${lot}.heldCents + :amount${index}`,
    );
    // Still where it was read, holding enough, and not due (times are stored as toISOString).
    conditions.push(
      `${lot}.lotId = :lot${index}`,
      `${lot}.remainingCents >= :amount${index}`,
      `(attribute_not_exists(${lot}.expiresAt) OR ${lot}.expiresAt > :now)`,
    );
  });
  return [
    {
      name: 'account',
      write: {
        Update: {
          TableName: tableName,
          Key: creditAccountKey(before.customerId),
          UpdateExpression: `SET ${[
            'availableCents = availableCents - :total, heldCents = heldCents + :total',
            ...sets,
            'updatedAt = :now, changedBy = :actor',
          ].join(', ')} ADD #version :one`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: values,
        },
      },
    },
  ];
}

/**
 * Marks that an idempotent operation changed this customer's credit, with what it made; written in
 * the same transaction as the change, so an operation applies once even if its HTTP record is lost.
 * No write when the request carried no Idempotency-Key.
 */
export function operationMarkerWrites(
  tableName: string,
  marker: {
    customerId: string;
    operationId: string | undefined;
    entity: string;
    fields: Record<string, unknown>;
  },
): NamedWrite<'operation'>[] {
  if (marker.operationId === undefined) return [];
  return [
    {
      name: 'operation',
      write: {
        Put: {
          TableName: tableName,
          Item: {
            ...creditOperationKey(marker.customerId, marker.operationId),
            entity: marker.entity,
            ...marker.fields,
          },
          // This operation has not been applied before.
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
  ];
}

/** Reads an operation's marker, or undefined when the operation never applied. */
export async function readOperationMarker(
  client: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  operationId: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: creditOperationKey(customerId, operationId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

/**
 * Whether a failed transaction lost a race (so reading again may succeed): contention, or one of
 * the named conditions on what was read.
 */
export function lostRace<N extends string>(error: unknown, ...readConditions: readonly N[]): boolean {
  if (error instanceof TransactionConflictError) return true;
  return error instanceof ConditionsFailedError && (error as ConditionsFailedError<N>).has(...readConditions);
}

export class DynamoAccountReader implements AccountReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getAccount(customerId: string): Promise<CreditAccount | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: creditAccountKey(customerId), ConsistentRead: true }),
    );
    return Item && accountFromItem(Item);
  }
}
