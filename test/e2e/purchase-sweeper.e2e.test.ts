import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ExecutionAbortedError } from 'aws-local-stepfunctions';
import { useLocalAwsEnvironment } from '../../local/dynamodb-local.ts';
import type { LocalStateMachine } from '../../local/step-functions.ts';
import {
  allTransactions,
  api,
  callLog,
  createCustomer,
  createProduct,
  creditOf,
  grant,
  mock,
} from '../support/api-client.ts';
import { expectBooksToBalance } from '../support/reconcile.ts';
import { stackUrls } from '../support/stack.ts';

/**
 * An execution that dies between Reserve and Commit, and the sweeper that finishes its hold.
 * The test runs the real state machine file with the real task handlers (the local runner that
 * `npm start` uses), against the stack's DynamoDB Local and mock API, and kills the execution at a
 * chosen step; then it runs the sweeper as if its maximum age had passed.
 */

const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

type Sweeper = typeof import('../../functions/purchases/saga/sweep-reservations.ts');
type Deps = ReturnType<typeof import('../../functions/purchases/saga/saga.deps.ts').sagaStepDeps>;

let machine: LocalStateMachine;
let destroyClients: () => void;
let reservation: Sweeper;
let releaseCredit: typeof import('../../functions/purchases/saga/release-credit.ts').releaseCredit;
let deps: Deps;
let maxAgeMs: number;

/** Runs the sweeper as the schedule would once the reservation is older than the maximum age. */
const sweepLater = () =>
  reservation.sweepReservations(
    { ...deps, clock: { now: () => new Date(Date.now() + maxAgeMs + 1_000) } },
    { maxAgeMs, pageSize: 100, deadline: new Date(Date.now() + 60_000) },
  );

beforeAll(async () => {
  // The handler modules read their configuration at import, as at a Lambda cold start.
  const stack = stackUrls();
  useLocalAwsEnvironment();
  Object.assign(process.env, {
    MAIN_TABLE_NAME: stack.mainTable,
    EXTERNAL_API_BASE_URL: stack.mockApiUrl,
    DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  const { createLocalPurchaseStateMachine } = await import('../../local/step-functions.ts');
  const { getRuntime } = await import('../../functions/shared/runtime.ts');
  const { sagaStepDeps } = await import('../../functions/purchases/saga/saga.deps.ts');
  reservation = await import('../../functions/purchases/saga/sweep-reservations.ts');
  ({ releaseCredit } = await import('../../functions/purchases/saga/release-credit.ts'));
  machine = await createLocalPurchaseStateMachine(ROOT_DIR);
  const runtime = getRuntime();
  destroyClients = () => runtime.documentClient.destroy();
  deps = sagaStepDeps(runtime);
  maxAgeMs = runtime.config.RESERVATION_MAX_AGE_SECONDS * 1000;
});

beforeEach(async () => {
  await mock('DELETE', '/__control/calls');
});

/** Starts a purchase of one unit at 2.50 by a customer with 10.00, and kills it when `killAt` starts. */
async function purchaseKilledAt(killAt: string, before?: (purchaseId: string) => Promise<void>) {
  const customerId = await createCustomer();
  await grant(customerId, 1_000);
  const { id: productId } = await createProduct(2.5);
  const purchaseId = `01KILLED${Date.now().toString(36).toUpperCase().padStart(18, '0')}`;

  const execution = machine.execute(
    { purchaseId, customerId, productId, quantity: 1, actor: 'test' },
    purchaseId,
    {
      [killAt]: async (_input, abort) => {
        await before?.(purchaseId);
        abort(); // the execution is gone: whatever this step answers is never used
        return null;
      },
    },
  );
  await expect(execution).rejects.toBeInstanceOf(ExecutionAbortedError);
  return { customerId, purchaseId };
}

// After the load above: the ledger, the holds, the refunds and the audit trail all agree.
afterAll(async () => {
  await expectBooksToBalance();
  destroyClients();
});

describe('reservation sweeper', () => {
  it('releases the hold of an execution killed before CreateShipment', async () => {
    const { customerId, purchaseId } = await purchaseKilledAt('CreateShipment');
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: 1_000,
      availableCents: 750,
      heldCents: 250,
    });

    const swept = await sweepLater();

    expect(swept.released).toContain(purchaseId);
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: 1_000,
      availableCents: 1_000,
      heldCents: 0,
    });
    expect((await api('GET', `/v1/purchases/${purchaseId}`)).status).toBe(404);
    expect((await callLog()).filter((call) => call.operation === 'CreateShipment')).toEqual([]);
  });

  it('completes, never releases, the purchase of an execution killed after its shipment went out', async () => {
    const { customerId, purchaseId } = await purchaseKilledAt('Commit');
    const [shipment] = (await callLog()).filter((call) => call.operation === 'CreateShipment');
    expect(await creditOf(customerId)).toMatchObject({ heldCents: 250 });

    const swept = await sweepLater();

    expect(swept.committed).toContain(purchaseId);
    const purchase = await api<{ shipmentId: string; totalCents: number }>(
      'GET',
      `/v1/purchases/${purchaseId}`,
    );
    expect(purchase.status).toBe(200);
    expect(purchase.body).toMatchObject({ shipmentId: shipment?.shipmentId, totalCents: 250 });
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: 750,
      availableCents: 750,
      heldCents: 0,
    });
    expect((await allTransactions(customerId)).filter((entry) => entry.type === 'PURCHASE')).toHaveLength(1);
  });

  it('keeps holding, and reports, a hold whose execution died during the CreateShipment call', async () => {
    const { customerId, purchaseId } = await purchaseKilledAt('CreateShipment', async (id) => {
      await deps.reservations.markShipping(id, new Date().toISOString());
    });

    const swept = await sweepLater();

    expect(swept.needsReview).toContain(purchaseId);
    expect(swept.released).not.toContain(purchaseId);
    expect(await creditOf(customerId)).toMatchObject({ availableCents: 750, heldCents: 250 });
    const awaiting = await deps.reservations.listAwaitingReview({ limit: 100 });
    expect(awaiting.items.map((item) => item.purchaseId)).toContain(purchaseId);
    expect((await sweepLater()).needsReview).not.toContain(purchaseId);

    // A person who learnt that nothing shipped releases it as the saga's compensation would.
    await releaseCredit(deps, purchaseId);
    expect(await creditOf(customerId)).toMatchObject({ availableCents: 1_000, heldCents: 0 });
  });

  it('rolls forward to a purchase when CreateShipment shipped but its state timed out', async () => {
    const customerId = await createCustomer();
    await grant(customerId, 1_000);
    const { id: productId } = await createProduct(2.5);
    const purchaseId = `01LATE${Date.now().toString(36).toUpperCase().padStart(20, '0')}`;
    const { handler: createShipment } = await import(
      '../../functions/purchases/saga/create-shipment.task.ts'
    );

    const execution = await machine.execute(
      { purchaseId, customerId, productId, quantity: 1, actor: 'test' },
      purchaseId,
      {
        // The call went through, but its answer came after the state's timeout.
        CreateShipment: async (input) => {
          await createShipment(input);
          throw Object.assign(new Error('Task timed out'), { name: 'States.Timeout' });
        },
      },
    );

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      purchaseId,
      purchase: { id: purchaseId, status: 'COMPLETED', totalCents: 250 },
    });
    expect((await api('GET', `/v1/purchases/${purchaseId}`)).body).toMatchObject({ totalCents: 250 });
    expect(await creditOf(customerId)).toMatchObject({
      balanceCents: 750,
      availableCents: 750,
      heldCents: 0,
    });
  });
});
