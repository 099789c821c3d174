import { holdLimits, type ReconciliationReport, reconcile } from '../../functions/ops/reconciliation.ts';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import { stackUrls, TEST_STACK_SWEEPER } from './stack.ts';

/**
 * How long the system may take to converge before a breach counts: the audit follows the table's
 * stream, and the sweeper rolls forward a hold whose saga ended early (within its age limit and
 * interval, TEST_STACK_SWEEPER).
 */
const CATCH_UP_MS = 90_000;

const isAuditLag = (breach: string): boolean =>
  breach.endsWith('no audit record') ||
  breach.endsWith('audit trail does not fold to its current state') ||
  /audit trail ends at \d+, the item is at version \d+$/.test(breach);

/** A hold the sweeper has yet to finish; never one awaiting review, which waits for a person. */
const isSweepLag = (breach: string): boolean =>
  breach.startsWith('reservation ') &&
  !breach.includes('awaiting review') &&
  (breach.includes("past the saga's") || breach.includes('within which the sweeper finishes a hold'));

/** Breaches that the stream or the sweeper will mend, if all breaches are such. */
const isLag = (breach: string): boolean => isAuditLag(breach) || isSweepLag(breach);

/**
 * `npm run reconcile`'s checks on the test stack (no Jest here: the long model run uses it too).
 * Audit records arrive through the stream a moment after the change, and the sweeper finishes a hold
 * whose saga ended early: the check is repeated while such lag is all it finds, up to a bound, so a
 * caller waits for them but never depends on their speed.
 */
export async function reconcileOnceSettled(
  stack: {
    dynamoDbEndpoint: string;
    mainTable: string;
    auditTable: string;
    reservationMaxAgeSeconds?: number;
  } = { ...stackUrls(), reservationMaxAgeSeconds: TEST_STACK_SWEEPER.maxAgeSeconds },
): Promise<ReconciliationReport> {
  useLocalAwsEnvironment();
  const client = createDocumentClient({ endpoint: stack.dynamoDbEndpoint, requestTimeoutMs: 30_000 });
  const tables = { main: stack.mainTable, audit: stack.auditTable };
  try {
    const limits = () => holdLimits({ reservationMaxAgeSeconds: stack.reservationMaxAgeSeconds });
    const deadline = Date.now() + CATCH_UP_MS;
    let report = await reconcile(client, tables, limits());
    while (report.breaches.length > 0 && report.breaches.every(isLag) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      report = await reconcile(client, tables, limits());
    }
    return report;
  } finally {
    client.destroy();
  }
}
