import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { reportInvocation } from './invocations.ts';

/** The Lambda context a handler gets locally: the fields our handlers and Powertools read. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What Lambda reports when a function outlives its timeout (the name Step Functions matches on). */
export class LambdaTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

/**
 * Runs a handler the way Lambda bounds it: with a context whose remaining time counts down from the
 * declared timeout, and a `Sandbox.Timedout` failure once it is over. Lambda would also stop the
 * function; in one process the handler's promise runs on, but its answer is no longer used.
 */
export async function invokeWithTimeout<T>(
  functionName: string,
  timeoutSeconds: number,
  handler: (context: Context) => Promise<T>,
): Promise<T> {
  const timeoutMs = timeoutSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaTimeoutError(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  const started = performance.now();
  try {
    return await Promise.race([handler(lambdaContext(functionName, timeoutMs)), timedOut]);
  } finally {
    clearTimeout(timer);
    reportInvocation({
      functionId: functionName.replace(/^local-/, ''),
      durationMs: performance.now() - started,
    });
  }
}
