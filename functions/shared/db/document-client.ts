import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One document client per cold start; the endpoint is overridden only for DynamoDB Local. */
export function createDocumentClient(
  options: { endpoint?: string | undefined } = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient(options.endpoint ? { endpoint: options.endpoint } : {});
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}
