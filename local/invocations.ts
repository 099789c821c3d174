import { channel } from 'node:diagnostics_channel';

/**
 * What the local runtime reports about the work AWS would bill: each function invocation with its
 * duration, and each Express execution of the state machine. Nothing listens unless a bench does
 * (`npm run bench:cost`); publishing to a channel without subscribers costs nothing.
 */

export interface InvocationReport {
  /** The function's construct id (the route's operationId, the task's or worker's id). */
  functionId: string;
  durationMs: number;
  /** For a stream-triggered function: the records in the batch. */
  records?: number;
}

export interface ExecutionReport {
  stateMachineId: string;
  durationMs: number;
  status: string;
}

export const invocations = channel('purchase-service:local:invocation');
export const executions = channel('purchase-service:local:execution');
/** A read of every shard of the main table's stream found nothing new: the audit has caught up. */
export const streamCaughtUp = channel('purchase-service:local:stream-caught-up');

export function reportInvocation(report: InvocationReport): void {
  if (invocations.hasSubscribers) invocations.publish(report);
}

export function reportExecution(report: ExecutionReport): void {
  if (executions.hasSubscribers) executions.publish(report);
}

export function reportStreamCaughtUp(): void {
  if (streamCaughtUp.hasSubscribers) streamCaughtUp.publish({});
}
