import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { reportInvocation, reportStreamCaughtUp } from './invocations.ts';

/**
 * Stands in for Lambda's event source mapping on the main table's stream: reads DynamoDB Local's
 * stream and calls the audit projector (the module CDK deploys) with `DynamoDBStreamEvent` batches.
 * As in AWS it honours `batchItemFailures` (the batch is delivered again from the named record), and
 * after `MAX_RETRIES` a record that keeps failing goes to the dead letters (logged) and is passed.
 */

const BATCH_SIZE = 100;
/**
 * The pause after an empty poll doubles from POLL_MS up to IDLE_POLL_MS and drops back after a
 * delivery: polling an idle stream every 20 ms kept about a quarter of a core busy in DynamoDB
 * Local and a tenth in this process (docs/measurements/2026-12-01-purchase.md).
 */
const POLL_MS = 20;
const IDLE_POLL_MS = 100;
const ERROR_PAUSE_MS = 1_000;
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
  /** The function the mapping calls (the audit projector's `handler`), and its construct id. */
  handler: StreamHandler;
  functionId: string;
  log: (message: string, fields: Record<string, unknown>) => void;
}): Promise<StreamPoller> {
  const dynamo = new DynamoDBClient({ endpoint: options.endpoint });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint });

  const deadLetters: DynamoDBRecord[] = [];
  /** Open shards: where each is read from, and the last record handed on (the checkpoint). */
  const shards = new Map<string, { iterator: string | undefined; checkpoint?: string }>();
  const finished = new Set<string>();
  let stopping = false;
  let lastShardRefresh = 0;

  async function refreshShards(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || shards.has(shardId) || finished.has(shardId)) continue;
      shards.set(shardId, { iterator: await iteratorFor(shardId) });
    }
    lastShardRefresh = Date.now();
  }

  /**
   * Where to read a shard from: after the checkpoint, or from its oldest record (the projector
   * recognises records it has stored, so a restart with kept data re-reads harmlessly instead of
   * missing what changed while it was down).
   */
  async function iteratorFor(shardId: string, checkpoint?: string): Promise<string | undefined> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }),
      }),
    );
    return ShardIterator;
  }

  /**
   * One read of a shard. An iterator can go stale: iterators expire, and DynamoDB Local (-sharedDb)
   * declares an iterator taken on an empty shard "trimmed" once another table's stream moves on. The
   * shard is then read again from its checkpoint, as Lambda's event source mapping would.
   */
  async function readShard(shardId: string, shard: { iterator: string | undefined; checkpoint?: string }) {
    try {
      return await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: BATCH_SIZE }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      shard.iterator = await iteratorFor(shardId, shard.checkpoint);
      return streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: BATCH_SIZE }));
    }
  }

  /** Delivers one batch as Lambda would, retrying from the failed record, then dead-lettering it. */
  async function deliver(records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    let attempts = 0;
    while (pending.length > 0 && !stopping) {
      const started = performance.now();
      const response = await options.handler({ Records: pending }).catch((error: unknown) => {
        options.log('audit projector failed', { error: String(error) });
        return { batchItemFailures: [{ itemIdentifier: pending[0]?.dynamodb?.SequenceNumber ?? '' }] };
      });
      reportInvocation({
        functionId: options.functionId,
        durationMs: performance.now() - started,
        records: pending.length,
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
    for (const [shardId, shard] of shards) {
      if (shard.iterator === undefined) {
        shards.delete(shardId);
        finished.add(shardId);
        continue;
      }
      const { Records = [], NextShardIterator } = await readShard(shardId, shard);
      shard.iterator = NextShardIterator;
      if (Records.length > 0) {
        await deliver(Records.map((record) => toLambdaRecord(record, streamArn ?? '')));
        const last = Records.at(-1)?.dynamodb?.SequenceNumber;
        if (last !== undefined) shard.checkpoint = last;
        delivered = true;
      }
    }
    return delivered;
  }

  const loop = (async () => {
    let idlePause = POLL_MS;
    while (!stopping) {
      let pause = idlePause;
      const delivered = await pollOnce().catch((error: unknown) => {
        options.log('stream poll failed', { error: String(error) });
        pause = ERROR_PAUSE_MS; // an error that repeats is reported once a second, not fifty times
        return false;
      });
      if (delivered) {
        idlePause = POLL_MS;
        continue;
      }
      reportStreamCaughtUp();
      idlePause = Math.min(IDLE_POLL_MS, idlePause * 2);
      await new Promise((resolve) => setTimeout(resolve, pause));
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
