import { ConflictError } from './errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  /** Waits before attempt number `attempt` (2, 3, …). */
  wait(attempt: number): Promise<void>;
}

/** Full jitter, capped: concurrent writers that collided spread out instead of colliding again. */
export function jitteredBackoff(options: {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts,
    wait: (attempt) => {
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
      return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    },
  };
}

/**
 * What a write was conditional on changed since it was read (the account's version, the
 * reservation's status, the purchase's refunded total): read again and decide again.
 */
export class StaleReadError extends Error {
  override readonly name: string = 'StaleReadError';
}

/**
 * Optimistic concurrency: runs `attempt` (read, decide, conditional write) until it does not hit a
 * StaleReadError, waiting between attempts as the policy says.
 * @throws ConflictError with `exhaustedMessage` when contention outlasts the policy
 */
export async function withOptimisticRetry<T>(
  policy: RetryPolicy,
  exhaustedMessage: string,
  attempt: () => Promise<T>,
): Promise<T> {
  let lastStale: StaleReadError | undefined;
  for (let number = 1; number <= policy.maxAttempts; number++) {
    if (number > 1) await policy.wait(number);
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleReadError)) throw error;
      lastStale = error;
    }
  }
  throw new ConflictError(exhaustedMessage, { cause: lastStale });
}
