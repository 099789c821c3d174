import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PurchaseServiceStack } from '../../infra/purchase-service-stack.ts';

export const EXTERNAL_API_BASE_URL = 'https://external.example';

/**
 * Context every test app gets: a stand-in for the admin app's build, so no infra test needs
 * `npm run build:admin` (nor depends on what the app's build holds).
 */
export const TEST_CONTEXT = {
  adminAppAssetPath: join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'admin-dist'),
};

/**
 * The stack, synthesized without bundling the functions (docs-bundle.test.ts bundles them; these tests
 * read the template only, and a synth takes a second instead of twenty).
 */
export function synthesize(context: Record<string, unknown> = {}): {
  stack: PurchaseServiceStack;
  template: Template;
} {
  const app = new App({ context: { ...TEST_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PurchaseServiceStack(app, 'Test', { externalApiBaseUrl: EXTERNAL_API_BASE_URL });
  return { stack, template: Template.fromStack(stack) };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyResource {
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles?: { Ref: string }[] };
}
interface FunctionResource {
  Properties: {
    Role: { 'Fn::GetAtt': [string, string] };
    Environment?: { Variables?: Record<string, unknown> };
  };
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`${ids.length} resources of ${type} named ${prefix}…`);
  return ids[0] ?? '';
}

/** The function whose construct id is `id`. */
export function functionNamed(template: Template, id: string): FunctionResource {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  const found = Object.entries(functions).find(([logicalId]) =>
    new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId),
  );
  if (!found) throw new Error(`no function ${id}`);
  return found[1];
}

interface RoleResource {
  Properties: { Policies?: { PolicyDocument: { Statement: Statement[] } }[]; ManagedPolicyArns?: unknown[] };
}

/**
 * Every statement of every IAM policy in the template (policies, managed policies, and roles'
 * inline policies), with the roles it is attached to.
 */
export function everyStatement(template: Template): { roles: string[]; statement: Statement }[] {
  const attached = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
    Object.values(template.findResources(type) as Record<string, PolicyResource>).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.map((statement) => ({
        roles: (policy.Properties.Roles ?? []).map((role) => role.Ref),
        statement,
      })),
    ),
  );
  const inline = Object.entries(
    template.findResources('AWS::IAM::Role') as Record<string, RoleResource>,
  ).flatMap(([roleId, role]) =>
    (role.Properties.Policies ?? []).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => ({ roles: [roleId], statement })),
    ),
  );
  return [...attached, ...inline];
}

/** The statements attached to the role of function `id`. */
export function statementsOf(template: Template, id: string): Statement[] {
  const roleId = functionNamed(template, id).Properties.Role['Fn::GetAtt'][0];
  return everyStatement(template)
    .filter(({ roles }) => roles.includes(roleId))
    .map(({ statement }) => statement);
}

/** Whether a CloudFormation value mentions the logical id `id` (a Ref or GetAtt inside it). */
export const mentions = (value: unknown, id: string): boolean =>
  JSON.stringify(value ?? null).includes(`"${id}"`);
