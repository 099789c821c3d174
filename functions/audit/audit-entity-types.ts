/**
 * What the audit names. The contract's filter lists CREDIT, PURCHASE, REFUND and PROMO_CODE; the
 * ledger entries and reservations are stored entities too, so they are audited under their own types.
 * Dependency-free on purpose: the admin app lists them.
 */
export const AUDIT_ENTITY_TYPES = [
  'CREDIT',
  'CREDIT_TRANSACTION',
  'RESERVATION',
  'PURCHASE',
  'REFUND',
  'PROMO_CODE',
] as const;
