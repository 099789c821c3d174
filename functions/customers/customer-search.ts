import type { ExternalCustomer } from '#shared/external/external-api.schemas.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import type { CustomerSearchHit, CustomerSearchMatch } from './customer.schemas.ts';

/**
 * Customer search. The external API has no search, so the service keeps a search snapshot of every
 * customer it reads (name and email, normalized), refreshed on every read of a customer by the
 * customer routes. A snapshot is as old as the last such read: a name changed in the external API
 * is found under its new name once a customer route has read that customer again (their page, or
 * a customers page that lists them), at most 30 s after the change when someone reads them (the
 * read cache's age). Ids (customer, purchase, shipment) are looked up exactly and are never stale.
 */

/** The snapshot of one customer, as stored. */
export interface SearchSnapshot {
  customerId: string;
  name: string;
  email: string;
  refreshedAt: string;
}

export interface SearchSnapshots {
  /** Stores the snapshot unless the stored one already says the same (no write then). */
  record(snapshot: SearchSnapshot, text: string): Promise<void>;
  /** Customers whose normalized text contains `text`, by that text; cursor as given out. */
  matching(text: string, page: PageRequest): Promise<Page<SearchSnapshot>>;
  /** The snapshot of one customer, if the service has read them. */
  get(customerId: string): Promise<SearchSnapshot | undefined>;
}

/** Ids that point to a customer: a purchase's and a shipment's. */
export interface CustomerPointers {
  customerOfPurchase(purchaseId: string): Promise<string | undefined>;
  customerOfShipment(shipmentId: string): Promise<string | undefined>;
}

export interface SnapshotLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface CustomerSearchDeps {
  snapshots: SearchSnapshots;
  pointers: CustomerPointers;
}

/** Longest stored name and email, each (the index sort key holds both and must stay under 1 KB). */
const MAX_FIELD_CHARS = 300;
/** What separates name, email and id in the stored text; control characters never survive `normalizeSearchText`. */
export const FIELD_SEPARATOR = '\u001f';

/**
 * Text as the search compares it: accents removed (NFKD, combining marks dropped), lower case,
 * runs of white space as one space, control characters removed.
 */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The stored, searchable text of a customer: name, email and id, unique per customer. */
export function searchTextOf(snapshot: Pick<SearchSnapshot, 'customerId' | 'name' | 'email'>): string {
  const name = normalizeSearchText(snapshot.name).slice(0, MAX_FIELD_CHARS);
  const email = normalizeSearchText(snapshot.email).slice(0, MAX_FIELD_CHARS);
  return [name, email, snapshot.customerId].join(FIELD_SEPARATOR);
}

/**
 * Records what a customer route just read, so that search finds the customer by it. Best effort: a
 * failed write leaves the older snapshot and must not fail the read that triggered it.
 */
export async function refreshSearchSnapshot(
  deps: Pick<CustomerSearchDeps, 'snapshots'> & { logger: SnapshotLogger },
  customer: Pick<ExternalCustomer, 'id' | 'name' | 'email'>,
  now: string,
): Promise<void> {
  const snapshot = { customerId: customer.id, name: customer.name, email: customer.email, refreshedAt: now };
  try {
    await deps.snapshots.record(snapshot, searchTextOf(snapshot));
  } catch (error) {
    deps.logger.warn('search snapshot not refreshed', { customerId: customer.id, error });
  }
}

/** A term that could be an id: no space, and the shape external and issued ids share. */
const ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Customers matching `term`: on the first page, first the exact id matches (a customer id, a
 * purchase id, a shipment id), then, on every page, the customers whose name or email contains the
 * term (case and accents ignored; prefix or any part), ordered by name. A customer is listed once.
 * @throws ValidationError for a cursor this search did not give out
 */
export async function searchCustomers(
  deps: CustomerSearchDeps,
  term: string,
  page: PageRequest,
): Promise<Page<CustomerSearchHit>> {
  const exact = page.cursor === undefined ? await exactMatches(deps, term.trim()) : [];
  const text = normalizeSearchText(term);
  // The id matches take their places on the first page (a page of 1 to 3 may then hold one more).
  const textPage = { ...page, limit: Math.max(1, page.limit - exact.length) };
  const byText =
    text === '' ? { items: [], nextCursor: null } : await deps.snapshots.matching(text, textPage);
  const seen = new Set(exact.map((hit) => hit.id));
  const textHits = byText.items
    .filter((snapshot) => !seen.has(snapshot.customerId))
    .map((snapshot) => hitOf(snapshot, 'NAME_OR_EMAIL'));
  return { items: [...exact, ...textHits], nextCursor: byText.nextCursor };
}

async function exactMatches(deps: CustomerSearchDeps, term: string): Promise<CustomerSearchHit[]> {
  if (!ID_SHAPE.test(term)) return [];
  const [asCustomer, ofPurchase, ofShipment] = await Promise.all([
    deps.snapshots.get(term),
    deps.pointers.customerOfPurchase(term),
    deps.pointers.customerOfShipment(term),
  ]);
  const hits: CustomerSearchHit[] = [];
  if (asCustomer) hits.push(hitOf(asCustomer, 'CUSTOMER_ID'));
  for (const [customerId, matchedBy] of [
    [ofPurchase, 'PURCHASE_ID'],
    [ofShipment, 'SHIPMENT_ID'],
  ] as const) {
    if (customerId === undefined || hits.some((hit) => hit.id === customerId)) continue;
    const snapshot = await deps.snapshots.get(customerId);
    hits.push(
      snapshot
        ? hitOf(snapshot, matchedBy)
        : { id: customerId, name: null, email: null, matchedBy, refreshedAt: null },
    );
  }
  return hits;
}

const hitOf = (snapshot: SearchSnapshot, matchedBy: CustomerSearchMatch): CustomerSearchHit => ({
  id: snapshot.customerId,
  name: snapshot.name,
  email: snapshot.email,
  matchedBy,
  refreshedAt: snapshot.refreshedAt,
});
