import type * as z from 'zod';
import { AppError } from '../errors.ts';
import { STATUS_BY_CODE } from '../http/status-by-code.ts';
import { logger } from '../logger.ts';
import { SagaSignal } from './saga-signal.ts';
import { toTaskError } from './task-errors.ts';

/**
 * Builds the Lambda handler of one saga step: the state is checked against the step's schema (a
 * mismatch is a bug in the state machine, reported as such), and a domain error leaves as a task
 * error that keeps its name for Retry/Catch and its code and details for the caller.
 */
export function sagaTask<S extends z.ZodType<{ purchaseId: string }>, R>(
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
): (event: unknown) => Promise<R> {
  return async (event) => {
    const input = schema.parse(event);
    logger.resetKeys();
    logger.appendKeys({ purchaseId: input.purchaseId });
    try {
      return await run(input);
    } catch (error) {
      if (error instanceof SagaSignal) {
        logger.info('saga step steers the saga', { signal: error.name });
        throw error;
      }
      if (!(error instanceof AppError)) {
        logger.error('saga step failed', { error: error as Error });
        throw error;
      }
      // A business rule saying no is routine; an upstream failure is worth a warning.
      if (STATUS_BY_CODE[error.code] < 500) logger.info('saga step refused', { code: error.code });
      else logger.warn('saga step failed', { code: error.code, details: error.details });
      throw toTaskError(error);
    }
  };
}
