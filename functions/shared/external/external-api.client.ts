import type * as z from 'zod';
import { NotFoundError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts';
import {
  type CreateShipmentRequest,
  type CreateShipmentResponse,
  CreateShipmentResponseSchema,
  type ExternalCustomer,
  ExternalCustomerSchema,
  type ExternalProduct,
  ExternalProductSchema,
} from './external-api.schemas.ts';

export interface CustomerDirectory {
  /** @throws NotFoundError CUSTOMER_NOT_FOUND, UpstreamError, UpstreamTimeoutError */
  getCustomer(customerId: string): Promise<ExternalCustomer>;
}

export interface ProductCatalog {
  /** @throws NotFoundError PRODUCT_NOT_FOUND, UpstreamError, UpstreamTimeoutError */
  getProduct(productId: string): Promise<ExternalProduct>;
}

export interface ShipmentService {
  /** @throws UpstreamError, UpstreamTimeoutError */
  createShipment(request: CreateShipmentRequest, idempotencyKey: string): Promise<CreateShipmentResponse>;
}

type Operation = 'GetCustomer' | 'GetProduct' | 'CreateShipment';

interface CallOptions<T> {
  operation: Operation;
  path: string;
  schema: z.ZodType<T>;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  notFound?: () => Error;
}

/**
 * The other team's HTTP API. Every call has a timeout; every failure becomes one of our named
 * errors (404 → not found, timeout → UpstreamTimeoutError, anything else → UpstreamError) with the
 * original as `cause`. Only the real API's routes are called, never the mock's control routes.
 * A refused connection, 503 and 429 become UpstreamUnavailableError: the request was not processed,
 * so even CreateShipment may be retried. Any other failure may have been processed.
 */
export class ExternalApiClient implements CustomerDirectory, ProductCatalog, ShipmentService {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  getCustomer(customerId: string): Promise<ExternalCustomer> {
    return this.call({
      operation: 'GetCustomer',
      path: `/customers/${encodeURIComponent(customerId)}`,
      schema: ExternalCustomerSchema,
      notFound: () => new NotFoundError('CUSTOMER_NOT_FOUND', 'No customer has this id.', { customerId }),
    });
  }

  getProduct(productId: string): Promise<ExternalProduct> {
    return this.call({
      operation: 'GetProduct',
      path: `/products/${encodeURIComponent(productId)}`,
      schema: ExternalProductSchema,
      notFound: () => new NotFoundError('PRODUCT_NOT_FOUND', 'No product has this id.', { productId }),
    });
  }

  createShipment(request: CreateShipmentRequest, idempotencyKey: string): Promise<CreateShipmentResponse> {
    return this.call({
      operation: 'CreateShipment',
      path: '/shipments',
      method: 'POST',
      body: request,
      headers: { 'idempotency-key': idempotencyKey },
      schema: CreateShipmentResponseSchema,
    });
  }

  private async call<T>(options: CallOptions<T>): Promise<T> {
    const { operation } = options;
    let response: Response;
    let text: string;
    try {
      // One signal bounds the whole exchange, body included: a server that sends headers and then
      // stalls is as late as one that never answers.
      const signal = AbortSignal.timeout(this.timeoutMs);
      response = await fetch(new URL(options.path, this.baseUrl), {
        method: options.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new UpstreamTimeoutError(operation, this.timeoutMs, { cause: error });
      }
      if (connectionRefused(error)) {
        throw new UpstreamUnavailableError(operation, 'the connection was refused', { cause: error });
      }
      throw new UpstreamError(operation, 'the connection failed', { cause: error });
    }

    if (response.status === 404 && options.notFound) throw options.notFound();
    if (response.status === 503 || response.status === 429) {
      throw new UpstreamUnavailableError(operation, `answered HTTP ${response.status}`);
    }
    if (!response.ok) throw new UpstreamError(operation, `answered HTTP ${response.status}`);

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UpstreamError(operation, 'answered a body that is not JSON', { cause: error });
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      throw new UpstreamError(operation, 'answered a body that does not match its contract', {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}

/** Whether the request never reached the server (so it cannot have been processed). */
function connectionRefused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}
