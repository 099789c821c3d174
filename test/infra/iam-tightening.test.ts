import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { type MainTableAccess, ROUTES, type RouteDeclaration } from '../../functions/routes.ts';
import { MAIN_TABLE } from '../../functions/shared/db/tables.ts';
import {
  AUDIT_PROJECTOR,
  RESERVATION_SWEEPER,
  SAGA_TASKS,
  type WorkerDeclaration,
} from '../../functions/workers.ts';
import {
  actionsOf,
  EXTERNAL_API_BASE_URL,
  everyStatement,
  functionNamed,
  logicalIdOf,
  mentions,
  type Statement,
  statementsOf,
  synthesize,
} from './synth.ts';

let template: Template;
let mainTableId: string;
let auditTableId: string;

beforeAll(() => {
  ({ template } = synthesize());
  mainTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', MAIN_TABLE.id);
  auditTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'AuditTable');
});

interface Deployed {
  id: string;
  mainTable: MainTableAccess;
  externalApi: boolean;
}
const FUNCTIONS: readonly Deployed[] = [
  ...(ROUTES as readonly RouteDeclaration[]).map((route) => ({ ...route, id: route.operationId })),
  ...([...SAGA_TASKS, RESERVATION_SWEEPER, AUDIT_PROJECTOR] as readonly WorkerDeclaration[]),
];

/** Statements of `id` on the main table itself (not its indexes). */
const onMainTable = (id: string): Statement[] =>
  statementsOf(template, id).filter(
    (statement) =>
      mentions(statement.Resource, mainTableId) && !JSON.stringify(statement.Resource).includes('/index/'),
  );
const leadingKeysOf = (statement: Statement): unknown =>
  statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];

describe('IAM tightening', () => {
  it('denies everyone UpdateTimeToLive on the audit table, along with updates and deletes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ResourcePolicy: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'AuditRecordsAreNeverChangedOrRemoved',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith([
                'dynamodb:UpdateItem',
                'dynamodb:DeleteItem',
                'dynamodb:UpdateTimeToLive',
              ]),
              Resource: '*',
            },
          ]),
        },
      },
    });
  });

  it("lets only the projector's role put on the audit table, in every IAM policy of the template", () => {
    const projectorRole = functionNamed(template, AUDIT_PROJECTOR.id).Properties.Role['Fn::GetAtt'][0];
    const mayPut = (action: string): boolean =>
      /^(\*|dynamodb:\*|dynamodb:Put\*|dynamodb:PutItem)$/.test(action);
    const putters = everyStatement(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .filter(({ statement }) => statement.Resource === '*' || mentions(statement.Resource, auditTableId))
      .filter(({ statement }) => actionsOf(statement).some(mayPut))
      .flatMap(({ roles }) => roles);

    expect([...new Set(putters)]).toEqual([projectorRole]);
  });

  it('grants each main-table partition its own statement, conditioned on dynamodb:LeadingKeys for it alone', () => {
    const withMainTable = FUNCTIONS.filter((fn) => Object.keys(fn.mainTable).length > 0);

    expect(withMainTable.length).toBeGreaterThan(0);
    for (const fn of withMainTable) {
      const granted = onMainTable(fn.id).map((statement) => ({
        keys: leadingKeysOf(statement),
        actions: actionsOf(statement),
      }));
      const declared = Object.entries(fn.mainTable).map(([partition, actions]) => ({
        keys: [partition],
        actions: actions.map((action) => `dynamodb:${action}`),
      }));
      expect({ id: fn.id, granted }).toEqual({ id: fn.id, granted: declared });
    }
  });

  it('lets only the routes that keep Idempotency-Key records touch them', () => {
    const holdIdempotencyRecords = FUNCTIONS.filter((fn) =>
      JSON.stringify(onMainTable(fn.id).map(leadingKeysOf)).includes('IDEMPOTENCY#'),
    ).map((fn) => fn.id);

    expect(holdIdempotencyRecords.sort()).toEqual([
      'CreatePurchase',
      'DeductCredit',
      'GrantCredit',
      'RefundPurchase',
    ]);
  });

  it('lets index queries reach the declared indexes only, and nothing but Query', () => {
    const onIndexes = FUNCTIONS.flatMap((fn) =>
      statementsOf(template, fn.id).filter((statement) =>
        JSON.stringify(statement.Resource).includes('/index/'),
      ),
    );

    expect(onIndexes.length).toBeGreaterThan(0);
    for (const statement of onIndexes) {
      expect(actionsOf(statement)).toEqual(['dynamodb:Query']);
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
    }
  });

  it('grants nothing on * but X-Ray, log delivery and stream listing', () => {
    const onEverything = everyStatement(template)
      .map(({ statement }) => statement)
      .filter((statement) => statement.Effect === 'Allow' && statement.Resource === '*')
      .flatMap(actionsOf);

    expect(onEverything.length).toBeGreaterThan(0);
    expect(
      onEverything.filter(
        (action) =>
          !/^(xray:|dynamodb:ListStreams$|logs:(Create|Get|Update|Delete|List)LogDeliver|logs:PutResourcePolicy$|logs:DescribeResourcePolicies$|logs:DescribeLogGroups$)/.test(
            action,
          ),
      ),
    ).toEqual([]);
  });

  it('tells only the functions that call out where the external API is', () => {
    const told = FUNCTIONS.filter(
      (fn) =>
        functionNamed(template, fn.id).Properties.Environment?.Variables?.EXTERNAL_API_BASE_URL !== undefined,
    ).map((fn) => fn.id);

    expect(told.sort()).toEqual(
      FUNCTIONS.filter((fn) => fn.externalApi)
        .map((fn) => fn.id)
        .sort(),
    );
    expect(told.sort()).toEqual(
      [
        'CreateShipment',
        'DeductCredit',
        'GetCredit',
        'GetCustomer',
        'GetProduct',
        'GrantCredit',
        'ListCreditTransactions',
        'ListCustomers',
        'ReserveCredit',
      ].sort(),
    );
    expect(
      functionNamed(template, 'CreateShipment').Properties.Environment?.Variables?.EXTERNAL_API_BASE_URL,
    ).toBe(EXTERNAL_API_BASE_URL);
  });
});
