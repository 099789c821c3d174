import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  BUSINESS_METRICS,
  type BusinessMetric,
  METRICS_NAMESPACE,
  REASON_DIMENSION,
  SERVICE_NAME,
} from '../functions/shared/metrics/metric-names.ts';

export interface OperationsProps {
  /** The HTTP API's stage (with detailed, per-route metrics on). */
  stage: HttpStage;
  /** The route whose p99 latency is watched, as CloudWatch names it. */
  purchaseRoute: { method: string; resource: string };
  stateMachine: StateMachine;
  /** Every function of the stack, by construct id: their errors and throttles. */
  functions: readonly { id: string; fn: IFunction }[];
  auditProjector: IFunction;
  auditDeadLetters: IQueue;
  /** Where alarms go besides the topic (context `alarmEmail`); a confirmation e-mail comes first. */
  alarmEmail?: string | undefined;
  /** p99 of POST /v1/purchases above which the latency alarm fires (context `purchaseLatencyP99Ms`). */
  purchaseLatencyP99Ms: number;
}

/** CloudWatch allows at most 10 metrics in one alarm's math expression. */
const METRICS_PER_ALARM = 10;
const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms, their topic and one dashboard. Every alarm's description is its runbook line: what it
 * means and the first thing to do (DESIGN.md, Operations, names them).
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Purchase service alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        "Alarm notifications carry an alarm's name, state and metric figures, no customer data; a customer managed KMS key (which CloudWatch needs to publish to an encrypted topic) would cost more than what it protects.",
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const api = (metricName: string, extra: Record<string, string> = {}, statistic = 'Sum'): Metric =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.stage.api.apiId, Stage: props.stage.stageName, ...extra },
        statistic,
        period: MINUTE,
      });
    const requests = api('Count');
    const serverErrors = api('5xx');
    const purchaseLatency = api(
      'Latency',
      { Method: props.purchaseRoute.method, Resource: props.purchaseRoute.resource },
      'p99',
    ).with({ period: FIVE_MINUTES });
    const serverErrorRate = new MathExpression({
      // Below 20 requests a minute one 5xx is not a rate; the Lambda errors alarm sees those.
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: '5xx rate (%)',
      period: MINUTE,
    });
    this.alarm('Api5xxRate', {
      metric: serverErrorRate,
      threshold: 5,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description:
        'More than 5 % of API answers were 5xx in 3 of 5 minutes. Runbook: read the API access logs (status, integrationError) and the failing function named by the Lambda errors alarm; SERVICE_UNAVAILABLE means DynamoDB or Step Functions throttled, UPSTREAM_* the external API.',
    });
    this.alarm('PurchaseLatencyP99', {
      metric: purchaseLatency,
      threshold: props.purchaseLatencyP99Ms,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `p99 of POST /v1/purchases above ${props.purchaseLatencyP99Ms} ms in 2 of 3 five-minute periods. Runbook: the saga's slowest step is usually the external API (UPSTREAM_TIMEOUT in the logs, the mock or the other team's status); check the X-Ray service map of the purchase function.`,
    });

    const saga = props.stateMachine;
    const started = saga.metricStarted({ period: FIVE_MINUTES });
    const failed = saga.metricFailed({ period: FIVE_MINUTES });
    const timedOut = saga.metricTimedOut({ period: FIVE_MINUTES });
    this.alarm('SagaFailureRate', {
      // A refusal (insufficient credit, a promo code) fails the execution too: only a rate says more.
      metric: new MathExpression({
        expression: 'IF(started >= 10, 100 * failed / started, 0)',
        usingMetrics: { started, failed },
        label: 'failed executions (%)',
        period: FIVE_MINUTES,
      }),
      threshold: 50,
      evaluationPeriods: 2,
      description:
        'Half or more of the purchase saga executions failed for 10 minutes. Runbook: the PurchasesFailed metric by reason says whether customers are refused (business) or steps fail (SHIPMENT_FAILED, UPSTREAM_*); the state machine log group has the failed executions.',
    });
    this.alarm('SagaTimeouts', {
      metric: timedOut,
      threshold: 1,
      evaluationPeriods: 1,
      description:
        'A purchase saga execution timed out (25 s). Runbook: its credit hold is released or rolled forward by the sweeper within minutes; if the shipment was in flight, ReservationsAwaitingReview follows: run `npm run reservations:review`.',
    });

    const awaitingReview = this.business('reservationsAwaitingReview', 'Maximum', FIVE_MINUTES);
    this.alarm('ReservationsAwaitingReview', {
      metric: awaitingReview,
      threshold: 1,
      evaluationPeriods: 1,
      description:
        "A purchase went to the review list, its credit held: SHIPMENT_UNKNOWN (its saga died during CreateShipment; did the goods go out?) or COMMIT_FAILED (the goods went out; the purchase could not be written). Runbook: `npm run reservations:review` with the deployed table names; ask the shipping team about a SHIPMENT_UNKNOWN shipment key, or mend the error a COMMIT_FAILED one shows; then commit or release it with the saga's own steps (DESIGN.md, the sweeper).",
    });

    const deadLetters = props.auditDeadLetters.metricApproximateNumberOfMessagesVisible({ period: MINUTE });
    this.alarm('AuditDeadLetters', {
      metric: deadLetters,
      threshold: 1,
      evaluationPeriods: 1,
      description:
        'A change of the main table could not be written to the audit table (dead-letter queue). Runbook: read the message (its stream batch range), fix the projector, then replay the range; `npm run reconcile` names the items whose trail is short.',
    });
    const iteratorAge = props.auditProjector.metric('IteratorAge', { statistic: 'Maximum', period: MINUTE });
    this.alarm('AuditIteratorAge', {
      metric: iteratorAge,
      threshold: Duration.minutes(5).toMilliseconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description:
        "The audit projector is more than 5 minutes behind the main table's stream (records expire after 24 h). Runbook: check its errors and throttles; a poison record is bisected to the dead-letter queue, a throttled audit table recovers by itself.",
    });

    const byChunk = chunks(props.functions, METRICS_PER_ALARM);
    // Ids unique across the chunks: the dashboard draws all chunks' sums in one graph.
    const sumOf = (
      metricName: 'Errors' | 'Throttles',
      chunk: readonly { id: string; fn: IFunction }[],
      chunkIndex: number,
    ): MathExpression => {
      const idOf = (index: number): string => `${metricName.toLowerCase()}${chunkIndex}_${index}`;
      return new MathExpression({
        expression: chunk.map((_, index) => idOf(index)).join(' + '),
        usingMetrics: Object.fromEntries(
          chunk.map(({ fn }, index) => [
            idOf(index),
            fn.metric(metricName, { statistic: 'Sum', period: MINUTE }),
          ]),
        ),
        label: `${metricName}: ${chunk.map(({ id }) => id).join(', ')}`,
        period: MINUTE,
      });
    };
    const errorSums: IMetric[] = [];
    const throttleSums: IMetric[] = [];
    byChunk.forEach((chunk, index) => {
      const names = chunk.map(({ id }) => id).join(', ');
      const errors = sumOf('Errors', chunk, index);
      const throttles = sumOf('Throttles', chunk, index);
      errorSums.push(errors);
      throttleSums.push(throttles);
      this.alarm(`LambdaErrors${index + 1}`, {
        metric: errors,
        threshold: 1,
        evaluationPeriods: 1,
        description: `A function failed unhandled (crash, timeout, out of memory): ${names}. Runbook: its log group has the error with the request or purchase id; routes answer 500 INTERNAL, saga steps fail the execution.`,
      });
      this.alarm(`LambdaThrottles${index + 1}`, {
        metric: throttles,
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        description: `Lambda throttled a function in 2 of 3 minutes: ${names}. Runbook: the account's concurrency limit (shared by every function of the account and region) or a reserved concurrency; API callers got 503 and retry.`,
      });
    });

    const breaches = this.business('reconcileBreaches', 'Maximum', Duration.days(1));
    this.alarm('ReconcileBreaches', {
      metric: breaches,
      threshold: 1,
      evaluationPeriods: 1,
      description:
        "The scheduled reconciliation found the books out of balance (ledger vs balance, refunds vs purchase, audit trail vs item). Runbook: the reconciler's log lists the first breaches; `npm run reconcile` with the deployed table names lists all. Nothing is corrected automatically.",
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${SERVICE_NAME}-${props.stage.stack.stackName}`,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    const sum = (metric: BusinessMetric, period = FIVE_MINUTES): Metric =>
      this.business(metric, 'Sum', period);
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          "# Purchase service\nEach alarm's description is its runbook line. Business metrics: namespace `PurchaseService` (EMF from the functions).",
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph(
        'API requests and 5xx',
        [requests.with({ period: FIVE_MINUTES })],
        [serverErrors.with({ period: FIVE_MINUTES })],
      ),
      graph('POST /v1/purchases latency p99 (ms)', [purchaseLatency]),
    );
    this.dashboard.addWidgets(
      graph('Purchase saga executions', [
        started,
        saga.metricSucceeded({ period: FIVE_MINUTES }),
        failed,
        timedOut,
      ]),
      graph(
        'Purchases',
        [sum('purchasesCompleted')],
        [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},${REASON_DIMENSION},service} MetricName="${BUSINESS_METRICS.purchasesFailed.name}"', 'Sum', 300)`,
            label: 'failed by reason',
            period: FIVE_MINUTES,
          }),
        ],
      ),
    );
    this.dashboard.addWidgets(
      graph('Shipments failed and timed out', [sum('shipmentFailures'), sum('shipmentTimeouts')]),
      graph(
        'Money moved (cents)',
        [sum('creditGrantedCents'), sum('creditDeductedCents'), sum('refundedCents')],
        [sum('refunds')],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Audit: lag (ms), iterator age (ms), dead letters',
        [this.business('auditLag', 'Maximum', FIVE_MINUTES), iteratorAge],
        [deadLetters],
      ),
      graph('Lambda errors and throttles', errorSums, throttleSums),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Reservations awaiting review',
        metrics: [awaitingReview],
        width: 12,
        height: 4,
      }),
      new SingleValueWidget({
        title: 'Reconcile breaches (last run)',
        metrics: [breaches],
        width: 12,
        height: 4,
      }),
    );
    const daily = (metric: BusinessMetric): Metric => this.business(metric, 'Maximum', Duration.days(1));
    this.dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Credit outstanding (cents, last reconcile)',
        metrics: [daily('outstandingPaidCents'), daily('outstandingPromotionalCents')],
        width: 12,
        height: 4,
      }),
      new SingleValueWidget({
        title: 'Credit expired in the last day (cents)',
        metrics: [daily('expiredPaidCents'), daily('expiredPromotionalCents')],
        width: 12,
        height: 4,
      }),
    );
  }

  /** One of the functions' business metrics (functions/shared/metrics/metric-names.ts). */
  private business(metric: BusinessMetric, statistic: string, period: Duration): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: BUSINESS_METRICS[metric].name,
      dimensionsMap: { service: SERVICE_NAME },
      statistic,
      period,
    });
  }

  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      description: string;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data is no traffic (or no failure): not a reason to wake anyone.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
