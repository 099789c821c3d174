import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { MAX_RETRIES, type StreamPoller, startStreamPoller } from '../../local/stream-poller.ts';
import { stackUrls } from '../support/stack.ts';
import { freshMainTable } from '../support/tables.ts';

/**
 * The local stand-in for Lambda's event source mapping: it must deliver every change, deliver again
 * from a record the function names as failed, and pass a record that keeps failing to the dead letters.
 */

let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

/** Waits (bounded) until `done` holds; the poller works in the background. */
async function eventually(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(done()).toBe(true);
}

describe('local stream poller', () => {
  it('delivers each change, again from a failed record, and dead-letters one that keeps failing', async () => {
    const { client, tableName } = await freshMainTable();
    const seen: string[] = [];
    const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
      for (const record of event.Records) {
        const sk = record.dynamodb?.NewImage?.SK?.S ?? '';
        seen.push(sk);
        if (sk === 'poison')
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
      return { batchItemFailures: [] };
    };
    poller = await startStreamPoller({
      functionId: 'ProjectAudit',
      endpoint: stackUrls().dynamoDbEndpoint,
      tableName,
      handler,
      log: () => undefined,
    });

    for (const SK of ['first', 'poison', 'last']) {
      await client.send(new PutCommand({ TableName: tableName, Item: { PK: 'P', SK } }));
    }

    await eventually(() => seen.includes('last'));
    expect(seen.filter((sk) => sk === 'first')).toHaveLength(1);
    expect(seen.filter((sk) => sk === 'poison')).toHaveLength(MAX_RETRIES + 1);
    expect(poller.deadLetters.map((record) => record.dynamodb?.NewImage?.SK?.S)).toEqual(['poison']);
  });

  it('keeps reading a shard that was empty while other tables wrote to their streams', async () => {
    const { client, tableName } = await freshMainTable();
    const other = await freshMainTable();
    const seen: string[] = [];
    poller = await startStreamPoller({
      functionId: 'ProjectAudit',
      endpoint: stackUrls().dynamoDbEndpoint,
      tableName,
      handler: async (event) => {
        seen.push(...event.Records.map((record) => record.dynamodb?.NewImage?.SK?.S ?? ''));
        return { batchItemFailures: [] };
      },
      log: () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // let it read the empty shard first

    await other.client.send(
      new PutCommand({ TableName: other.tableName, Item: { PK: 'P', SK: 'elsewhere' } }),
    );
    await client.send(new PutCommand({ TableName: tableName, Item: { PK: 'P', SK: 'here' } }));

    await eventually(() => seen.includes('here'));
    expect(seen).toEqual(['here']);
  });
});
