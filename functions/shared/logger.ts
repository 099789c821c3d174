import { Logger } from '@aws-lambda-powertools/logger';

/** The one structured logger of the service: short lowercase messages, fields beside them. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'purchase-service' });
