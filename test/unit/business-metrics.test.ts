import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../../functions/shared/errors.ts';
import { businessMetrics, routeMetrics } from '../../functions/shared/http/middleware/business-metrics.ts';
import { errorResponse } from '../../functions/shared/http/middleware/error-response.ts';
import type { RouteEvent } from '../../functions/shared/http/request.ts';
import { type HttpResponse, jsonResponse, responseForError } from '../../functions/shared/http/responses.ts';
import { auditLagMs, publishMetrics } from '../../functions/shared/metrics/metrics.ts';
import { RecordingMetrics } from '../support/fakes/recording-metrics.ts';

const answer = (status: number, body: unknown): HttpResponse => jsonResponse(status, body, 'req');
const failure = (error: AppError): HttpResponse => responseForError(error, 'req');

describe('routeMetrics', () => {
  it('counts a purchase answered 201 as completed', () => {
    expect(routeMetrics('CreatePurchase', answer(201, { id: 'p' }))).toEqual([
      { metric: 'purchasesCompleted', value: 1 },
    ]);
  });

  it("counts a refused purchase as failed, with the answer's code as its reason", () => {
    const response = failure(new AppError('INSUFFICIENT_CREDIT', 'no', { customerId: 'c' }));

    expect(routeMetrics('CreatePurchase', response)).toEqual([
      { metric: 'purchasesFailed', value: 1, reason: 'INSUFFICIENT_CREDIT' },
    ]);
  });

  it('counts a failed shipment and a shipment that timed out, and not a quote that timed out', () => {
    const shipment = failure(new AppError('SHIPMENT_FAILED', 'no', { purchaseId: 'p' }));
    const shipmentTimeout = failure(
      new AppError('UPSTREAM_TIMEOUT', 'late', { operation: 'CreateShipment', purchaseId: 'p' }),
    );
    const quoteTimeout = failure(new AppError('UPSTREAM_TIMEOUT', 'late', { operation: 'GetProduct' }));

    expect(routeMetrics('CreatePurchase', shipment)).toContainEqual({ metric: 'shipmentFailures', value: 1 });
    expect(routeMetrics('CreatePurchase', shipmentTimeout)).toContainEqual({
      metric: 'shipmentTimeouts',
      value: 1,
    });
    expect(routeMetrics('CreatePurchase', quoteTimeout)).toEqual([
      { metric: 'purchasesFailed', value: 1, reason: 'UPSTREAM_TIMEOUT' },
    ]);
  });

  it('counts a refund and its cents, and the cents granted and deducted', () => {
    expect(
      routeMetrics('RefundPurchase', answer(201, { refund: { amountCents: 250 }, purchase: {} })),
    ).toEqual([
      { metric: 'refunds', value: 1 },
      { metric: 'refundedCents', value: 250 },
    ]);
    expect(routeMetrics('GrantCredit', answer(201, { transaction: { amountCents: 1000 } }))).toEqual([
      { metric: 'creditGrantedCents', value: 1000 },
    ]);
    // The ledger records a deduction signed; the metric is the amount moved.
    expect(routeMetrics('DeductCredit', answer(201, { transaction: { amountCents: -400 } }))).toEqual([
      { metric: 'creditDeductedCents', value: 400 },
    ]);
  });

  it('counts nothing for a replayed answer, a refused grant or a read', () => {
    const replay = { ...answer(201, { id: 'p' }), headers: { 'idempotent-replayed': 'true' } };

    expect(routeMetrics('CreatePurchase', replay)).toEqual([]);
    expect(routeMetrics('DeductCredit', failure(new AppError('INSUFFICIENT_CREDIT', 'no')))).toEqual([]);
    expect(routeMetrics('GetPurchase', answer(200, { id: 'p' }))).toEqual([]);
  });
});

describe('businessMetrics middleware', () => {
  const event = { requestContext: { requestId: 'req' } } as unknown as RouteEvent;

  it('publishes what the final answer says, after the error answer is made, before the handler returns', async () => {
    const recorder = new RecordingMetrics();
    const handler = middy<RouteEvent, HttpResponse>(async () => {
      throw new AppError('SHIPMENT_FAILED', 'no', { purchaseId: 'p' });
    })
      .use(businessMetrics('CreatePurchase', recorder))
      .use(errorResponse());

    const response = await handler(event, {} as Context);

    expect(response.statusCode).toBe(502);
    expect(recorder.published).toEqual([
      { name: 'PurchasesFailed', unit: 'Count', value: 1, dimensions: { reason: 'SHIPMENT_FAILED' } },
      { name: 'ShipmentFailures', unit: 'Count', value: 1, dimensions: {} },
    ]);
  });
});

describe('publishMetrics', () => {
  it('publishes nothing, and warns of nothing, when there is nothing to count', () => {
    const recorder = new RecordingMetrics();

    publishMetrics([], recorder);

    expect(recorder.published).toEqual([]);
  });
});

describe('auditLagMs', () => {
  it("is now minus the batch's oldest record's creation time", () => {
    const now = new Date('2026-01-01T00:00:10.000Z');
    const created = (iso: string): { dynamodb: { ApproximateCreationDateTime: number } } => ({
      dynamodb: { ApproximateCreationDateTime: new Date(iso).getTime() / 1000 },
    });

    expect(auditLagMs([created('2026-01-01T00:00:08Z'), created('2026-01-01T00:00:04Z')], now)).toBe(6000);
    expect(auditLagMs([{}], now)).toBeUndefined();
  });
});
