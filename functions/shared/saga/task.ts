import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
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
      logger.warn('saga step failed', { error: error as Error });
      if (error instanceof AppError) throw toTaskError(error);
      throw error;
    }
  };
}
