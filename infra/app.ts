import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PurchaseServiceStack } from './purchase-service-stack.ts';

const app = new App();
new PurchaseServiceStack(app, 'PurchaseService', {
  externalApiBaseUrl: String(app.node.tryGetContext('externalApiBaseUrl')),
});
// `cdk synth` fails on any finding not acknowledged in the stack (test/infra/cdk-nag.test.ts too).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
