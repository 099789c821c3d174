import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '#shared/errors.ts';
import { httpRoute } from '#shared/http/route.ts';
import { getRuntime } from '#shared/runtime.ts';

const runtime = getRuntime();

/** 200 once the main table answers a read; 503 otherwise. */
export const handler = httpRoute({ operationId: 'Health' }, async () => {
  try {
    await runtime.documentClient.send(
      new GetCommand({ TableName: runtime.config.MAIN_TABLE_NAME, Key: { PK: 'HEALTH', SK: 'HEALTH' } }),
    );
  } catch (error) {
    throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer.', {}, { cause: error });
  }
  return { statusCode: 200, body: { status: 'ok' } };
});
