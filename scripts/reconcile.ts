import { holdLimits, reconcile } from '../functions/ops/reconciliation.ts';
import { createDocumentClient } from '../functions/shared/db/document-client.ts';
import { sweeperMaxAge, tablesToRead } from './tables-to-read.ts';

/**
 * `npm run reconcile`: checks the books and prints a short report; exits 1 on any breach.
 * Against the running `npm start` stack by default (it leaves its whereabouts in .local/stack.json),
 * or any tables named by DYNAMODB_ENDPOINT (omit for AWS), MAIN_TABLE_NAME and AUDIT_TABLE_NAME.
 */
const where = tablesToRead('reconcile');

// A tool that scans 1 MB pages, not a route with a deadline: it may wait longer per call.
const client = createDocumentClient({ endpoint: where.endpoint, requestTimeoutMs: 30_000 });
const report = await reconcile(
  client,
  where,
  holdLimits({ reservationMaxAgeSeconds: sweeperMaxAge() }),
).catch((error: unknown) => {
  console.error(`Could not read ${where.main} / ${where.audit} (is the stack running?):`, String(error));
  process.exit(2);
});
console.log(
  `reconciled ${where.main} and ${where.audit}: ${report.checked.customers} customers, ` +
    `${report.checked.purchases} purchases, ${report.checked.promoCodes} promo codes, ${report.checked.auditedItems} audited items, ` +
    `${report.checked.auditRecords} audit records`,
);
// For finance: the credit customers still hold, and what lapsed unused in the last 24 h (breakage).
const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;
for (const category of ['PAID', 'PROMOTIONAL'] as const) {
  console.log(
    `  ${category.padEnd(11)} outstanding ${dollars(report.credit.outstandingCents[category])}, ` +
      `expired in the last day ${dollars(report.credit.expiredLastDayCents[category])}`,
  );
}
for (const breach of report.breaches) console.log(`  BREACH ${breach}`);
console.log(report.breaches.length === 0 ? 'books balance' : `${report.breaches.length} breaches`);
client.destroy();
process.exit(report.breaches.length === 0 ? 0 : 1);
