import { StaleReadError } from '#shared/retry.ts';

/** The account (or what was read with it) changed between read and write: read again and retry. */
export class StaleAccountError extends StaleReadError {
  override readonly name = 'StaleAccountError';
}

/** This operation (an Idempotency-Key's request) already changed the account: answer with what it wrote. */
export class OperationAlreadyAppliedError extends Error {
  override readonly name = 'OperationAlreadyAppliedError';
}
