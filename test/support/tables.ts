import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { MAIN_TABLE } from '../../functions/shared/db/tables.ts';
import { createTables } from '../../local/dynamodb-local.ts';
import { stackUrls } from './stack.ts';

/** A main table of the test's own in the running DynamoDB Local, made from the shared declaration. */
export async function freshMainTable(): Promise<{
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
}> {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const endpoint = stackUrls().dynamoDbEndpoint;
  const tableName = `test-${randomUUID()}`;
  await createTables(endpoint, [{ declaration: MAIN_TABLE, name: tableName }]);
  return { tableName, client: createDocumentClient({ endpoint }) };
}
