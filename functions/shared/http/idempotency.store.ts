import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { storedItemSize } from '../db/item-size.ts';
import { idempotencyRecordKey } from '../db/keys.ts';

export interface StoredResponse {
  statusCode: number;
  body: string;
}

export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-progress' }
  | { kind: 'reused-with-other-request' };

export interface IdempotencyStore {
  claim(keyHash: string, fingerprint: string, now: Date): Promise<ClaimResult>;
  complete(keyHash: string, fingerprint: string, response: StoredResponse): Promise<void>;
  release(keyHash: string, fingerprint: string): Promise<void>;
}

/** How long a first answer is kept for replay (then the key may be used afresh). */
const RECORD_TTL_SECONDS = 24 * 60 * 60;
/** Longer than any handler may run, so a live request never loses its claim (IDEMPOTENCY_LOCK_SECONDS). */
export const DEFAULT_LOCK_MS = 60_000;

/** A SHA-256 in hex: the length of the record's key hash and request fingerprint. */
const HASH = 'f'.repeat(64);

/**
 * The size of the record that keeps `response` for replay, as `complete` leaves it: the largest the
 * record of an answer with that body gets.
 */
export const completedRecordSize = (response: StoredResponse): number =>
  storedItemSize({
    ...idempotencyRecordKey(HASH),
    entity: 'IDEMPOTENCY_RECORD',
    status: 'COMPLETED',
    fingerprint: HASH,
    expiresAt: 9_999_999_999,
    response,
  });

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lockMs: number = DEFAULT_LOCK_MS,
  ) {}

  async claim(keyHash: string, fingerprint: string, now: Date): Promise<ClaimResult> {
    const nowMs = now.getTime();
    try {
      // Claim if nobody holds the key, if the record outlived its TTL (TTL deletion is lazy), or if
      // the same request's earlier claim died with its process.
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...idempotencyRecordKey(keyHash),
            entity: 'IDEMPOTENCY_RECORD',
            status: 'IN_PROGRESS',
            fingerprint,
            lockedUntil: nowMs + this.lockMs,
            expiresAt: Math.floor(nowMs / 1000) + RECORD_TTL_SECONDS,
          },
          ConditionExpression:
            'attribute_not_exists(PK) OR expiresAt < :nowSeconds OR ' +
            '(#status = :inProgress AND fingerprint = :fingerprint AND lockedUntil < :nowMs)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowSeconds': Math.floor(nowMs / 1000),
            ':nowMs': nowMs,
            ':inProgress': 'IN_PROGRESS',
            ':fingerprint': fingerprint,
          },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: idempotencyRecordKey(keyHash), ConsistentRead: true }),
    );
    // Gone between the two calls: its holder just released it; the caller may retry.
    if (!Item) return { kind: 'in-progress' };
    if (Item.fingerprint !== fingerprint) return { kind: 'reused-with-other-request' };
    if (Item.status === 'COMPLETED') {
      const response = Item.response as StoredResponse;
      return {
        kind: 'replay',
        response: { statusCode: Number(response.statusCode), body: String(response.body) },
      };
    }
    return { kind: 'in-progress' };
  }

  async complete(keyHash: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyRecordKey(keyHash),
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE lockedUntil',
        ConditionExpression: '#status = :inProgress AND fingerprint = :fingerprint',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: {
          ':completed': 'COMPLETED',
          ':inProgress': 'IN_PROGRESS',
          ':fingerprint': fingerprint,
          ':response': response,
        },
      }),
    );
  }

  async release(keyHash: string, fingerprint: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: idempotencyRecordKey(keyHash),
        ConditionExpression: '#status = :inProgress AND fingerprint = :fingerprint',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':fingerprint': fingerprint },
      }),
    );
  }
}
