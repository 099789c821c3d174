import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { AppError } from '#shared/errors.ts';
import { domainErrorFrom, parseLambdaErrorReport, platformOverloadFrom } from '#shared/saga/task-errors.ts';
import { type PurchaseSagaInput, PurchaseSchema } from './purchase.schemas.ts';
import type { PurchaseSaga, SagaOutcome } from './purchase.ts';

/** The state machine's Fail state after a shipment failure was compensated (purchase.asl.json). */
const SHIPMENT_FAILED_STATE_ERROR = 'ShipmentFailed';
/** What a successful execution outputs (Commit's result): the purchase, unless too large for a state. */
const SagaOutputSchema = z.object({ purchaseId: z.string().min(1), purchase: PurchaseSchema.optional() });
/** The error name Reserve throws when the request's Idempotency-Key already bought. */
const DUPLICATE_PURCHASE_ERROR = 'DuplicatePurchaseError';

/**
 * Runs the saga as a synchronous Express execution, named after the purchase, and decodes how it
 * ended: Step Functions' status, the Fail state's error name, and the Lambda error report in its
 * cause (see shared/saga/task-errors.ts). Nothing past this adapter knows a state name.
 */
export class StepFunctionsPurchaseSaga implements PurchaseSaga {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async run(input: PurchaseSagaInput): Promise<SagaOutcome> {
    const execution = await this.client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: input.purchaseId,
        input: JSON.stringify(input),
      }),
    );
    switch (execution.status) {
      case 'SUCCEEDED': {
        const { purchaseId, purchase } = SagaOutputSchema.parse(JSON.parse(execution.output ?? 'null'));
        return { kind: 'purchased', purchaseId, ...(purchase === undefined ? {} : { purchase }) };
      }
      case 'TIMED_OUT':
        return { kind: 'timed-out' };
      default:
        return decodeFailure(input.purchaseId, execution.error, execution.cause);
    }
  }
}

/** @throws Error for a failure the saga never reports (a bug: the caller gets a 500) */
export function decodeFailure(
  purchaseId: string,
  error: string | undefined,
  cause: string | undefined,
): SagaOutcome {
  const report = parseLambdaErrorReport(cause);
  const domainError = domainErrorFrom(report);
  const details = domainError && !Array.isArray(domainError.details) ? domainError.details : {};

  if (error === SHIPMENT_FAILED_STATE_ERROR) {
    const reason = details.reason;
    return {
      kind: 'shipment-failed',
      timedOut: domainError?.code === 'UPSTREAM_TIMEOUT',
      reason: typeof reason === 'string' ? reason : undefined,
    };
  }
  if (report?.errorType === DUPLICATE_PURCHASE_ERROR && typeof details.purchaseId === 'string') {
    return { kind: 'duplicate', purchaseId: details.purchaseId };
  }
  if (domainError instanceof AppError) return { kind: 'refused', error: domainError };
  // Step Functions or Lambda itself gave up (a state or function timeout, Lambda throttled): overload.
  const overload = platformOverloadFrom(error);
  if (overload) return { kind: 'refused', error: overload };
  throw new Error(`purchase saga ${purchaseId} failed with ${error ?? 'no error name'}`);
}
