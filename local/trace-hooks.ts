/** Runs `run` as one named, timed step. */
export type Span = <T>(name: string, run: () => Promise<T>) => Promise<T>;

/**
 * Where the local emulation (HTTP API, Step Functions) marks its steps, for the purchase bench's
 * timing breakdown (bench/saga-trace.ts replaces `span`). By default a step only runs.
 */
export const localTrace: { span: Span } = { span: (_name, run) => run() };
