/**
 * The service's business metrics, declared once: the functions publish them (metrics.ts, as
 * CloudWatch embedded metric format) and the CDK stack alarms on them and draws them
 * (infra/operations.ts). Dependency-free on purpose: `infra/` imports it.
 */
export const METRICS_NAMESPACE = 'PurchaseService';
/** Powertools adds it to every metric as the `service` dimension; the stack names it to match. */
export const SERVICE_NAME = 'purchase-service';
/** The one extra dimension: why a purchase failed (an error code of the contract). */
export const REASON_DIMENSION = 'reason';

export const BUSINESS_METRICS = {
  purchasesCompleted: { name: 'PurchasesCompleted', unit: 'Count' },
  /** Dimension `reason`: the answer's error code (INSUFFICIENT_CREDIT, SHIPMENT_FAILED, …). */
  purchasesFailed: { name: 'PurchasesFailed', unit: 'Count' },
  shipmentFailures: { name: 'ShipmentFailures', unit: 'Count' },
  shipmentTimeouts: { name: 'ShipmentTimeouts', unit: 'Count' },
  refunds: { name: 'Refunds', unit: 'Count' },
  refundedCents: { name: 'RefundedCents', unit: 'None' },
  creditGrantedCents: { name: 'CreditGrantedCents', unit: 'None' },
  creditDeductedCents: { name: 'CreditDeductedCents', unit: 'None' },
  /** SHIPPING reservations the sweeper found whose saga died: a person must look (DESIGN.md). */
  reservationsAwaitingReview: { name: 'ReservationsAwaitingReview', unit: 'Count' },
  /** Stream record written → audit record projected, per batch (the oldest record of it). */
  auditLag: { name: 'AuditLag', unit: 'Milliseconds' },
  /** Breaches the scheduled reconciliation found; 0 when the books balance. */
  reconcileBreaches: { name: 'ReconcileBreaches', unit: 'Count' },
  /** For finance, from the scheduled reconciliation: the credit customers hold, per lot category. */
  outstandingPaidCents: { name: 'OutstandingPaidCreditCents', unit: 'None' },
  outstandingPromotionalCents: { name: 'OutstandingPromotionalCreditCents', unit: 'None' },
  /** Breakage: the credit that expired unused in the 24 h before the run, per lot category. */
  expiredPaidCents: { name: 'ExpiredPaidCreditCents', unit: 'None' },
  expiredPromotionalCents: { name: 'ExpiredPromotionalCreditCents', unit: 'None' },
} as const satisfies Record<string, { name: string; unit: 'Count' | 'None' | 'Milliseconds' }>;

export type BusinessMetric = keyof typeof BUSINESS_METRICS;
