import { holdLimits, type ReconciliationReport, reconcile } from '../../functions/ops/reconciliation.ts';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import { stackUrls } from './stack.ts';

/** The audit follows the table's stream; how long it may take to catch up before a gap counts. */
const AUDIT_CATCH_UP_MS = 60_000;

const isAuditLag = (breach: string): boolean =>
  breach.endsWith('no audit record') ||
  breach.endsWith('audit trail does not fold to its current state') ||
  /audit trail ends at \d+, the item is at version \d+$/.test(breach);

/**
 * `npm run reconcile`'s checks on the test stack (no Jest here: the long model run uses it too).
 * Audit records arrive through the stream, a moment after the change: the check is repeated while
 * audit records are all that is missing, up to a bound, so a caller waits for the feed but never
 * depends on its speed.
 */
export async function reconcileOnceAuditCaughtUp(
  stack: { dynamoDbEndpoint: string; mainTable: string; auditTable: string } = stackUrls(),
): Promise<ReconciliationReport> {
  useLocalAwsEnvironment();
  const client = createDocumentClient({ endpoint: stack.dynamoDbEndpoint, requestTimeoutMs: 30_000 });
  const tables = { main: stack.mainTable, audit: stack.auditTable };
  try {
    const deadline = Date.now() + AUDIT_CATCH_UP_MS;
    let report = await reconcile(client, tables, holdLimits());
    while (report.breaches.length > 0 && report.breaches.every(isAuditLag) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      report = await reconcile(client, tables, holdLimits());
    }
    return report;
  } finally {
    client.destroy();
  }
}
