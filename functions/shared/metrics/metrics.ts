import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  BUSINESS_METRICS,
  type BusinessMetric,
  METRICS_NAMESPACE,
  REASON_DIMENSION,
  SERVICE_NAME,
} from './metric-names.ts';

/**
 * The one metrics publisher of the service: CloudWatch embedded metric format, written to the
 * function's log (no API call, no latency). Off where `POWERTOOLS_METRICS_DISABLED` says so: the
 * local stack and the tests, which have no CloudWatch to read it.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** What publishing needs of Powertools' Metrics (tests pass a recorder). */
export interface MetricsPublisher {
  addMetric(name: string, unit: MetricUnit, value: number): void;
  singleMetric(): {
    addDimension(name: string, value: string): void;
    addMetric(name: string, unit: MetricUnit, value: number): void;
  };
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): void;
}

type MetricUnit = (typeof BUSINESS_METRICS)[BusinessMetric]['unit'];

/** One data point; `reason` adds the failure-reason dimension (its own EMF record). */
export interface MetricPoint {
  metric: BusinessMetric;
  value: number;
  reason?: string;
}

/** Stores the points and writes them out at once: handlers call this last, so nothing is lost. */
export function publishMetrics(points: readonly MetricPoint[], publisher: MetricsPublisher = metrics): void {
  for (const point of points) {
    const { name, unit } = BUSINESS_METRICS[point.metric];
    if (point.reason === undefined) {
      publisher.addMetric(name, unit, point.value);
    } else {
      // A dimension that only this point has: a single-metric record, written on the spot.
      const single = publisher.singleMetric();
      single.addDimension(REASON_DIMENSION, point.reason);
      single.addMetric(name, unit, point.value);
    }
  }
  if (publisher.hasStoredMetrics()) publisher.publishStoredMetrics();
}

/** The sweeper's count of SHIPPING reservations whose saga died (0 too: the alarm clears). */
export function publishReservationsAwaitingReview(count: number): void {
  publishMetrics([{ metric: 'reservationsAwaitingReview', value: count }]);
}

/** What the lag needs of a DynamoDB stream record. */
interface StreamRecordTimes {
  dynamodb?: { ApproximateCreationDateTime?: number | undefined } | undefined;
}

/** How far the audit trail lags the table: now minus the oldest record's creation time. */
export function auditLagMs(records: readonly StreamRecordTimes[], now: Date): number | undefined {
  const created = records
    .map((record) => record.dynamodb?.ApproximateCreationDateTime)
    .filter((seconds): seconds is number => typeof seconds === 'number');
  if (created.length === 0) return undefined;
  return Math.max(0, now.getTime() - Math.min(...created) * 1000);
}

/** Publishes the audit lag of a stream batch (nothing for a batch without creation times). */
export function publishAuditLag(records: readonly StreamRecordTimes[], now: Date = new Date()): void {
  const lag = auditLagMs(records, now);
  if (lag !== undefined) publishMetrics([{ metric: 'auditLag', value: lag }]);
}
