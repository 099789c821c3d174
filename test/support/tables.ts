import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../functions/shared/db/document-client.ts';
import { MAIN_TABLE } from '../../functions/shared/db/tables.ts';
import { createTables, useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import { stackUrls } from './stack.ts';

/** A main table of the test's own in the running DynamoDB Local, made from the shared declaration. */
export async function freshMainTable(): Promise<{
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
}> {
  useLocalAwsEnvironment();
  const endpoint = stackUrls().dynamoDbEndpoint;
  const tableName = `test-${randomUUID()}`;
  await createTables(endpoint, [{ declaration: MAIN_TABLE, name: tableName }]);
  return { tableName, client: createDocumentClient({ endpoint }) };
}
