import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoAuditRepository } from '../../functions/audit/audit.repository.ts';
import { projectStreamBatch } from '../../functions/audit/audit-stream.ts';
import { freshAuditTable, freshMainTable } from '../support/tables.ts';

let audit: DynamoAuditRepository;
const logged: string[] = [];
const deps = () => ({ audit, logger: { error: (message: string) => void logged.push(message) } });

let sequence = 100;
/** A stream record as Lambda delivers it, for a change of a main-table item. */
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: `event-${sequence}-${Math.random()}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence),
      ApproximateCreationDateTime: 1_790_000_000,
      ...(before ? { OldImage: marshall(before) as never } : {}),
      ...(after ? { NewImage: marshall(after) as never } : {}),
    },
  };
}

/** A credit account as the ledger writes it; `version` counts its writes. */
const account = (customerId: string, availableCents: number, changedBy = 'rep-1', version = 1) => ({
  PK: `CUSTOMER#${customerId}`,
  SK: 'CREDIT',
  entity: 'CREDIT_ACCOUNT',
  customerId,
  availableCents,
  heldCents: 0,
  changedBy,
  version,
  updatedAt: `2026-11-21T12:00:0${availableCents % 10}.000Z`,
});

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

beforeEach(async () => {
  const { client, tableName } = await freshAuditTable();
  audit = new DynamoAuditRepository(client, tableName);
  logged.length = 0;
});

describe('audit projector', () => {
  it('stores one record per change, numbered per entity, without storage keys', async () => {
    const created = record('INSERT', undefined, account('c1', 0));
    const granted = record('MODIFY', account('c1', 0), account('c1', 500, 'rep-2', 2));
    const other = record('INSERT', undefined, account('c2', 0));

    const { batchItemFailures } = await projectStreamBatch(deps(), batch(created, granted, other));

    expect(batchItemFailures).toEqual([]);
    const { items } = await audit.list({ entityType: 'CREDIT', entityId: 'c1' }, { limit: 10 });
    expect(items.map((item) => [item.sequence, item.action, item.actor])).toEqual([
      [2, 'UPDATED', 'rep-2'],
      [1, 'CREATED', 'rep-1'],
    ]);
    expect(items[0]?.before).toMatchObject({ availableCents: 0 });
    expect(items[0]?.after).toMatchObject({ availableCents: 500 });
    expect(items[0]?.after).not.toHaveProperty('PK');
    expect(items[0]?.id).toBe(granted.eventID);
  });

  it('stores a record delivered twice once', async () => {
    const created = record('INSERT', undefined, account('c1', 0));
    const granted = record('MODIFY', account('c1', 0), account('c1', 500, 'rep-1', 2));

    await projectStreamBatch(deps(), batch(created));
    const again = await projectStreamBatch(deps(), batch(created, granted));

    expect(again.result).toMatchObject({ stored: 1, duplicates: 1 });
    const { items } = await audit.list({ entityType: 'CREDIT', entityId: 'c1' }, { limit: 10 });
    expect(items.map((item) => item.sequence)).toEqual([2, 1]);
  });

  it('refuses a change whose place another change holds (a write that did not count its version), and names it', async () => {
    const created = record('INSERT', undefined, account('c1', 0));
    const uncounted = record('MODIFY', account('c1', 0), account('c1', 500, 'rep-2', 1));

    const { batchItemFailures } = await projectStreamBatch(deps(), batch(created, uncounted));

    expect(batchItemFailures).toEqual([{ itemIdentifier: uncounted.dynamodb?.SequenceNumber }]);
    const { items } = await audit.list({ entityType: 'CREDIT', entityId: 'c1' }, { limit: 10 });
    expect(items.map((item) => item.id)).toEqual([created.eventID]);
    expect(logged).toEqual(['audit record not stored']);
  });

  it('lists every record newest first across entity types, page by page, without repeats', async () => {
    const changes = [
      record('INSERT', undefined, account('c1', 0)),
      record('INSERT', undefined, { ...account('c2', 0), updatedAt: '2026-11-21T12:00:03.000Z' }),
      record('INSERT', undefined, {
        entity: 'PURCHASE',
        id: 'p1',
        version: 1,
        changedBy: 'rep-1',
        updatedAt: '2026-11-21T12:00:02.000Z',
      }),
      record('MODIFY', account('c1', 0), {
        ...account('c1', 500, 'rep-1', 2),
        updatedAt: '2026-11-21T12:00:04.000Z',
      }),
      record('INSERT', undefined, {
        entity: 'PROMO_CODE',
        code: 'X1',
        version: 1,
        changedBy: 'rep-1',
        updatedAt: '2026-11-21T12:00:01.000Z',
      }),
    ];
    await projectStreamBatch(deps(), batch(...changes));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({}, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => `${item.at} ${item.entityType} ${item.entityId}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toEqual([
      '2026-11-21T12:00:04.000Z CREDIT c1',
      '2026-11-21T12:00:03.000Z CREDIT c2',
      '2026-11-21T12:00:02.000Z PURCHASE p1',
      '2026-11-21T12:00:01.000Z PROMO_CODE X1',
      '2026-11-21T12:00:00.000Z CREDIT c1',
    ]);
  });

  it('stores the rest of a batch around a poisoned record, and names the poisoned one', async () => {
    const first = record('INSERT', undefined, account('c1', 0));
    const poisoned = record('MODIFY', undefined, undefined);
    const other = record('INSERT', undefined, account('c2', 0));

    const { batchItemFailures } = await projectStreamBatch(deps(), batch(first, poisoned, other));

    expect(batchItemFailures).toEqual([{ itemIdentifier: poisoned.dynamodb?.SequenceNumber }]);
    expect(
      (await audit.list({ entityType: 'CREDIT' }, { limit: 10 })).items.map((item) => item.entityId).sort(),
    ).toEqual(['c1', 'c2']);
    expect(logged).toEqual(['audit record not stored']);
  });

  it('keeps every record of an item as large as DynamoDB accepts, whole, created, changed and deleted', async () => {
    // Incompressible text: the record cannot be made small, only be stored some other way.
    const text = (): string =>
      randomBytes(400 * 1024)
        .toString('base64')
        .slice(0, 408_000);
    const purchase = (description: string, version: number) => ({
      version,
      PK: 'PURCHASE#big',
      SK: 'PURCHASE',
      entity: 'PURCHASE',
      id: 'big',
      status: 'COMPLETED',
      product: { id: 'prod-1', description },
      changedBy: 'rep-1',
      updatedAt: '2026-11-21T12:00:00.000Z',
    });
    const first = purchase(text(), 1);
    const second = { ...purchase(text(), 2), status: 'REFUNDED' };
    const main = await freshMainTable();
    await main.client.send(new PutCommand({ TableName: main.tableName, Item: second })); // DynamoDB takes it

    const { batchItemFailures } = await projectStreamBatch(
      deps(),
      batch(
        record('INSERT', undefined, first),
        record('MODIFY', first, second),
        record('REMOVE', second, undefined),
      ),
    );

    expect(batchItemFailures).toEqual([]);
    const { items } = await audit.list({ entityType: 'PURCHASE', entityId: 'big' }, { limit: 10 });
    const { PK: _pk, SK: _sk, entity: _entity, version: _version, ...content } = second;
    expect(items.map((item) => [item.sequence, item.action])).toEqual([
      [3, 'DELETED'],
      [2, 'UPDATED'],
      [1, 'CREATED'],
    ]);
    expect(items[0]?.before).toEqual(content);
    expect(items[1]?.before).toEqual({ status: 'COMPLETED', product: first.product });
    expect(items[1]?.after).toEqual({ status: 'REFUNDED', product: second.product });
    expect(items[2]?.after).toEqual({ ...content, status: 'COMPLETED', product: first.product });
    const byType = await audit.list({ entityType: 'PURCHASE' }, { limit: 10 });
    expect(byType.items.map((item) => item.sequence).sort()).toEqual([1, 2, 3]);
    expect(byType.items.find((item) => item.sequence === 1)?.after).toEqual(items[2]?.after);
  });

  it('ignores items that are not entities (idempotency records, operation markers)', async () => {
    const marker = record('INSERT', undefined, {
      PK: 'IDEMPOTENCY#x',
      SK: 'IDEMPOTENCY',
      status: 'IN_PROGRESS',
    });

    const { result } = await projectStreamBatch(deps(), batch(marker));

    expect(result).toMatchObject({ stored: 0, skipped: 1 });
  });
});
