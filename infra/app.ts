import { App } from 'aws-cdk-lib';
import { PurchaseServiceStack } from './purchase-service-stack.ts';

const app = new App();
new PurchaseServiceStack(app, 'PurchaseService', {
  externalApiBaseUrl: String(app.node.tryGetContext('externalApiBaseUrl')),
});
