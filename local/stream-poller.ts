import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Stands in for Lambda's event source mapping on the main table's stream: reads DynamoDB Local's
 * stream and calls the audit projector (the module CDK deploys) with `DynamoDBStreamEvent` batches.
 * As in AWS it honours `batchItemFailures` (the batch is delivered again from the named record), and
 * after `MAX_RETRIES` a record that keeps failing goes to the dead letters (logged) and is passed.
 */

const BATCH_SIZE = 100;
const POLL_MS = 20;
const SHARD_REFRESH_MS = 1_000;
export const MAX_RETRIES = 3;

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPoller {
  /** Records passed on after they kept failing (AWS would send them to the dead-letter queue). */
  deadLetters: DynamoDBRecord[];
  stop(): Promise<void>;
}

/** The SDK's stream record in the JSON shape Lambda hands a function. */
function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { dynamodb } = record;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(dynamodb?.Keys ? { Keys: dynamodb.Keys as never } : {}),
      ...(dynamodb?.NewImage ? { NewImage: dynamodb.NewImage as never } : {}),
      ...(dynamodb?.OldImage ? { OldImage: dynamodb.OldImage as never } : {}),
      ...(dynamodb?.SequenceNumber ? { SequenceNumber: dynamodb.SequenceNumber } : {}),
      ...(dynamodb?.SizeBytes === undefined ? {} : { SizeBytes: dynamodb.SizeBytes }),
      ...(dynamodb?.StreamViewType ? { StreamViewType: dynamodb.StreamViewType } : {}),
      ...(dynamodb?.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: dynamodb.ApproximateCreationDateTime.getTime() / 1000 }
        : {}),
    },
  };
}

export async function startStreamPoller(options: {
  endpoint: string;
  tableName: string;
  /** The function the mapping calls (the audit projector's `handler`). */
  handler: StreamHandler;
  log: (message: string, fields: Record<string, unknown>) => void;
}): Promise<StreamPoller> {
  const dynamo = new DynamoDBClient({ endpoint: options.endpoint });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint });

  const deadLetters: DynamoDBRecord[] = [];
  /** Open shards and where each is read from; a closed shard leaves the map. */
  const iterators = new Map<string, string | undefined>();
  const finished = new Set<string>();
  let stopping = false;
  let lastShardRefresh = 0;

  async function refreshShards(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || iterators.has(shardId) || finished.has(shardId)) continue;
      // From the oldest record: the projector recognises records it has stored, so a restart with
      // kept data re-reads harmlessly instead of missing what changed while it was down.
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      iterators.set(shardId, ShardIterator);
    }
    lastShardRefresh = Date.now();
  }

  /** Delivers one batch as Lambda would, retrying from the failed record, then dead-lettering it. */
  async function deliver(records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    let attempts = 0;
    while (pending.length > 0 && !stopping) {
      const response = await options.handler({ Records: pending }).catch((error: unknown) => {
        options.log('audit projector failed', { error: String(error) });
        return { batchItemFailures: [{ itemIdentifier: pending[0]?.dynamodb?.SequenceNumber ?? '' }] };
      });
      const failed = response?.batchItemFailures[0]?.itemIdentifier;
      if (failed === undefined) return;
      const from = Math.max(
        0,
        pending.findIndex((record) => record.dynamodb?.SequenceNumber === failed),
      );
      attempts = from === 0 ? attempts + 1 : 1;
      pending = pending.slice(from);
      if (attempts > MAX_RETRIES) {
        const [poisoned, ...rest] = pending;
        if (poisoned) deadLetters.push(poisoned);
        options.log('stream record dead-lettered', { sequenceNumber: failed, eventId: poisoned?.eventID });
        pending = rest;
        attempts = 0;
      }
    }
  }

  async function pollOnce(): Promise<boolean> {
    if (Date.now() - lastShardRefresh > SHARD_REFRESH_MS) await refreshShards();
    let delivered = false;
    for (const [shardId, iterator] of iterators) {
      if (iterator === undefined) {
        iterators.delete(shardId);
        finished.add(shardId);
        continue;
      }
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: BATCH_SIZE }),
      );
      iterators.set(shardId, NextShardIterator);
      if (Records.length > 0) {
        await deliver(Records.map((record) => toLambdaRecord(record, streamArn ?? '')));
        delivered = true;
      }
    }
    return delivered;
  }

  const loop = (async () => {
    while (!stopping) {
      const delivered = await pollOnce().catch((error: unknown) => {
        options.log('stream poll failed', { error: String(error) });
        return false;
      });
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  return {
    deadLetters,
    stop: async () => {
      stopping = true;
      await loop;
      streams.destroy();
    },
  };
}
