import type { MiddlewareObj } from '@middy/core';
import { type MetricPoint, type MetricsPublisher, metrics, publishMetrics } from '../../metrics/metrics.ts';
import type { RouteEvent } from '../request.ts';
import type { HttpResponse } from '../responses.ts';

/**
 * The business metrics a route's final answer says happened: purchases completed or failed (by
 * the answer's error code), shipments that failed or timed out, refunds and credit moved. Read
 * from the answer rather than inside each use case, so that one place counts them all; a
 * replayed answer (`Idempotent-Replayed`) changed nothing and counts nothing.
 */
export function routeMetrics(operationId: string, response: HttpResponse | undefined): MetricPoint[] {
  if (!response || response.headers?.['idempotent-replayed'] === 'true') return [];
  if (!WATCHED.has(operationId)) return [];
  const body = parse(response.body);
  if (response.statusCode >= 400) {
    if (operationId !== 'CreatePurchase') return [];
    const error = (body as { error?: { code?: unknown; details?: { operation?: unknown } } }).error;
    const code = typeof error?.code === 'string' ? error.code : 'INTERNAL';
    const points: MetricPoint[] = [{ metric: 'purchasesFailed', value: 1, reason: code }];
    if (code === 'SHIPMENT_FAILED') points.push({ metric: 'shipmentFailures', value: 1 });
    if (code === 'UPSTREAM_TIMEOUT' && error?.details?.operation === 'CreateShipment') {
      points.push({ metric: 'shipmentTimeouts', value: 1 });
    }
    return points;
  }
  switch (operationId) {
    case 'CreatePurchase':
      return [{ metric: 'purchasesCompleted', value: 1 }];
    case 'RefundPurchase':
      return [
        { metric: 'refunds', value: 1 },
        { metric: 'refundedCents', value: cents((body as { refund?: unknown }).refund) },
      ];
    case 'GrantCredit':
      return [
        { metric: 'creditGrantedCents', value: cents((body as { transaction?: unknown }).transaction) },
      ];
    case 'DeductCredit':
      return [
        { metric: 'creditDeductedCents', value: cents((body as { transaction?: unknown }).transaction) },
      ];
    default:
      return [];
  }
}

const WATCHED = new Set(['CreatePurchase', 'RefundPurchase', 'GrantCredit', 'DeductCredit']);

function parse(body: string): unknown {
  try {
    return JSON.parse(body) ?? {};
  } catch {
    return {};
  }
}

/** A ledger amount is recorded signed (a deduction is negative); the metric is the amount moved. */
const cents = (entry: unknown): number => {
  const amount = (entry as { amountCents?: unknown } | undefined)?.amountCents;
  return typeof amount === 'number' ? Math.abs(amount) : 0;
};

/**
 * Registered first, so its `after` and `onError` run last and see the answer as it leaves
 * (error mapped, idempotency settled); it publishes before the handler returns.
 */
export function businessMetrics(
  operationId: string,
  publisher: MetricsPublisher = metrics,
): MiddlewareObj<RouteEvent, HttpResponse> {
  const publish = (response: HttpResponse | undefined): void =>
    publishMetrics(routeMetrics(operationId, response), publisher);
  return {
    after: (request) => publish(request.response ?? undefined),
    onError: (request) => publish(request.response ?? undefined),
  };
}
