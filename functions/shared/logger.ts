import { Logger } from '@aws-lambda-powertools/logger';
import { redactPersonalData } from './log-redaction.ts';

/** Exported for the test that proves the redaction is what this logger writes with. */
export const LOGGER_OPTIONS = {
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'purchase-service',
  jsonReplacerFn: redactPersonalData,
};

/**
 * The one structured logger of the service: short lowercase messages, fields beside them, and no
 * customer name, e-mail or address in what it writes (log-redaction.ts).
 */
export const logger = new Logger(LOGGER_OPTIONS);
