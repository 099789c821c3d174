import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import type { PurchaseSagaInput } from './purchase.schemas.ts';
import type { PurchaseSaga, SagaOutcome } from './purchase.ts';

/** Runs the saga as a synchronous Express execution, named after the purchase. */
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
      case 'SUCCEEDED':
        return { status: 'SUCCEEDED', output: execution.output };
      case 'TIMED_OUT':
        return { status: 'TIMED_OUT' };
      default:
        return { status: 'FAILED', error: execution.error, cause: execution.cause };
    }
  }
}
