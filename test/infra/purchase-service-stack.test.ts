import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../functions/routes.ts';
import { PurchaseServiceStack } from '../../infra/purchase-service-stack.ts';

let template: Template;

interface PolicyResource {
  Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] }; Roles: { Ref: string }[] };
}
interface FunctionResource {
  Properties: {
    Role: { 'Fn::GetAtt': [string, string] };
    Environment?: { Variables?: Record<string, unknown> };
  };
}

/** The DynamoDB actions granted to the function that serves `operationId`. */
function dynamoActionsOf(operationId: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  const [, fn] = Object.entries(functions).find(([logicalId]) => logicalId.startsWith(operationId)) ?? [];
  if (!fn) throw new Error(`no function for ${operationId}`);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>,
  );
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement) => statement.Action))
    .filter((action) => action.startsWith('dynamodb:'))
    .sort();
}

beforeAll(() => {
  const app = new App();
  const stack = new PurchaseServiceStack(app, 'Test', { externalApiBaseUrl: 'https://external.example' });
  template = Template.fromStack(stack);
});

describe('PurchaseServiceStack', () => {
  it('keeps the main table on demand, with a stream of old and new images and point-in-time recovery', () => {
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

  it('has one API route per declared route, unmatched requests included', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );

    expect(routeKeys.sort()).toEqual(
      ROUTES.map((route) =>
        route.path === '$default' ? '$default' : `${route.method} ${route.path}`,
      ).sort(),
    );
  });

  it('runs every function on Node 22, arm64, traced, with its table and the external API configured', () => {
    template.resourceCountIs('AWS::Lambda::Function', ROUTES.length);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAIN_TABLE_NAME: Match.anyValue(),
          EXTERNAL_API_BASE_URL: 'https://external.example',
        }),
      },
    });
  });

  it('grants each function only the DynamoDB actions its route declares', () => {
    expect(dynamoActionsOf('GetCredit')).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(dynamoActionsOf('GrantCredit')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamoActionsOf('RouteNotFound')).toEqual([]);
  });

  it('grants no wildcard, scan or table-management action to any function', () => {
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy as PolicyResource).Properties.PolicyDocument.Statement.flatMap((statement) => statement.Action),
    );

    expect(
      actions.filter((action) => /^dynamodb:(\*|Scan|DeleteTable|UpdateTable|BatchWriteItem)/.test(action)),
    ).toEqual([]);
  });
});
