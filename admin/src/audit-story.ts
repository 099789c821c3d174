import type { AuditRecord, Refund } from './api-types.ts';
import { formatCents } from './money.ts';
import { formatTime } from './time.ts';

/**
 * An audit record in a rep's words: a headline ("Refunded $10.00 (1 unit) by demo-support: damaged
 * box"), and each field it changed with its value as a rep reads it: dollars, times in the rep's zone,
 * snapshots (the product and customer as bought) as one line per field rather than a JSON blob.
 */

type Item = Record<string, unknown>;

/** One field of a change: what it was and what it became (a creation has only `after`). */
export interface FieldLine {
  label: string;
  before: string | undefined;
  after: string | undefined;
}

export interface Story {
  headline: string;
  fields: FieldLine[];
}

/** What the trail's page knows beside the records: a purchase's refunds, for their reasons. */
export interface StoryContext {
  refunds?: readonly Refund[];
}

/** The record's own `at` and actor: shown once in the headline, never again as a field. */
const HIDDEN = new Set(['createdAt', 'updatedAt', 'changedBy', 'actor']);

/** Fields whose values are the service's enums: `PARTIALLY_REFUNDED` reads "partially refunded". */
const ENUMS = new Set(['status', 'type', 'kind']);

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** `refundedCents` → "Refunded", `shippingAddress` → "Shipping address", `shipmentId` → "Shipment id". */
export function labelOf(name: string): string {
  const words = name
    .replace(/Cents(?=[A-Z]|$)/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function textOf(name: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && /Cents/.test(name)) return formatCents(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && ENUMS.has(name) && /^[A-Z_]+$/.test(value))
    return value.toLowerCase().replaceAll('_', ' ');
  if (typeof value === 'string') return ISO_TIME.test(value) ? formatTime(value) : value;
  if (Array.isArray(value))
    return value.every((entry) => typeof entry !== 'object' || entry === null)
      ? value.join(', ')
      : `${value.length} entries`;
  return String(value);
}

/** A value as field lines: an object (a snapshot) becomes one line per leaf, "Product · Name". */
function flatten(name: string, value: unknown, label = labelOf(name)): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return Object.entries(value as Item).flatMap(([key, inner]) =>
      flatten(key, inner, `${label} · ${labelOf(key)}`),
    );
  return [[label, textOf(name, value)]];
}

/** The fields that differ between before and after, in the item's order, as a rep reads them. */
export function fieldLines(before: Item | null, after: Item | null): FieldLine[] {
  const names = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])].filter(
    (name) => !HIDDEN.has(name),
  );
  const lines = new Map<string, FieldLine>();
  for (const name of names) {
    if (before && name in before)
      for (const [label, text] of flatten(name, before[name]))
        lines.set(label, { label, before: text, after: undefined });
    if (after && name in after)
      for (const [label, text] of flatten(name, after[name]))
        lines.set(label, { label, before: lines.get(label)?.before, after: text });
  }
  return [...lines.values()].filter((line) => line.before !== line.after);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const units = (count: number | undefined): string =>
  count ? ` (${count} unit${count === 1 ? '' : 's'})` : '';

/** The refund that took a purchase's refunded total to `refundedCents`: refunds add up in order. */
function refundReaching(refunds: readonly Refund[], refundedCents: number): Refund | undefined {
  let total = 0;
  for (const refund of [...refunds].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    total += refund.amountCents;
    if (total === refundedCents) return refund;
  }
  return undefined;
}

/** What happened, without who (the caller adds "by …" and the reason). */
function whatHappened(
  record: AuditRecord,
  context: StoryContext,
): { what: string; reason?: string | undefined } {
  const before = record.before ?? {};
  const after = record.after ?? {};
  const created = record.action === 'CREATED';
  switch (record.entityType) {
    case 'CREDIT_TRANSACTION': {
      const cents = Math.abs(num(after.amountCents) ?? 0);
      const verb: Record<string, string> = {
        GRANT: 'Granted',
        DEDUCTION: 'Deducted',
        PURCHASE: 'Paid',
        REFUND: 'Refunded to credit',
        EXPIRY: 'Expired',
      };
      const reason = str(after.reason);
      if (created)
        return {
          what: `${verb[str(after.type) ?? ''] ?? 'Credit entry'} ${formatCents(cents)}`,
          ...(reason ? { reason } : {}),
        };
      break;
    }
    case 'CREDIT': {
      if (created)
        return { what: `Credit account opened, balance ${formatCents(num(after.balanceCents) ?? 0)}` };
      const [was, now] = [num(before.balanceCents), num(after.balanceCents)];
      if (was !== undefined && now !== undefined)
        return { what: `Balance ${formatCents(was)} → ${formatCents(now)}` };
      const [held, holds] = [num(before.heldCents), num(after.heldCents)];
      if (held !== undefined && holds !== undefined)
        return { what: `Held ${formatCents(held)} → ${formatCents(holds)}` };
      break;
    }
    case 'PURCHASE': {
      if (created) {
        const product = (after.product ?? {}) as Item;
        return {
          what: `Bought ${num(after.quantity) ?? '?'} × ${str(product.name) ?? str(after.productId) ?? 'a product'} for ${formatCents(num(after.totalCents) ?? 0)}`,
        };
      }
      const [was, now] = [num(before.refundedCents), num(after.refundedCents)];
      if (was !== undefined && now !== undefined && now > was) {
        const refund = refundReaching(context.refunds ?? [], now);
        const unitDelta = (num(after.refundedQuantity) ?? 0) - (num(before.refundedQuantity) ?? 0);
        return {
          what: `Refunded ${formatCents(now - was)}${units(unitDelta > 0 ? unitDelta : refund?.quantity)}`,
          ...(refund ? { reason: refund.reason } : {}),
        };
      }
      if (str(after.status))
        return { what: `Purchase ${str(after.status)?.toLowerCase().replaceAll('_', ' ')}` };
      break;
    }
    case 'REFUND':
      if (created)
        return {
          what: `Refunded ${formatCents(num(after.amountCents) ?? 0)}${units(num(after.quantity))}`,
          ...(str(after.reason) ? { reason: str(after.reason) } : {}),
        };
      break;
    case 'PROMO_CODE': {
      const code = str(after.code) ?? record.entityId;
      if (created) return { what: `Created promo code ${code}` };
      if (after.active === false) return { what: `Deactivated promo code ${code}` };
      if (after.active === true) return { what: `Reactivated promo code ${code}` };
      break;
    }
    case 'RESERVATION':
      if (created) return { what: `Held ${formatCents(num(after.totalCents) ?? 0)} for a purchase` };
      if (str(after.status)) return { what: `Reservation ${str(after.status)?.toLowerCase()}` };
      break;
  }
  const entity = labelOf(
    record.entityType.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
  );
  const changed = fieldLines(record.before, record.after).map((line) => line.label.toLowerCase());
  return {
    what:
      record.action === 'UPDATED' && changed.length > 0
        ? `${entity}: changed ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? '…' : ''}`
        : `${entity} ${record.action.toLowerCase()}`,
  };
}

export function storyOf(record: AuditRecord, context: StoryContext = {}): Story {
  const { what, reason } = whatHappened(record, context);
  return {
    headline: `${what} by ${record.actor}${reason ? `: ${reason}` : ''}`,
    fields: fieldLines(record.before, record.after),
  };
}
