import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { PURCHASE_STATE_MACHINE, SAGA_TASKS } from '../functions/workers.ts';
import { reportExecution } from './invocations.ts';
import { invokeWithTimeout } from './lambda-context.ts';
import { localTrace } from './trace-hooks.ts';
import './promise-with-resolvers.ts';
import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';

/**
 * Step Functions on this machine: the same state machine file, with the same `${...}` substitutions
 * CDK fills, run by aws-local-stepfunctions, its Task states bound to the same handler modules CDK
 * deploys. A small endpoint speaks StartSyncExecution, so the purchase function's SFN client runs
 * unchanged against it (only its endpoint differs).
 */

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

type TaskHandler = (event: unknown, context: Context) => Promise<unknown>;
type Json = Parameters<StateMachine['run']>[0];
type TaskFunction = (input: Json) => Promise<Json>;

/** StartSyncExecution's answer, as far as the service reads it. */
export interface SyncExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: number;
  stopDate: number;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  output?: string;
  error?: string;
  cause?: string;
}

export interface LocalStateMachine {
  arn: string;
  /**
   * Runs one execution to its end. `replaceTasks` swaps a Task state's function for another (tests
   * use it to kill an execution at a chosen step); it gets the execution's `abort`.
   * @throws ExecutionAbortedError when the execution was aborted
   */
  execute(
    input: unknown,
    name: string,
    replaceTasks?: Record<string, (input: unknown, abort: () => void) => Promise<unknown>>,
  ): Promise<SyncExecutionResult>;
}

interface TaskState {
  Type: string;
  Resource?: string;
}

export const LOCAL_PURCHASE_STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${PURCHASE_STATE_MACHINE.id}`;

/** The ARN a saga task's function has locally; stands in for the ARN CDK substitutes. */
const localFunctionArn = (id: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:local-${id}`;

/** Fills every `${Name}` of the definition, as CDK's definitionSubstitutions do; a missing one throws. */
export function substitute(definition: string, values: Record<string, string>): string {
  return definition.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no substitution for \${${name}}`);
    return value;
  });
}

/** Step Functions' limit on a state's input or output, which the local engine does not enforce itself. */
const MAX_STATE_BYTES = 256 * 1024;

/**
 * Calls a handler the way Lambda does for Step Functions: the state goes in and the result comes out
 * as JSON (at most 256 KiB of it), within the task's declared timeout, and a thrown error becomes
 * Lambda's `{errorType, errorMessage, trace}` report, named after the error. That report is the
 * `Cause` a Catch sees, as in AWS.
 */
function asLambda(task: { id: string; timeoutSeconds: number }, handler: TaskHandler): TaskFunction {
  return (input) => localTrace.span(`task ${task.id}`, () => invoke(input));
  async function invoke(input: Json): Promise<Json> {
    try {
      const event: unknown = JSON.parse(JSON.stringify(input));
      const result = await invokeWithTimeout(`local-${task.id}`, task.timeoutSeconds, (context) =>
        localTrace.span(`handler ${task.id}`, () => handler(event, context)),
      );
      const output = JSON.stringify(result ?? null);
      if (Buffer.byteLength(output) > MAX_STATE_BYTES) {
        throw Object.assign(new Error(`the output of ${task.id} is over 256 KiB`), {
          name: 'States.DataLimitExceeded',
        });
      }
      return JSON.parse(output) as Json;
    } catch (error) {
      if (error instanceof Error && error.name === 'States.DataLimitExceeded') throw error;
      const thrown = error instanceof Error ? error : new Error(String(error));
      const report = {
        errorType: thrown.name,
        errorMessage: thrown.message,
        trace: (thrown.stack ?? '').split('\n'),
      };
      const failure = new Error(JSON.stringify(report));
      failure.name = report.errorType;
      throw failure;
    }
  }
}

export async function createLocalPurchaseStateMachine(rootDir: string): Promise<LocalStateMachine> {
  const substitutions: Record<string, string> = {};
  const functionsByArn = new Map<string, TaskFunction>();
  for (const task of SAGA_TASKS) {
    const module = (await import(pathToFileURL(`${rootDir}/${task.entry}`).href)) as { handler: TaskHandler };
    const arn = localFunctionArn(task.id);
    substitutions[task.arnPlaceholder] = arn;
    functionsByArn.set(arn, asLambda(task, module.handler));
  }
  const definition = JSON.parse(
    substitute(readFileSync(`${rootDir}/${PURCHASE_STATE_MACHINE.definitionFile}`, 'utf8'), substitutions),
  ) as { States: Record<string, TaskState> };

  const taskFunctions: Record<string, TaskFunction> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const fn = state.Resource === undefined ? undefined : functionsByArn.get(state.Resource);
    if (!fn) throw new Error(`state ${stateName} calls ${state.Resource}, which no saga task declares`);
    taskFunctions[stateName] = fn;
  }

  const machine = new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0]);
  const arn = LOCAL_PURCHASE_STATE_MACHINE_ARN;

  const run: LocalStateMachine['execute'] = async (input, name, replaceTasks = {}) => {
    const startDate = Date.now() / 1000;
    let abort: () => void = () => undefined;
    const overrides: Record<string, TaskFunction> = { ...taskFunctions };
    for (const [stateName, replacement] of Object.entries(replaceTasks)) {
      overrides[stateName] = async (taskInput) => (await replacement(taskInput, () => abort())) as Json;
    }
    const executionArn = `${arn.replace(':stateMachine:', ':express:')}:${name}`;
    const execution = machine.run(input as Json, {
      overrides: { taskResourceLocalHandlers: overrides },
      context: { Execution: { Name: name, Id: executionArn } },
    });
    abort = execution.abort;
    const base = {
      executionArn,
      stateMachineArn: arn,
      name,
      startDate,
    };
    try {
      const output = await execution.result;
      return { ...base, stopDate: Date.now() / 1000, status: 'SUCCEEDED', output: JSON.stringify(output) };
    } catch (error) {
      const stopDate = Date.now() / 1000;
      if (error instanceof ExecutionTimeoutError) return { ...base, stopDate, status: 'TIMED_OUT' };
      if (error instanceof ExecutionError && error.cause instanceof Error) {
        return { ...base, stopDate, status: 'FAILED', error: error.cause.name, cause: error.cause.message };
      }
      throw error;
    }
  };
  return {
    arn,
    execute: (input, name, replaceTasks) =>
      localTrace.span('sfn execution', async () => {
        const result = await run(input, name, replaceTasks);
        reportExecution({
          stateMachineId: PURCHASE_STATE_MACHINE.id,
          durationMs: (result.stopDate - result.startDate) * 1000,
          status: result.status,
        });
        return result;
      }),
  };
}

/**
 * The StartSyncExecution endpoint (AWS JSON 1.0 protocol, as the SDK's SFN client speaks it).
 * Only that operation exists here; any other gets the protocol's error shape.
 */
export function createStepFunctionsEndpoint(machines: readonly LocalStateMachine[]): Server {
  return createServer((request, response) => {
    localTrace
      .span('sfn endpoint', () => serve(machines, request, response))
      .catch((error: unknown) => {
        reply(response, 500, {
          __type: 'InternalFailure',
          message: error instanceof Error ? error.message : 'local Step Functions failed',
        });
      });
  });
}

async function serve(
  machines: readonly LocalStateMachine[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const target = request.headers['x-amz-target'];
  if (target !== 'AWSStepFunctions.StartSyncExecution') {
    return reply(response, 400, {
      __type: 'UnknownOperationException',
      message: `${String(target)} is not served locally`,
    });
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    stateMachineArn?: string;
    name?: string;
    input?: string;
  };
  const machine = machines.find((candidate) => candidate.arn === body.stateMachineArn);
  if (!machine) {
    return reply(response, 400, {
      __type: 'StateMachineDoesNotExist',
      message: `${body.stateMachineArn} does not exist`,
    });
  }
  const name = body.name ?? crypto.randomUUID();
  const result = await machine.execute(JSON.parse(body.input ?? '{}'), name);
  reply(response, 200, { ...result, input: body.input ?? '{}' });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}
