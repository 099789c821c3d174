import { existsSync, readFileSync } from 'node:fs';
import { createDocumentClient } from '../functions/shared/db/document-client.ts';
import { useLocalAwsEnvironment } from '../local/dynamodb-local.ts';
import { LOCAL_STACK_FILE } from '../local/stack.ts';
import { reconcile } from './reconciliation.ts';

/**
 * `npm run reconcile`: checks the books and prints a short report; exits 1 on any breach.
 * Against the running `npm start` stack by default (it leaves its whereabouts in .local/stack.json),
 * or any tables named by DYNAMODB_ENDPOINT (omit for AWS), MAIN_TABLE_NAME and AUDIT_TABLE_NAME.
 */
const env = process.env;
let where: { endpoint: string | undefined; main: string; audit: string };
if (env.MAIN_TABLE_NAME && env.AUDIT_TABLE_NAME) {
  where = { endpoint: env.DYNAMODB_ENDPOINT, main: env.MAIN_TABLE_NAME, audit: env.AUDIT_TABLE_NAME };
} else if (existsSync(LOCAL_STACK_FILE)) {
  const stack = JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as {
    dynamoDbEndpoint: string;
    tables: { main: string; audit: string };
  };
  useLocalAwsEnvironment();
  where = { endpoint: stack.dynamoDbEndpoint, ...stack.tables };
} else {
  console.error(
    'Nothing to reconcile: start the stack (npm start) or set MAIN_TABLE_NAME and AUDIT_TABLE_NAME.',
  );
  process.exit(2);
}

// A tool that scans 1 MB pages, not a route with a deadline: it may wait longer per call.
const client = createDocumentClient({ endpoint: where.endpoint, requestTimeoutMs: 30_000 });
const report = await reconcile(client, where).catch((error: unknown) => {
  console.error(`Could not read ${where.main} / ${where.audit} (is the stack running?):`, String(error));
  process.exit(2);
});
console.log(
  `reconciled ${where.main} and ${where.audit}: ${report.checked.customers} customers, ` +
    `${report.checked.purchases} purchases, ${report.checked.auditedItems} audited items, ` +
    `${report.checked.auditRecords} audit records`,
);
for (const breach of report.breaches) console.log(`  BREACH ${breach}`);
console.log(report.breaches.length === 0 ? 'books balance' : `${report.breaches.length} breaches`);
client.destroy();
process.exit(report.breaches.length === 0 ? 0 : 1);
