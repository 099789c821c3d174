import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { AUDIT_TABLE, MAIN_TABLE, type TableDeclaration } from '../../functions/shared/db/tables.ts';
import { createTables, useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import { stackUrls } from './stack.ts';

/** A main table of the test's own in the running DynamoDB Local, made from the shared declaration. */
export async function freshMainTable(): Promise<{
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
}> {
  return freshTable(MAIN_TABLE);
}

/** An audit table of its own, on the stack's DynamoDB Local. */
export async function freshAuditTable(): Promise<{
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
}> {
  return freshTable(AUDIT_TABLE);
}

async function freshTable(declaration: TableDeclaration): Promise<{
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
}> {
  useLocalAwsEnvironment();
  const endpoint = stackUrls().dynamoDbEndpoint;
  const tableName = `test-${randomUUID()}`;
  await createTables(endpoint, [{ declaration, name: tableName }]);
  return { tableName, client: createDocumentClient({ endpoint }) };
}
