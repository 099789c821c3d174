/**
 * A type test, checked by `tsc` (the root tsconfig includes clients/): the requests the service
 * refuses with 400 for a rule the document states must not compile with the types openapi-typescript
 * generates with its default settings. Each `@ts-expect-error` fails the type check if its line compiles.
 */
import type { components } from '../src/schema.ts';

type Schemas = components['schemas'];
const take = <T>(value: T): T => value;

// Refunds: by amount, by quantity, or neither (all that remains); never both.
take<Schemas['RefundRequest']>({ reason: 'damaged', amountCents: 500 });
take<Schemas['RefundRequest']>({ reason: 'damaged', quantity: 1 });
take<Schemas['RefundRequest']>({ reason: 'damaged' });
// @ts-expect-error amountCents and quantity together
take<Schemas['RefundRequest']>({ reason: 'damaged', amountCents: 500, quantity: 1 });

// Promo codes: PERCENT takes percentOff, FIXED takes amountOffCents, never the other.
take<Schemas['CreatePromoCodeRequest']>({ code: 'TEN', kind: 'PERCENT', percentOff: 10 });
take<Schemas['CreatePromoCodeRequest']>({ code: 'FIVE', kind: 'FIXED', amountOffCents: 500 });
// @ts-expect-error PERCENT without percentOff
take<Schemas['CreatePromoCodeRequest']>({ code: 'TEN', kind: 'PERCENT' });
// @ts-expect-error FIXED with a percentOff
take<Schemas['CreatePromoCodeRequest']>({ code: 'FIVE', kind: 'FIXED', amountOffCents: 500, percentOff: 5 });
// @ts-expect-error FIXED without amountOffCents
take<Schemas['CreatePromoCodeRequest']>({ code: 'FIVE', kind: 'FIXED' });

// A promo code's change changes something.
take<Schemas['UpdatePromoCodeRequest']>({ active: false });
take<Schemas['UpdatePromoCodeRequest']>({ active: true, maxRedemptions: 10 });
// @ts-expect-error no change at all
take<Schemas['UpdatePromoCodeRequest']>({});

// quantity may be left out (the service takes 1).
take<Schemas['CreatePurchaseRequest']>({ customerId: 'c', productId: 'p' });

// Error details are typed per code: narrowing on `code` reads them.
declare const refusal:
  | Schemas['InsufficientCreditError']['error']
  | Schemas['PromoCodeInvalidError']['error'];
if (refusal.code === 'INSUFFICIENT_CREDIT') take<number>(refusal.details.availableCents);
else
  take<
    | 'UNKNOWN'
    | 'INACTIVE'
    | 'NOT_STARTED'
    | 'EXPIRED'
    | 'EXHAUSTED'
    | 'BELOW_MINIMUM'
    | 'NOT_FOR_THIS_PRODUCT'
    | 'ALREADY_USED_BY_CUSTOMER'
  >(refusal.details.reason);

// An audit record's images are typed by its entity type and action: a creation's `after` is the
// whole item, an update's holds only what changed.
declare const record: Schemas['AuditRecord'];
if (record.entityType === 'PURCHASE' && record.action === 'CREATED') take<number>(record.after.totalCents);
if (record.entityType === 'PURCHASE' && record.action === 'UPDATED') {
  take<number | undefined>(record.after.refundedCents);
  // @ts-expect-error an update may leave totalCents out
  take<number>(record.after.totalCents);
}
// @ts-expect-error a creation has no before
if (record.action === 'CREATED') take<object>(record.before);
