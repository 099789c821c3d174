import { loadConfig } from '#shared/config.ts';
import { createDocumentClient } from '#shared/db/document-client.ts';
import { logger } from '#shared/logger.ts';
import { publishMetrics } from '#shared/metrics/metrics.ts';
import { holdLimits, type ReconciliationReport, reconcile } from './reconciliation.ts';

const config = loadConfig();
if (config.AUDIT_TABLE_NAME === undefined) {
  throw new Error('invalid configuration: AUDIT_TABLE_NAME is required by the reconciler');
}
const tables = { main: config.MAIN_TABLE_NAME, audit: config.AUDIT_TABLE_NAME };
// It scans 1 MB pages, not a route with a deadline: it may wait longer per call.
const client = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT, requestTimeoutMs: 30_000 });

/** Most breaches logged per run; the count is the metric, and `npm run reconcile` lists them all. */
const LOGGED_BREACHES = 20;

/**
 * Runs on a schedule: the same checks as `npm run reconcile` (scripts/reconciliation.ts), over the
 * deployed tables, publishing the number of breaches (the ReconcileBreaches alarm fires on one) and,
 * for finance, the credit outstanding and expired in the last day per lot category.
 */
export async function handler(): Promise<ReconciliationReport['checked'] & { breaches: number }> {
  logger.resetKeys();
  const report = await reconcile(
    client,
    tables,
    holdLimits({ reservationMaxAgeSeconds: config.RESERVATION_MAX_AGE_SECONDS }),
  );
  const { outstandingCents, expiredLastDayCents } = report.credit;
  publishMetrics([
    { metric: 'reconcileBreaches', value: report.breaches.length },
    { metric: 'outstandingPaidCents', value: outstandingCents.PAID },
    { metric: 'outstandingPromotionalCents', value: outstandingCents.PROMOTIONAL },
    { metric: 'expiredPaidCents', value: expiredLastDayCents.PAID },
    { metric: 'expiredPromotionalCents', value: expiredLastDayCents.PROMOTIONAL },
  ]);
  const summary = { ...report.checked, breaches: report.breaches.length };
  if (report.breaches.length === 0) logger.info('books balance', summary);
  else logger.error('books do not balance', { ...summary, first: report.breaches.slice(0, LOGGED_BREACHES) });
  return summary;
}
