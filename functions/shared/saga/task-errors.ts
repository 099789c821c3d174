import { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.ts';
import { STATUS_BY_CODE } from '../http/status-by-code.ts';

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

/** The error a task Lambda throws for a domain error: same name, message carrying the details. */
export function toTaskError(error: AppError): Error {
  const wire = new Error(
    JSON.stringify({ code: error.code, message: error.message, details: error.details }),
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
