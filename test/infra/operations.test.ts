import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../functions/shared/metrics/metric-names.ts';
import { logicalIdOf, synthesize } from './synth.ts';

let template: Template;

interface AlarmResource {
  Properties: {
    AlarmName?: string;
    AlarmDescription: string;
    MetricName?: string;
    Namespace?: string;
    Dimensions?: { Name: string; Value: unknown }[];
    ExtendedStatistic?: string;
    Metrics?: { Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string } } }[];
    AlarmActions: unknown[];
    Threshold: number;
  };
}

/** The alarms of the template by construct id (the logical id's prefix). */
function alarm(id: string): AlarmResource['Properties'] {
  const found = template.findResources('AWS::CloudWatch::Alarm') as Record<string, AlarmResource>;
  const logicalId = logicalIdOf(template, 'AWS::CloudWatch::Alarm', `Operations${id}`);
  return (found[logicalId] as AlarmResource).Properties;
}

const metricNamesOf = (properties: AlarmResource['Properties']): string[] => [
  ...(properties.MetricName ? [properties.MetricName] : []),
  ...(properties.Metrics ?? []).flatMap((metric) =>
    metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [],
  ),
];

beforeAll(() => {
  template = synthesize({ alarmEmail: 'oncall@example.com' }).template;
});

describe('operations: alarms, their topic, the dashboard and the logs', () => {
  it('gives every alarm a runbook line and sends it to the alarm topic', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'OperationsAlarmTopic');
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm') as Record<string, AlarmResource>,
    );

    expect(alarms.length).toBeGreaterThanOrEqual(12);
    for (const { Properties } of alarms) {
      expect(Properties.AlarmDescription).toMatch(/Runbook: \S/);
      expect(Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('subscribes the alarm e-mail from context to the topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('subscribes nobody when no alarm e-mail is given', () => {
    synthesize().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('alarms on the rate of 5xx answers of the HTTP API', () => {
    const properties = alarm('Api5xxRate');

    expect(metricNamesOf(properties).sort()).toEqual(['5xx', 'Count']);
    expect(properties.Metrics?.some((metric) => metric.Expression?.includes('100 * errors / requests'))).toBe(
      true,
    );
  });

  it('alarms on the p99 latency of POST /v1/purchases, from per-route metrics', () => {
    const properties = alarm('PurchaseLatencyP99');

    expect(properties).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 5000 });
    expect(properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'Method', Value: 'POST' },
        { Name: 'Resource', Value: '/v1/purchases' },
      ]),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ DetailedMetricsEnabled: true }),
    });
  });

  it('alarms on failed and on timed-out purchase saga executions', () => {
    expect(metricNamesOf(alarm('SagaFailureRate')).sort()).toEqual(['ExecutionsFailed', 'ExecutionsStarted']);
    expect(alarm('SagaTimeouts')).toMatchObject({
      MetricName: 'ExecutionsTimedOut',
      Namespace: 'AWS/States',
    });
  });

  it('alarms on any reservation awaiting review, a business metric of the sweeper', () => {
    expect(alarm('ReservationsAwaitingReview')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: BUSINESS_METRICS.reservationsAwaitingReview.name,
      Threshold: 1,
    });
  });

  it("alarms on the audit dead-letter queue's first message and on the stream's iterator age", () => {
    expect(alarm('AuditDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    expect(alarm('AuditIteratorAge')).toMatchObject({ MetricName: 'IteratorAge', Namespace: 'AWS/Lambda' });
  });

  it("alarms on every function's errors and throttles, ten functions to an alarm", () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).filter(
      (id) => !id.startsWith('CustomCDKBucketDeployment'),
    );
    const alarms = Object.entries(
      template.findResources('AWS::CloudWatch::Alarm') as Record<string, AlarmResource>,
    );
    const watched = (metricName: string): string[] =>
      alarms
        .filter(([id]) => id.startsWith(`OperationsLambda${metricName}`))
        .flatMap(([, { Properties }]) =>
          (Properties.Metrics ?? []).flatMap((metric) =>
            metric.MetricStat?.Metric.MetricName === metricName
              ? [JSON.stringify((metric.MetricStat.Metric as { Dimensions?: unknown }).Dimensions)]
              : [],
          ),
        );

    for (const metricName of ['Errors', 'Throttles']) {
      const dimensions = watched(metricName);
      expect(dimensions).toHaveLength(functions.length);
      for (const id of functions) expect(dimensions.some((value) => value.includes(`"${id}"`))).toBe(true);
    }
  });

  it('runs the reconciliation daily and alarms on a breach it publishes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileBooks'), 'Arn'] } }),
      ],
    });
    expect(alarm('ReconcileBreaches')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: BUSINESS_METRICS.reconcileBreaches.name,
      Threshold: 1,
    });
  });

  it('draws one dashboard with the alarms and the business metrics', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as {
      Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
    }[];
    // The body is a Fn::Join of JSON text around the resources' references: its text parts, joined.
    const body = (dashboard?.Properties.DashboardBody['Fn::Join'][1] ?? [])
      .filter((part): part is string => typeof part === 'string')
      .join('');

    for (const { name } of Object.values(BUSINESS_METRICS)) expect(body).toContain(name);
    for (const name of ['5xx', 'Latency', 'ExecutionsFailed', 'IteratorAge', 'Errors', 'Throttles']) {
      expect(body).toContain(`"${name}"`);
    }
    expect(body).toContain('"alarms"');
  });

  it('writes the HTTP API access logs as JSON, to a log group with a retention', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as {
      Properties: {
        AccessLogSettings: { Format: string; DestinationArn: { 'Fn::GetAtt': [string, string] } };
      };
    }[];
    const settings = stage?.Properties.AccessLogSettings;
    const format = JSON.parse(settings?.Format ?? '') as Record<string, string>;

    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
    });
    const logGroupId = settings?.DestinationArn['Fn::GetAtt'][0] ?? '';
    expect(
      (
        template.findResources('AWS::Logs::LogGroup')[logGroupId] as {
          Properties: { RetentionInDays?: number };
        }
      ).Properties.RetentionInDays,
    ).toBeGreaterThan(0);
  });

  it('sets a retention on every log group, and gives every function one of its own', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')) as {
      Properties: { RetentionInDays?: number };
    }[];
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [
      string,
      { Properties: { LoggingConfig?: { LogGroup?: unknown } } },
    ][];

    expect(logGroups.filter((group) => !(Number(group.Properties.RetentionInDays) > 0))).toEqual([]);
    expect(
      functions.filter(([, fn]) => fn.Properties.LoggingConfig?.LogGroup === undefined).map(([id]) => id),
    ).toEqual([]);
    // The legacy `logRetention` custom resource would make log groups outside the template.
    expect(Object.keys(template.findResources('Custom::LogRetention'))).toEqual([]);
  });
});
