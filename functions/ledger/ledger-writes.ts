import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { FIRST_VERSION } from '#shared/db/item-version.ts';
import {
  creditAccountKey,
  creditOperationKey,
  KNOWN_CUSTOMERS_PARTITION,
  ledgerEntryKey,
} from '#shared/db/keys.ts';
import { ConditionsFailedError, type NamedWrite, TransactionConflictError } from '#shared/db/transactions.ts';
import type { AccountReader, CreditAccount, LedgerEntryWrite } from './account.ts';

/**
 * The ledger core's writes, for every feature's transaction: a balance change with its entry, a
 * hold and its release, and the marker of an idempotent operation. Each is a named write; a
 * feature adds its own named writes beside these.
 */

/**
 * The two writes of every balance change: the account, conditional on being exactly as read (a
 * first write finds no account), and the ledger entry in the slot of the new version, conditional
 * on the slot being free.
 */
export function ledgerEntryWrites(
  tableName: string,
  { before, after, transaction }: LedgerEntryWrite,
): [NamedWrite<'account'>, NamedWrite<'entry'>] {
  const { customerId } = after;
  const first = before.version === 0;
  return [
    {
      name: 'account',
      write: {
        Update: {
          TableName: tableName,
          Key: creditAccountKey(customerId),
          UpdateExpression:
            'SET #entity = :entity, customerId = :customerId, availableCents = :available, heldCents = :held, ' +
            '#version = :version, updatedAt = :updatedAt, changedBy = :actor, GSI1PK = :known, GSI1SK = :customerId',
          // Exactly the account the change was computed from.
          ConditionExpression: first ? 'attribute_not_exists(PK)' : '#version = :expectedVersion',
          ExpressionAttributeNames: { '#entity': 'entity', '#version': 'version' },
          ExpressionAttributeValues: {
            ':entity': 'CREDIT_ACCOUNT',
            ':customerId': customerId,
            ':available': after.availableCents,
            ':held': after.heldCents,
            ':version': after.version,
            ':updatedAt': after.updatedAt,
            ':actor': transaction.actor,
            ':known': KNOWN_CUSTOMERS_PARTITION,
            ...(first ? {} : { ':expectedVersion': before.version }),
          },
        },
      },
    },
    {
      name: 'entry',
      write: {
        Put: {
          TableName: tableName,
          Item: {
            ...ledgerEntryKey(customerId, after.version),
            entity: 'CREDIT_TRANSACTION',
            ...transaction,
            ...FIRST_VERSION,
          },
          // The version's slot is free: two writers that read the same version collide here too.
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
  ];
}

interface Hold {
  customerId: string;
  totalCents: number;
  at: string;
  actor: string;
}

/**
 * Holds `totalCents` (available → held) without reading first: the condition is the check.
 * Bumping the version makes a ledger writer that read the account before this hold read it again.
 */
export const holdWrite = (tableName: string, hold: Hold): NamedWrite<'account'> =>
  // Enough available credit.
  moveHeldCredit(tableName, hold, { sign: '-', condition: 'availableCents >= :total' });

/** Gives a hold back (held → available). */
export const releaseHoldWrite = (tableName: string, hold: Hold): NamedWrite<'account'> =>
  // The hold is in the account: anything else is a broken invariant, not a race.
  moveHeldCredit(tableName, hold, { sign: '+', condition: 'heldCents >= :total' });

/** Moves `totalCents` between available and held credit: `sign` is what happens to available. */
function moveHeldCredit(
  tableName: string,
  hold: Hold,
  move: { sign: '+' | '-'; condition: string },
): NamedWrite<'account'> {
  const opposite = move.sign === '-' ? '+' : '-';
  return {
    name: 'account',
    write: {
      Update: {
        TableName: tableName,
        Key: creditAccountKey(hold.customerId),
        UpdateExpression:
          `SET availableCents = availableCents ${move.sign} :total, heldCents = heldCents ${opposite} :total, ` +
          'updatedAt = :now, changedBy = :actor ADD #version :one',
        ConditionExpression: move.condition,
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':total': hold.totalCents,
          ':now': hold.at,
          ':actor': hold.actor,
          ':one': 1,
        },
      },
    },
  };
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
    if (!Item) return undefined;
    return {
      customerId,
      availableCents: Number(Item.availableCents),
      heldCents: Number(Item.heldCents),
      version: Number(Item.version),
      updatedAt: String(Item.updatedAt),
    };
  }
}
