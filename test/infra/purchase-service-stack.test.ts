import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { answersHead, ROUTES } from '../../functions/routes.ts';
import {
  AUDIT_PROJECTOR,
  PURCHASE_STATE_MACHINE,
  RESERVATION_SWEEPER,
  SAGA_TASKS,
} from '../../functions/workers.ts';
import { synthesize } from './synth.ts';

let template: Template;

interface PolicyResource {
  Properties: {
    PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
    Roles: { Ref: string }[];
  };
}
interface FunctionResource {
  Properties: {
    Role: { 'Fn::GetAtt': [string, string] };
    Timeout: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

/** The function whose construct id is `id`, with its logical id. */
function functionNamed(id: string): [string, FunctionResource] {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  const found = Object.entries(functions).find(([logicalId]) =>
    new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId),
  );
  if (!found) throw new Error(`no function ${id}`);
  return found;
}

/** The actions (of one service) granted to the function `id`. */
function actionsOf(id: string, service = 'dynamodb'): string[] {
  const roleId = functionNamed(id)[1].Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>,
  );
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement) => statement.Action))
    .filter((action, index, all) => action.startsWith(`${service}:`) && all.indexOf(action) === index)
    .sort();
}

const dynamoActionsOf = (id: string): string[] => actionsOf(id);

/** The state machine as deployed: the file's text, and what CloudFormation substitutes into it. */
function deployedStateMachine(): {
  definition: string;
  substitutions: Record<string, { 'Fn::GetAtt': [string, string] }>;
} {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as {
    Properties: {
      DefinitionString: string;
      DefinitionSubstitutions: Record<string, { 'Fn::GetAtt': [string, string] }>;
    };
  }[];
  if (!machine) throw new Error('no state machine');
  return {
    definition: machine.Properties.DefinitionString,
    substitutions: machine.Properties.DefinitionSubstitutions,
  };
}

beforeAll(() => {
  // Bundling every function takes half a minute; docs-bundle.test.ts bundles (and runs) for real, and
  // `cdk synth` in CI bundles them all. This file reads only the template.
  template = Template.fromStack(synthesize().stack);
});

describe('PurchaseServiceStack', () => {
  it('keeps the main table on demand, with its four indexes, a stream of old and new images and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'GSI1' }),
        Match.objectLike({ IndexName: 'GSI2' }),
        Match.objectLike({ IndexName: 'GSI3' }),
        Match.objectLike({ IndexName: 'GSI4' }),
      ],
    });
  });

  it('creates the audit table, retained and recoverable', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('has one API route per declared route, unmatched requests included, a HEAD beside each open GET, and the CORS preflight route', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );

    expect(routeKeys.sort()).toEqual(
      ROUTES.map((route) => (route.path === '$default' ? '$default' : `${route.method} ${route.path}`))
        .concat(ROUTES.filter(answersHead).map((route) => `HEAD ${route.path}`))
        .concat('OPTIONS /{proxy+}')
        .sort(),
    );
  });

  it('runs every function on Node 22, arm64, traced, with its table and the external API configured', () => {
    // The service's functions: all but the admin app's BucketDeployment provider (the library's).
    const functions = Object.entries(
      template.findResources('AWS::Lambda::Function') as Record<
        string,
        { Properties: Record<string, unknown> }
      >,
    ).filter(([logicalId]) => !logicalId.startsWith('CustomCDKBucketDeployment'));
    // The sweeper, the lot expiry, the projector, the reconciler and the CORS preflight are the other five.
    expect(functions).toHaveLength(ROUTES.length + SAGA_TASKS.length + 5);
    for (const [logicalId, { Properties }] of functions) {
      expect({ logicalId, ...Properties }).toEqual(
        expect.objectContaining({
          logicalId,
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
        }),
      );
    }
    template.resourceCountIs('AWS::Lambda::Function', functions.length + 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAIN_TABLE_NAME: Match.anyValue(),
          EXTERNAL_API_BASE_URL: 'https://external.example',
        }),
      },
    });
  });

  it('starts no function with --enable-source-maps, since no bundle ships its source map', () => {
    const functions = Object.values(
      template.findResources('AWS::Lambda::Function') as Record<
        string,
        { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
      >,
    );
    const nodeOptions = functions.map(({ Properties }) => Properties.Environment?.Variables?.NODE_OPTIONS);

    expect(nodeOptions.filter((options) => String(options).includes('--enable-source-maps'))).toEqual([]);
  });

  it('grants each function only the DynamoDB actions its route declares', () => {
    expect(dynamoActionsOf('GetCredit')).toEqual(['dynamodb:GetItem']);
    expect(dynamoActionsOf('GrantCredit')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamoActionsOf('RouteNotFound')).toEqual([]);
  });

  it('grants no wildcard or table-management action to any function', () => {
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy as PolicyResource).Properties.PolicyDocument.Statement.flatMap((statement) => statement.Action),
    );

    expect(
      actions.filter((action) => /^dynamodb:(\*|DeleteTable|UpdateTable|BatchWriteItem)/.test(action)),
    ).toEqual([]);
  });

  it('lets only the scheduled reconciler scan, and it may do nothing else with a table', () => {
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>,
    );
    const scanners = policies
      .filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some((statement) =>
          [statement.Action].flat().includes('dynamodb:Scan'),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref));
    const reconcilerRole = functionNamed('ReconcileBooks')[1].Properties.Role['Fn::GetAtt'][0];

    expect(scanners).toEqual([reconcilerRole]);
    expect(dynamoActionsOf('ReconcileBooks')).toEqual(['dynamodb:Scan']);
  });

  it('deploys the purchase saga as an Express state machine, logged and traced', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: true }),
    });
  });

  it('deploys the state machine file as it is, each placeholder bound to the ARN of its task function', () => {
    const { definition, substitutions } = deployedStateMachine();
    const placeholders = [...definition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1] ?? '');

    expect(definition).toBe(readFileSync(PURCHASE_STATE_MACHINE.definitionFile, 'utf8'));
    expect(Object.keys(substitutions).sort()).toEqual([...new Set(placeholders)].sort());
    for (const task of SAGA_TASKS) {
      expect(substitutions[task.arnPlaceholder]).toEqual({
        'Fn::GetAtt': [functionNamed(task.id)[0], 'Arn'],
      });
    }
  });

  it('lets each task function end before its Task state times out', () => {
    const states = JSON.parse(readFileSync(PURCHASE_STATE_MACHINE.definitionFile, 'utf8')).States as Record<
      string,
      { Type: string; Resource?: string; TimeoutSeconds?: number }
    >;
    const tasks = Object.values(states).filter((state) => state.Type === 'Task');

    expect(tasks.length).toBeGreaterThan(0);
    for (const state of tasks) {
      const task = SAGA_TASKS.find((candidate) => state.Resource === `\${${candidate.arnPlaceholder}}`);
      if (!task) throw new Error(`no task declared for ${state.Resource}`);
      expect(functionNamed(task.id)[1].Properties.Timeout).toBeLessThan(state.TimeoutSeconds ?? 0);
    }
  });

  it('lets only the purchase function start the saga, and tells it which state machine', () => {
    const starters = [
      ...ROUTES.map((route) => route.operationId),
      ...SAGA_TASKS.map((task) => task.id),
    ].filter((id) => actionsOf(id, 'states').length > 0);

    expect(starters).toEqual(['CreatePurchase']);
    expect(actionsOf('CreatePurchase', 'states')).toEqual(['states:StartSyncExecution']);
    expect(functionNamed('CreatePurchase')[1].Properties.Environment?.Variables).toHaveProperty(
      'PURCHASE_STATE_MACHINE_ARN',
    );
  });

  it('runs the reservation sweeper every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [functionNamed(RESERVATION_SWEEPER.id)[0], 'Arn'] } }),
      ],
    });
  });

  it('feeds the audit projector from the stream, bisecting, partial, capped, with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionNamed(AUDIT_PROJECTOR.id)[0] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('lets only the projector put audit records, and nobody update or delete them', () => {
    const [auditTableId] = Object.entries(template.findResources('AWS::DynamoDB::Table')).find(([id]) =>
      id.startsWith('AuditTable'),
    ) ?? [''];
    const onAuditTable = (id: string): string[] => {
      const roleId = functionNamed(id)[1].Properties.Role['Fn::GetAtt'][0];
      return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>)
        .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement) => JSON.stringify(statement.Resource).includes(auditTableId))
        .flatMap((statement) => statement.Action)
        .sort();
    };
    const everyFunction = [
      ...ROUTES.map((route) => route.operationId),
      ...SAGA_TASKS.map((task) => task.id),
      RESERVATION_SWEEPER.id,
      AUDIT_PROJECTOR.id,
    ];

    expect(everyFunction.filter((id) => onAuditTable(id).includes('dynamodb:PutItem'))).toEqual([
      AUDIT_PROJECTOR.id,
    ]);
    expect(
      everyFunction.flatMap(onAuditTable).filter((action) => /Update|Delete|BatchWrite/.test(action)),
    ).toEqual([]);
    // Keys from the index (a statement of its own), then the records by their keys.
    expect(onAuditTable('ListAudit')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Query']);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ResourcePolicy: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith(['dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
            }),
          ]),
        },
      },
    });
  });
});
