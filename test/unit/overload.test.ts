import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createPurchase, type PurchaseDeps, type SagaOutcome } from '../../functions/purchases/purchase.ts';
import { decodeFailure } from '../../functions/purchases/step-functions-saga.ts';
import { overloadKind } from '../../functions/shared/aws/service-unavailable.ts';
import { createDocumentClient, DYNAMODB_MAX_ATTEMPTS } from '../../functions/shared/db/document-client.ts';
import { AppError, ServiceUnavailableError } from '../../functions/shared/errors.ts';
import { responseForError } from '../../functions/shared/http/responses.ts';
import { httpRoute, ROUTE_ANSWER_MARGIN_MS } from '../../functions/shared/http/route.ts';
import { useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';

const metadata = { $metadata: {}, message: 'simulated' };

/**
 * A document client as the handlers build it, whose transport fails every attempt with `error`: the
 * failure enters below the SDK's retries, where a real answer from DynamoDB would.
 */
function clientWhoseCallsFail(error: () => Error) {
  useLocalAwsEnvironment();
  const client = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
  let attempts = 0;
  client.middlewareStack.add(
    () => async () => {
      attempts++;
      throw error();
    },
    { step: 'deserialize', name: 'failingTransport' },
  );
  const get = () => client.send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } }));
  return { get, attempts: () => attempts };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the DynamoDB client under overload', () => {
  it('tries a throttled call 3 times with the SDK backoff, then fails with ServiceUnavailableError caused by the SDK error', async () => {
    const { get, attempts } = clientWhoseCallsFail(
      () => new ProvisionedThroughputExceededException(metadata),
    );

    const error = await failureOf(get());

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).cause).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as ServiceUnavailableError).retryAfterSeconds).toBe(1);
    expect(attempts()).toBe(DYNAMODB_MAX_ATTEMPTS);
  });

  it('passes a ConditionalCheckFailedException through untouched and untried, for the repositories to decode', async () => {
    const { get, attempts } = clientWhoseCallsFail(() => new ConditionalCheckFailedException(metadata));

    expect(await failureOf(get())).toBeInstanceOf(ConditionalCheckFailedException);
    expect(attempts()).toBe(1);
  });
});

describe('overloadKind', () => {
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({ ...metadata, CancellationReasons: codes.map((Code) => ({ Code })) });
  const networkError = (code: string) => Object.assign(new Error('connect failed'), { code });
  const timeout = () => Object.assign(new Error('exceeded requestTimeout'), { name: 'TimeoutError' });

  it.each([
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException(metadata),
      'throttled',
    ],
    ['ThrottlingException', new ThrottlingException(metadata), 'throttled'],
    ['RequestLimitExceeded', new RequestLimitExceeded(metadata), 'throttled'],
    [
      "Step Functions' ThrottlingException",
      new SFNServiceException({ ...metadata, name: 'ThrottlingException', $fault: 'client' }),
      'throttled',
    ],
    ['a transaction cancelled only for throttling', cancelled('None', 'ThrottlingError'), 'throttled'],
    ['a request timeout', timeout(), 'timed-out'],
    ['a refused connection', networkError('ECONNREFUSED'), 'unreachable'],
    ['InternalServerError', new InternalServerError(metadata), 'failing'],
  ])('calls %s overload', (_name, error, kind) => {
    expect(overloadKind(error)).toBe(kind);
  });

  it.each([
    ['ConditionalCheckFailedException', new ConditionalCheckFailedException(metadata)],
    ['a transaction cancelled by a failed condition', cancelled('None', 'ConditionalCheckFailed')],
    ['a transaction conflict next to a throttled item', cancelled('TransactionConflict', 'ThrottlingError')],
    ['a bug', new TypeError('undefined is not a function')],
    ['one of our errors', new AppError('CONFLICT', 'busy')],
  ])('leaves %s alone', (_name, error) => {
    expect(overloadKind(error)).toBeUndefined();
  });
});

describe('answers for overload', () => {
  it('a 503 carries Retry-After from the error, and the contract error shape', () => {
    const response = responseForError(new ServiceUnavailableError(5), 'req-1');

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: expect.any(String),
        details: { retryAfterSeconds: 5 },
        requestId: 'req-1',
      },
    });
  });

  it('a 503 that does not say when still carries a Retry-After', () => {
    const response = responseForError(new AppError('SERVICE_UNAVAILABLE', 'down'), 'req-2');

    expect(response.headers).toMatchObject({ 'retry-after': '1' });
  });

  it('a route whose use case outlives its Lambda deadline answers 503 before Lambda gives up', async () => {
    const handler = httpRoute({ operationId: 'Health' }, () => new Promise<never>(() => undefined));
    const event = {
      version: '2.0',
      routeKey: 'GET /slow',
      rawPath: '/slow',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'req-3', http: { method: 'GET', path: '/slow' } },
    } as unknown as APIGatewayProxyEventV2;
    const context = { getRemainingTimeInMillis: () => ROUTE_ANSWER_MARGIN_MS + 20 } as unknown as Context;

    const response = await handler(event, context);

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^[1-9]\d*$/) });
  });
});

describe('a purchase saga that the platform stopped', () => {
  const depsEndingWith = (outcome: SagaOutcome): PurchaseDeps => ({
    saga: { run: async () => outcome },
    purchases: {
      getPurchase: async () => undefined,
      listPurchases: async () => ({ items: [], nextCursor: null }),
    },
    newId: () => 'purchase-1',
  });
  const request = { customerId: 'c1', productId: 'p1', quantity: 1 };

  it.each(['States.Timeout', 'Sandbox.Timedout', 'Lambda.TooManyRequestsException'])(
    'answers a step that failed with %s (after compensation) as 503 SERVICE_UNAVAILABLE',
    async (errorName) => {
      const outcome = decodeFailure('purchase-1', errorName, 'Task timed out');
      const deps = depsEndingWith(outcome);

      const error = await failureOf(createPurchase(deps, request, { actor: 'a' }));

      expect(error).toBeInstanceOf(ServiceUnavailableError);
    },
  );

  it('still treats a failure that names no platform error as a bug', () => {
    expect(() => decodeFailure('purchase-1', 'ZodError', 'bad state')).toThrow(/failed with ZodError/);
  });
});
