import { canonicalJson } from '#shared/canonical-json.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import type { AuditAction, AuditEntityType, StoredAuditRecord } from './audit.schemas.ts';

type Item = Record<string, unknown>;

/** One change of one main-table item, as the table's stream reports it. */
export interface StoredChange {
  /** Unique per stream record: what makes a redelivered record recognisable. */
  eventId: string;
  /** The stream's position of the record; what a partial batch failure names. */
  sequenceNumber: string;
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  before: Item | undefined;
  after: Item | undefined;
  /** When the stream saw the change (second precision); used when the item carries no time. */
  observedAt: string;
}

export interface AuditRepository {
  /**
   * Stores the record in its place in the entity's sequence, at most once per stream record.
   * @returns false when this stream record was stored before (a redelivery)
   * @throws Error when another change holds that place (a write that did not count its version)
   */
  append(record: StoredAuditRecord): Promise<boolean>;
  list(
    filter: { entityType?: AuditEntityType | undefined; entityId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<StoredAuditRecord>>;
}

/** The main table's item kinds (their `entity` attribute) that are audited, and how each is named. */
const AUDITED: Record<string, { type: AuditEntityType; id: (item: Item) => unknown }> = {
  CREDIT_ACCOUNT: { type: 'CREDIT', id: (item) => item.customerId },
  CREDIT_TRANSACTION: { type: 'CREDIT_TRANSACTION', id: (item) => item.id },
  RESERVATION: { type: 'RESERVATION', id: (item) => item.purchaseId },
  PURCHASE: { type: 'PURCHASE', id: (item) => item.id },
  REFUND: { type: 'REFUND', id: (item) => item.id },
  PROMO_CODE: { type: 'PROMO_CODE', id: (item) => item.code },
};

const ACTIONS: Record<StoredChange['kind'], AuditAction> = {
  INSERT: 'CREATED',
  MODIFY: 'UPDATED',
  REMOVE: 'DELETED',
};

/**
 * Storage and index attributes: how the item is kept, not what it says. `version` counts the item's
 * writes; the record carries it as its `sequence`.
 */
const STORAGE_ATTRIBUTES = new Set([
  'version',
  'PK',
  'SK',
  'entity',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
]);

const content = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name)));

/**
 * The top-level attributes that differ between two images: `before` holds their old values and
 * `after` their new ones, so a removed attribute is in `before` only and an added one in `after` only.
 * Values are compared as canonical JSON (map key order does not matter).
 */
export function changedAttributes(before: Item, after: Item): { before: Item; after: Item } {
  const changed = (name: string): boolean =>
    !Object.hasOwn(before, name) ||
    !Object.hasOwn(after, name) ||
    canonicalJson(before[name]) !== canonicalJson(after[name]);
  return {
    before: Object.fromEntries(Object.entries(before).filter(([name]) => changed(name))),
    after: Object.fromEntries(Object.entries(after).filter(([name]) => changed(name))),
  };
}

/**
 * The images a record keeps. An update keeps only what it changed: a large item's record then stays
 * small (the contract allows leaving unchanged attributes out); creation and deletion keep the item.
 */
function imagesOf(change: StoredChange): Pick<StoredAuditRecord, 'before' | 'after'> {
  if (change.kind === 'MODIFY' && change.before && change.after) {
    return changedAttributes(content(change.before), content(change.after));
  }
  return {
    before: change.before ? content(change.before) : null,
    after: change.after ? content(change.after) : null,
  };
}

/**
 * What a trail (oldest first) says its entity is now: CREATED's `after`, then each UPDATED laid over
 * it (its `after` set, the attributes it has in `before` only removed); nothing after DELETED.
 */
export function foldTrail(
  trail: readonly Pick<StoredAuditRecord, 'action' | 'before' | 'after'>[],
): Item | null {
  let state: Item | null = null;
  for (const { action, before, after } of trail) {
    if (action === 'DELETED') {
      state = null;
      continue;
    }
    const next: Item = action === 'CREATED' ? {} : { ...(state ?? {}) };
    for (const name of Object.keys(before ?? {})) delete next[name];
    state = { ...next, ...after };
  }
  return state;
}

/** Who changed the item: the writer records it in `changedBy`, or the item names its `actor`. */
function actorOf(item: Item): string {
  const actor = item.changedBy ?? item.actor;
  return typeof actor === 'string' && actor !== '' ? actor : 'unknown';
}

/**
 * The place of a change in its entity's sequence: the version the write gave the item (item-version.ts),
 * or, for a deletion, the one after the last.
 */
function sequenceOf(change: StoredChange, item: Item): number {
  const version = Number(item.version);
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`stream record ${change.eventId}: ${String(item.entity)} item has no version`);
  }
  return change.kind === 'REMOVE' ? version + 1 : version;
}

/**
 * The audit entry for a change, or undefined for items that are not business entities (idempotency
 * records, operation markers: their effects are audited through the entities they guard).
 * @throws Error for an audited item that does not say which entity it is, or which version (a poisoned record)
 */
export function auditEntryFor(change: StoredChange): StoredAuditRecord | undefined {
  const item = change.after ?? change.before;
  if (!item) throw new Error(`stream record ${change.eventId} carries no image`);
  const audited = typeof item.entity === 'string' ? AUDITED[item.entity] : undefined;
  if (!audited) return undefined;
  const entityId = audited.id(item);
  if (typeof entityId !== 'string' || entityId === '') {
    throw new Error(`stream record ${change.eventId}: ${String(item.entity)} item has no id`);
  }
  const at =
    change.kind === 'REMOVE'
      ? change.observedAt
      : String(item.updatedAt ?? item.createdAt ?? change.observedAt);
  return {
    id: change.eventId,
    entityType: audited.type,
    entityId,
    action: ACTIONS[change.kind],
    ...imagesOf(change),
    actor: actorOf(item),
    at,
    sequence: sequenceOf(change, item),
  };
}

export interface ProjectionResult {
  stored: number;
  duplicates: number;
  skipped: number;
  /** The stream position of the first change that could not be stored, if any. */
  firstFailure?: string;
}

/**
 * Stores one audit record per change, in stream order. A change that fails holds back the later
 * changes of the same entity (so each entity's sequence keeps its order) but not the others; the
 * caller reports the first failure, and the stream delivers from there again, where the changes
 * already stored are recognised and not stored twice.
 */
export async function projectChanges(
  deps: { audit: AuditRepository; logger: { error(message: string, fields: Record<string, unknown>): void } },
  changes: readonly StoredChange[],
): Promise<ProjectionResult> {
  const result: ProjectionResult = { stored: 0, duplicates: 0, skipped: 0 };
  const heldBack = new Set<string>();
  for (const change of changes) {
    let entry: StoredAuditRecord | undefined;
    try {
      entry = auditEntryFor(change);
      if (!entry) {
        result.skipped += 1;
        continue;
      }
      const entityKey = `${entry.entityType}#${entry.entityId}`;
      if (heldBack.has(entityKey)) continue;
      try {
        if (await deps.audit.append(entry)) result.stored += 1;
        else result.duplicates += 1;
      } catch (error) {
        heldBack.add(entityKey);
        throw error;
      }
    } catch (error) {
      deps.logger.error('audit record not stored', {
        eventId: change.eventId,
        sequenceNumber: change.sequenceNumber,
        error: error as Error,
      });
      result.firstFailure ??= change.sequenceNumber;
    }
  }
  return result;
}

export function listAudit(
  deps: { audit: AuditRepository },
  filter: { entityType?: AuditEntityType | undefined; entityId?: string | undefined },
  page: PageRequest,
): Promise<Page<StoredAuditRecord>> {
  return deps.audit.list(filter, page);
}
