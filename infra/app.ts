import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InvalidContextError, readAppContext } from './context.ts';
import { PurchaseServiceStack } from './purchase-service-stack.ts';

const app = new App();
let context: ReturnType<typeof readAppContext>;
try {
  context = readAppContext(app.node);
} catch (error) {
  if (!(error instanceof InvalidContextError)) throw error;
  // The message is the whole story (what is missing, how to give it); a stack trace would bury it.
  console.error(error.message);
  process.exit(1);
}
new PurchaseServiceStack(app, 'PurchaseService', { externalApiBaseUrl: context.externalApiBaseUrl });
// `cdk synth` fails on any finding not acknowledged in the stack (test/infra/cdk-nag.test.ts too).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
