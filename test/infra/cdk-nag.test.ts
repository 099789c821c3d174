import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PurchaseServiceStack } from '../../infra/purchase-service-stack.ts';
import { TEST_CONTEXT } from './synth.ts';

let report: PolicyValidationPluginReport;

beforeAll(() => {
  // Bundling is skipped here (the stack test bundles every function): nag reads the template only.
  const app = new App({ context: { ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PurchaseServiceStack(app, 'Test', { externalApiBaseUrl: 'https://external.example' });
  report = new AwsSolutionsChecks().validateScope(stack);
});

const findings = (severity: string): string[] =>
  report.violations
    .filter((violation) => violation.severity === severity)
    .flatMap((violation) =>
      violation.violatingResources.map(
        (resource) =>
          `${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}: ${violation.description}`,
      ),
    );

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error', () => {
    expect(findings('error')).toEqual([]);
  });

  it('finds no unacknowledged warning', () => {
    expect(findings('warning')).toEqual([]);
  });
});
