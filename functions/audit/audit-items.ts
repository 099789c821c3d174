import { gunzipSync, gzipSync } from 'node:zlib';
import { MAX_ITEM_BYTES, storedItemSize } from '#shared/db/item-size.ts';
import { auditTypePartition } from '#shared/db/keys.ts';
import { type StoredAuditRecord, StoredAuditRecordSchema } from './audit.schemas.ts';
import { auditEntryFor } from './audit.ts';

/**
 * How an audit record is laid out in the audit table. A record is one item: under its entity
 * (`PK` type#id, `SK` SEQ#n, n being the version the change gave the item), indexed by type and
 * time (GSI1, keys only, in one of the type's shards: keys.ts). Its key is its place in the entity's sequence, so a redelivered stream
 * record finds its place taken by itself.
 *
 * A record whose images would take it near DynamoDB's 400 KB item limit (a CREATED or DELETED record
 * of a large item, or an update that changed a large attribute) keeps them elsewhere: `before` and
 * `after` as gzipped JSON, cut into parts under a partition of the stream record's own
 * (`EVENT#id`, `PART#001`, `PART#002`…), written in the same transaction as the record. The record then
 * says how many parts it has.
 */

type Item = Record<string, unknown>;
type Images = Pick<StoredAuditRecord, 'before' | 'after'>;

const SEQUENCE_PREFIX = 'SEQ#';
const PART_PREFIX = 'PART#';
/** Records up to this size (as JSON, which measures these items at least as large as DynamoDB does) keep their images inline. */
const INLINE_LIMIT_BYTES = 350 * 1024;
/**
 * Bytes of gzipped images per part. Two images of at most 400 KB each gzip to at most about 800 KB,
 * so a record has at most 3 parts: a 4-item transaction (DynamoDB Local allows 10, AWS 100).
 */
const PART_BYTES = 300 * 1024;
/** A record and its parts are one transaction: DynamoDB Local takes 10 items in one (AWS 100). */
const MAX_ITEMS_PER_RECORD = 10;
/** Stream event ids are 32 hex digits; a longer stand-in makes the estimate an upper bound. */
const LONGEST_EVENT_ID = 'e'.repeat(64);

export const entityPartition = (type: string, id: string): string => `${type}#${id}`;
export const sequenceKey = (sequence: number): string =>
  `${SEQUENCE_PREFIX}${String(sequence).padStart(12, '0')}`;
export const partsPartition = (eventId: string): string => `EVENT#${eventId}`;
const partKey = (eventId: string, part: number): { PK: string; SK: string } => ({
  PK: partsPartition(eventId),
  SK: `${PART_PREFIX}${String(part).padStart(3, '0')}`,
});

export const isRecordItem = (item: Item): boolean => String(item.SK).startsWith(SEQUENCE_PREFIX);
/** The index sort key of a record: `{at}#{id}`, unique, in time order. */
export const timeKeyOf = (record: Pick<StoredAuditRecord, 'at' | 'id'>): string =>
  `${record.at}#${record.id}`;
export const isPartItem = (item: Item): boolean => String(item.SK).startsWith(PART_PREFIX);

/** The query that reads a record's parts, in order. */
export const partsQuery = (eventId: string): { condition: string; values: Record<string, string> } => ({
  condition: 'PK = :pk AND begins_with(SK, :parts)',
  values: { ':pk': partsPartition(eventId), ':parts': PART_PREFIX },
});

/** The items that store a record: the record itself and, when its images are too large for it, their parts. */
export function recordItems(record: StoredAuditRecord): { record: Item; parts: Item[] } {
  const timeKey = timeKeyOf(record);
  const item: Item = {
    PK: entityPartition(record.entityType, record.entityId),
    SK: sequenceKey(record.sequence),
    GSI1PK: auditTypePartition(record.entityType, record.id),
    GSI1SK: timeKey,
    ...record,
  };
  if (Buffer.byteLength(JSON.stringify(item)) <= INLINE_LIMIT_BYTES) return { record: item, parts: [] };

  const { before, after, ...rest } = item;
  const packed = gzipSync(JSON.stringify({ before, after }));
  const parts: Item[] = [];
  for (let offset = 0; offset < packed.length; offset += PART_BYTES) {
    parts.push({
      ...partKey(record.id, parts.length + 1),
      data: packed.subarray(offset, offset + PART_BYTES),
    });
  }
  return { record: { ...rest, imageParts: parts.length }, parts };
}

/**
 * The record a stored item holds, with its images read back from its parts when it has them.
 * @throws Error when the record names parts that are not all there (they are written in one transaction)
 */
export function recordFromItems(item: Item, parts: readonly Item[]): StoredAuditRecord {
  if (item.imageParts === undefined) return StoredAuditRecordSchema.parse(item);
  const ordered = [...parts].sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
  if (ordered.length !== Number(item.imageParts)) {
    throw new Error(`audit record ${String(item.id)}: ${ordered.length} of ${String(item.imageParts)} parts`);
  }
  const packed = Buffer.concat(ordered.map((part) => part.data as Uint8Array));
  const images = JSON.parse(gunzipSync(packed).toString('utf8')) as Images;
  return StoredAuditRecordSchema.parse({ ...item, before: images.before, after: images.after });
}

/** Whether a stored record keeps its images in parts (the reader must fetch them). */
export const hasParts = (item: Item): boolean => item.imageParts !== undefined;

/**
 * Whether the audit can store the record of `item`'s creation, which carries its whole image: the
 * record and each of its parts under DynamoDB's item limit, in one transaction. Checked before a
 * purchase holds anything, so that no change it makes is one the audit cannot keep.
 */
export function creationRecordFits(item: Item): boolean {
  const record = auditEntryFor({
    eventId: LONGEST_EVENT_ID,
    sequenceNumber: '',
    kind: 'INSERT',
    before: undefined,
    after: item,
    observedAt: new Date(0).toISOString(),
  });
  if (!record) return true;
  const { record: stored, parts } = recordItems(record);
  return (
    1 + parts.length <= MAX_ITEMS_PER_RECORD &&
    [stored, ...parts].every((part) => storedItemSize(part) <= MAX_ITEM_BYTES)
  );
}
