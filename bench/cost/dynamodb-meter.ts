import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { itemSize } from '../../functions/shared/db/item-size.ts';
import type { IndexDeclaration, TableDeclaration } from '../../functions/shared/db/tables.ts';

/**
 * Counts what DynamoDB would bill for every call a client makes, by AWS's rules rather than by
 * DynamoDB Local's `ConsumedCapacity` (which over-reports transactions):
 * - a write is 1 unit per KB of the larger of the item before and after it (2 in a transaction),
 *   a failed conditional write still costs the item it was checked against;
 * - each global secondary index the write touches is written too, by its projection: an entry
 *   added, removed, moved (2 writes) or changed in a projected attribute, 1 unit per KB of entry;
 * - a read is 1 unit per 4 KB read, half when eventually consistent, twice in a transaction.
 * Sizes follow DynamoDB's item size rules (names + values). The item before and after each write
 * is read with a client of its own, which is not counted; the bench runs sequentially enough that
 * nothing else writes the same item in between.
 *
 * The same units are also counted by the partition key that takes them (`partitionKeys()`): the
 * item's table partition for its own write, and each index partition for its entries (a moved entry
 * costs its old partition and its new one). DynamoDB caps each partition key at 1,000 units a
 * second, so that is what `npm run bench:scale` reads its ceilings from.
 */

type Image = Record<string, AttributeValue>;
type Key = Record<string, AttributeValue>;

export interface CapacityLine {
  table: string;
  /** What was written or read: the item's `entity` (or its key's prefix), the call, and how. */
  label: string;
  calls: number;
  writeUnits: number;
  readUnits: number;
  /** Writes of global secondary index entries, in write units. */
  indexWriteUnits: number;
}

interface TableInfo {
  name: string;
  declaration: TableDeclaration;
}

const KB = 1024;

const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));
const readUnits = (bytes: number, consistent: boolean): number =>
  Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);

/** The entry an item has in an index (its keys and projected attributes), or undefined when it has none. */
function indexEntry(
  table: TableDeclaration,
  index: IndexDeclaration,
  item: Image | undefined,
): Image | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  if (index.projection === 'ALL') return item;
  const kept = new Set([table.partitionKey, table.sortKey, index.partitionKey, index.sortKey]);
  if (index.projection !== 'KEYS_ONLY') for (const name of index.projection) kept.add(name);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** One index partition's share of a write: the index, its partition key's value, the units. */
interface IndexWrite {
  index: string;
  partition: string;
  units: number;
}

/** The index entries one item write touches, each with the partition that takes it. */
function indexWrites(
  table: TableDeclaration,
  before: Image | undefined,
  after: Image | undefined,
): IndexWrite[] {
  const writes: IndexWrite[] = [];
  for (const index of table.globalSecondaryIndexes) {
    const old = indexEntry(table, index, before);
    const next = indexEntry(table, index, after);
    const entry = (image: Image): IndexWrite => ({
      index: index.indexName,
      partition: keyText(image[index.partitionKey]),
      units: writeUnits(itemSize(image)),
    });
    if (!old && !next) continue;
    if (!old && next) writes.push(entry(next));
    else if (old && !next) writes.push(entry(old));
    else if (old && next) {
      const moved =
        !same(old[index.partitionKey], next[index.partitionKey]) ||
        !same(old[index.sortKey], next[index.sortKey]);
      if (moved) writes.push(entry(old), entry(next));
      else if (!same(sorted(old), sorted(next))) writes.push(entry(next));
    }
  }
  return writes;
}

const keyText = (value: AttributeValue | undefined): string => value?.S ?? value?.N ?? JSON.stringify(value);

const sorted = (item: Image): Image =>
  Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));

/** What a key or an item is, for the breakdown: its `entity`, an audit record's type, else its key's prefix. */
function kindOf(item: Image | undefined, key: Key): string {
  const entity = item?.entity?.S;
  if (entity && !entity.includes('#')) return entity;
  if (item?.entityType?.S) return `audit record of ${item.entityType.S}`;
  const pk = key.PK?.S ?? '';
  return pk.split('#')[0] || pk;
}

interface WriteItem {
  op: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  table: string;
  key: Key;
  /** For a Put: the item as written. */
  item?: Image;
}

/** The write units one partition key took: of a table (`index` undefined) or of one of its indexes. */
export interface PartitionLine {
  table: string;
  index?: string | undefined;
  partition: string;
  writeUnits: number;
}

export class DynamoDbMeter {
  private readonly lines = new Map<string, CapacityLine>();
  private readonly partitions = new Map<string, PartitionLine>();
  private readonly raw: DynamoDBClient;
  private readonly tables = new Map<string, TableInfo>();
  private enabled = true;

  constructor(endpoint: string, tables: readonly TableInfo[]) {
    this.raw = new DynamoDBClient({ endpoint });
    for (const table of tables) this.tables.set(table.name, table);
  }

  /** Meters every call of this client from now on. */
  attach(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.enabled) return next(args);
        return this.meter(context.commandName ?? '', args.input as Record<string, unknown>, () => next(args));
      },
      // After the document client has marshalled the input (serialize), before signing.
      { step: 'build', name: 'costMeter', priority: 'high' },
    );
  }

  /** Stops counting (and stops reading before and after writes). */
  pause(): void {
    this.enabled = false;
  }

  resume(): void {
    this.enabled = true;
  }

  reset(): void {
    this.lines.clear();
    this.partitions.clear();
  }

  snapshot(): CapacityLine[] {
    return [...this.lines.values()].map((line) => ({ ...line }));
  }

  /** The write units each partition key took since the last reset, of the tables and their indexes. */
  partitionKeys(): PartitionLine[] {
    return [...this.partitions.values()].map((line) => ({ ...line }));
  }

  private countPartition(table: string, index: string | undefined, partition: string, units: number): void {
    const key = `${table}|${index ?? ''}|${partition}`;
    const line = this.partitions.get(key) ?? { table, index, partition, writeUnits: 0 };
    line.writeUnits += units;
    this.partitions.set(key, line);
  }

  private partitionOf(table: string, key: Key): string {
    const name = this.tables.get(table)?.declaration.partitionKey ?? Object.keys(key)[0] ?? '';
    return keyText(key[name]);
  }

  private line(table: string, label: string): CapacityLine {
    const key = `${table}|${label}`;
    let line = this.lines.get(key);
    if (!line) {
      line = { table, label, calls: 0, writeUnits: 0, readUnits: 0, indexWriteUnits: 0 };
      this.lines.set(key, line);
    }
    return line;
  }

  private tableLabel(name: string): string {
    return this.tables.get(name)?.declaration.id ?? name;
  }

  private keyOf(table: string, item: Image): Key {
    const declaration = this.tables.get(table)?.declaration;
    const names = declaration ? [declaration.partitionKey, declaration.sortKey] : Object.keys(item);
    return Object.fromEntries(names.map((name) => [name, item[name] as AttributeValue]));
  }

  private async read(table: string, key: Key): Promise<Image | undefined> {
    const { Item } = await this.raw.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  private async meter<T>(
    command: string,
    input: Record<string, unknown>,
    send: () => Promise<T>,
  ): Promise<T> {
    const writes = writesOf(command, input, (table, item) => this.keyOf(table, item));
    if (writes) return this.meterWrites(command, writes, send);
    const result = await send();
    this.meterRead(command, input, (result as { output?: Record<string, unknown> }).output ?? {});
    return result;
  }

  private async meterWrites<T>(command: string, writes: WriteItem[], send: () => Promise<T>): Promise<T> {
    const transactional = command === 'TransactWriteItemsCommand';
    const before = await Promise.all(writes.map((write) => this.read(write.table, write.key)));
    let result: T;
    try {
      result = await send();
    } catch (error) {
      // A refused write still costs the item it was checked against (at least one unit each).
      writes.forEach((write, index) => {
        const line = this.line(
          this.tableLabel(write.table),
          `${kindOf(before[index], write.key)} ${write.op}${transactional ? ' (txn)' : ''} refused`,
        );
        const units = writeUnits(itemSize(before[index])) * (transactional ? 2 : 1);
        line.calls += 1;
        line.writeUnits += units;
        this.countPartition(
          this.tableLabel(write.table),
          undefined,
          this.partitionOf(write.table, write.key),
          units,
        );
      });
      throw error;
    }
    const after = await Promise.all(writes.map((write) => this.read(write.table, write.key)));
    writes.forEach((write, index) => {
      const old = before[index];
      const next = after[index];
      const declaration = this.tables.get(write.table)?.declaration;
      const line = this.line(
        this.tableLabel(write.table),
        `${kindOf(next ?? old ?? write.item, write.key)} ${write.op}${transactional ? ' (txn)' : ''}`,
      );
      line.calls += 1;
      const table = this.tableLabel(write.table);
      const partition = this.partitionOf(write.table, write.key);
      if (write.op === 'ConditionCheck') {
        const units = writeUnits(itemSize(old)) * 2;
        line.writeUnits += units;
        this.countPartition(table, undefined, partition, units);
        return;
      }
      const units = writeUnits(Math.max(itemSize(old), itemSize(next))) * (transactional ? 2 : 1);
      line.writeUnits += units;
      this.countPartition(table, undefined, partition, units);
      for (const entry of declaration ? indexWrites(declaration, old, next) : []) {
        line.indexWriteUnits += entry.units;
        this.countPartition(table, entry.index, entry.partition, entry.units);
      }
    });
    return result;
  }

  private meterRead(command: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
    const table = String(input.TableName ?? '');
    const consistent = input.ConsistentRead === true;
    const sizeOf = (item: unknown): number =>
      itemSize(
        item ? marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }) : undefined,
      );
    if (command === 'GetItemCommand') {
      const line = this.line(
        this.tableLabel(table),
        `${kindOf(output.Item ? marshall(output.Item as Record<string, unknown>, { removeUndefinedValues: true }) : undefined, marshall(input.Key as Record<string, unknown>))} GetItem${consistent ? ' (strong)' : ''}`,
      );
      line.calls += 1;
      line.readUnits += readUnits(sizeOf(output.Item), consistent);
      return;
    }
    if (command === 'QueryCommand' || command === 'ScanCommand') {
      const items = (output.Items ?? []) as unknown[];
      const index = input.IndexName ? ` ${String(input.IndexName)}` : '';
      const line = this.line(
        this.tableLabel(table),
        `${command.replace('Command', '')}${index}${consistent ? ' (strong)' : ''}`,
      );
      line.calls += 1;
      line.readUnits += readUnits(
        items.reduce<number>((sum, item) => sum + sizeOf(item), 0),
        consistent,
      );
      return;
    }
    if (command === 'BatchGetItemCommand') {
      // By table, as the bill is, strongly consistent or not as each table's request asked.
      const requests = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
      for (const [name, items] of Object.entries((output.Responses ?? {}) as Record<string, unknown[]>)) {
        const strong = requests[name]?.ConsistentRead === true;
        const line = this.line(this.tableLabel(name), `BatchGetItem${strong ? ' (strong)' : ''}`);
        line.calls += 1;
        for (const item of items) line.readUnits += readUnits(sizeOf(item), strong);
      }
      return;
    }
    if (command === 'TransactGetItemsCommand') {
      const line = this.line('(several)', command.replace('Command', ''));
      line.calls += 1;
      const responses = (output.Responses ?? []) as { Item?: unknown }[];
      for (const response of responses) line.readUnits += readUnits(sizeOf(response.Item), true) * 2;
      return;
    }
    this.line(this.tableLabel(table), command.replace('Command', '')).calls += 1;
  }
}

/** The items a write call writes, or undefined for a call that writes nothing. */
function writesOf(
  command: string,
  input: Record<string, unknown>,
  keyOf: (table: string, item: Image) => Key,
): WriteItem[] | undefined {
  const table = String(input.TableName ?? '');
  switch (command) {
    case 'PutItemCommand': {
      const item = input.Item as Image;
      return [{ op: 'Put', table, key: keyOf(table, item), item }];
    }
    case 'UpdateItemCommand':
      return [{ op: 'Update', table, key: input.Key as Key }];
    case 'DeleteItemCommand':
      return [{ op: 'Delete', table, key: input.Key as Key }];
    case 'TransactWriteItemsCommand':
      return (input.TransactItems as Record<string, Record<string, unknown>>[]).map((entry) => {
        const [op, write] = Object.entries(entry)[0] as [WriteItem['op'], Record<string, unknown>];
        const tableName = String(write.TableName);
        if (op === 'Put') {
          const item = write.Item as Image;
          return { op, table: tableName, key: keyOf(tableName, item), item };
        }
        return { op, table: tableName, key: write.Key as Key };
      });
    case 'BatchWriteItemCommand':
      throw new Error('the cost meter does not count BatchWriteItem: the service does not use it');
    default:
      return undefined;
  }
}
