import * as z from 'zod';
import { AppError, type ErrorCode, ServiceUnavailableError } from '../errors.ts';
import { STATUS_BY_CODE } from '../http/status-by-code.ts';
import { redactPersonalData } from '../log-redaction.ts';

/**
 * How a task's domain error crosses Step Functions and comes back to the purchase Lambda.
 *
 * A Lambda that throws is reported as `{ errorType, errorMessage, trace }`: `errorType` (the error's
 * `name`) is what the state machine's Retry and Catch match on, and this JSON is the `Cause` a Catch
 * sees and the `cause` StartSyncExecution returns. Only the message is free, so a domain error
 * travels as JSON in it: its code, message and details survive the trip.
 */
export interface LambdaErrorReport {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

const WireErrorSchema = z.object({
  code: z.string().refine((code) => Object.hasOwn(STATUS_BY_CODE, code)),
  message: z.string(),
  details: z.union([
    z.record(z.string(), z.unknown()),
    z.array(z.object({ path: z.string(), message: z.string() })),
  ]),
});

/**
 * The error a task Lambda throws for a domain error: same name, message carrying the details. The
 * message becomes the execution's `Cause`, which the state machine logs (ERROR, with execution
 * data): personal data in the details is redacted on the way, as in the logs.
 */
export function toTaskError(error: AppError): Error {
  const wire = new Error(
    JSON.stringify({ code: error.code, message: error.message, details: error.details }, redactPersonalData),
    {
      cause: error,
    },
  );
  wire.name = error.name;
  return wire;
}

/** Reads a failure report (`cause`) back. @returns undefined when it is not a Lambda error report */
export function parseLambdaErrorReport(cause: string | undefined): LambdaErrorReport | undefined {
  if (cause === undefined) return undefined;
  try {
    const parsed = z.object({ errorType: z.string(), errorMessage: z.string() }).safeParse(JSON.parse(cause));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The domain error a task threw, rebuilt. @returns undefined for any other failure */
export function domainErrorFrom(report: LambdaErrorReport | undefined): AppError | undefined {
  if (!report) return undefined;
  try {
    const parsed = WireErrorSchema.safeParse(JSON.parse(report.errorMessage));
    if (!parsed.success) return undefined;
    return new AppError(parsed.data.code as ErrorCode, parsed.data.message, parsed.data.details);
  } catch {
    return undefined;
  }
}

/**
 * Errors Step Functions names for its platform rather than for a step's rule: a task that timed out
 * (its Lambda waiting on a DynamoDB that hangs) or Lambda refusing or failing the invocation. The
 * state machine retries them where that fits the budget; one that still ends the execution is
 * overload, not a bug.
 */
const PLATFORM_OVERLOAD_ERRORS = new Set([
  'States.Timeout',
  'Sandbox.Timedout',
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
]);
/** Long enough for a throttled Lambda or a stuck table to recover. */
const PLATFORM_RETRY_AFTER_SECONDS = 5;

/** @returns the 503 for an execution that failed with a platform overload error, else undefined */
export function platformOverloadFrom(errorName: string | undefined): ServiceUnavailableError | undefined {
  if (errorName === undefined || !PLATFORM_OVERLOAD_ERRORS.has(errorName)) return undefined;
  return new ServiceUnavailableError(PLATFORM_RETRY_AFTER_SECONDS, {
    cause: new Error(`the purchase saga failed with ${errorName}`),
  });
}
