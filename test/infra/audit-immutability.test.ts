import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { AUDIT_TABLE } from '../../functions/shared/db/tables.ts';
import { AUDIT_PROJECTOR } from '../../functions/workers.ts';
import { actionsOf, functionNamed, logicalIdOf, mentions, type Statement, synthesize } from './synth.ts';

let template: Template;
let auditTableId: string;
let auditTable: {
  Properties: Record<string, unknown> & { ResourcePolicy?: { PolicyDocument: { Statement: Statement[] } } };
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

beforeAll(() => {
  ({ template } = synthesize());
  auditTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', AUDIT_TABLE.id);
  auditTable = template.toJSON().Resources[auditTableId];
});

const denials = (): Statement[] =>
  (auditTable.Properties.ResourcePolicy?.PolicyDocument.Statement ?? []).filter(
    (statement) => statement.Effect === 'Deny',
  );

/** The statements that deny `action` to every principal, with no condition that exempts anyone. */
const deniedToEveryone = (action: string): Statement[] =>
  denials().filter(
    (statement) =>
      actionsOf(statement).includes(action) &&
      JSON.stringify((statement as { Principal?: unknown }).Principal) === '{"AWS":"*"}' &&
      statement.Condition === undefined,
  );

describe('the audit trail, which nobody can rewrite', () => {
  it.each([
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PartiQLDelete',
    'dynamodb:UpdateTimeToLive',
    'dynamodb:UpdateTable',
    'dynamodb:DeleteTable',
  ])('denies %s on the audit table to every principal', (action) => {
    expect(deniedToEveryone(action)).toHaveLength(1);
  });

  it.each(['dynamodb:PutItem', 'dynamodb:PartiQLInsert'])(
    "denies %s to every principal but the projector's role",
    (action) => {
      const projectorRole = functionNamed(template, AUDIT_PROJECTOR.id).Properties.Role['Fn::GetAtt'][0];
      const statements = denials().filter((statement) => actionsOf(statement).includes(action));

      expect(statements).toHaveLength(1);
      const [statement] = statements as [Statement];
      expect((statement as { Principal?: unknown }).Principal).toEqual({ AWS: '*' });
      expect(statement.Condition).toEqual({
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [projectorRole, 'Arn'] } },
      });
    },
  );

  it('keeps the table, protected from deletion and recoverable to any second, when the stack goes', () => {
    expect(auditTable.DeletionPolicy).toBe('Retain');
    expect(auditTable.UpdateReplacePolicy).toBe('Retain');
    expect(auditTable.Properties.DeletionProtectionEnabled).toBe(true);
    expect(auditTable.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('copies the audit table into a backup vault locked in compliance mode, kept past the stack', () => {
    const vaults = Object.values(
      template.findResources('AWS::Backup::BackupVault') as Record<
        string,
        { Properties: { LockConfiguration?: Record<string, number> }; DeletionPolicy?: string }
      >,
    );
    const locked = vaults.filter((vault) => vault.Properties.LockConfiguration !== undefined);

    expect(locked).toHaveLength(1);
    const [vault] = locked as [(typeof locked)[number]];
    // ChangeableForDays is what makes the lock compliance mode: immutable, even to the account's root,
    // once those days are over (without it, governance mode: removable by anyone allowed to).
    expect(vault.Properties.LockConfiguration?.ChangeableForDays).toBeGreaterThanOrEqual(3);
    expect(vault.Properties.LockConfiguration?.MinRetentionDays).toBeGreaterThanOrEqual(35);
    expect(vault.DeletionPolicy).toBe('Retain');

    const selections = Object.values(
      template.findResources('AWS::Backup::BackupSelection') as Record<
        string,
        { Properties: { BackupSelection: { Resources?: unknown[] } } }
      >,
    );
    expect(
      selections.filter((selection) =>
        mentions(selection.Properties.BackupSelection.Resources, auditTableId),
      ),
    ).toHaveLength(1);
  });

  it('keeps every backup rule at least as long as the lock requires', () => {
    const plans = Object.values(
      template.findResources('AWS::Backup::BackupPlan') as Record<
        string,
        {
          Properties: {
            BackupPlan: {
              BackupPlanRule: { Lifecycle?: { DeleteAfterDays?: number }; ScheduleExpression: string }[];
            };
          };
        }
      >,
    );
    const rules = plans.flatMap((plan) => plan.Properties.BackupPlan.BackupPlanRule);
    const vault = Object.values(
      template.findResources('AWS::Backup::BackupVault') as Record<
        string,
        { Properties: { LockConfiguration?: { MinRetentionDays: number } } }
      >,
    ).find((candidate) => candidate.Properties.LockConfiguration !== undefined);

    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.Lifecycle?.DeleteAfterDays).toBeGreaterThanOrEqual(
        vault?.Properties.LockConfiguration?.MinRetentionDays ?? Number.POSITIVE_INFINITY,
      );
    }
  });
});
