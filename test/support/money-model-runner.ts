import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  allPages,
  allTransactions,
  api,
  createCustomer,
  createProduct,
  creditOf,
  setFaults,
} from './api-client.ts';
import { reconcileOnceSettled } from './books.ts';
import {
  type Answer,
  alteredCall,
  balanceOf,
  type Call,
  explainStep,
  FAULTS,
  initialState,
  isFinal,
  type ModelState,
  type Observed,
  purchaseStatus,
  resolveCall,
  type Scenario,
  scenarioArb,
} from './money-model.ts';
import { stackUrls } from './stack.ts';
import { authorizationFor, type Caller } from './tokens.ts';

/** The model's requests all come from one caller: its Idempotency-Keys are that caller's. */
const MODEL_CALLER: Caller = { role: 'admin', sub: 'model-test' };

/**
 * Plays generated sequences (test/support/money-model.ts) against the local stack: each step's
 * requests are sent (in parallel when it is a batch), every answer must fit the model, and after
 * the sequence the stack's balances, ledgers, purchases and refunds must be the model's, and
 * `npm run reconcile`'s checks must find no breach. Throws on the first misfit, so fast-check
 * shrinks the sequence and prints its seed.
 */

export interface ModelRunCount {
  sequences: number;
  operations: number;
}

/**
 * The property: any generated sequence leaves the stack exactly where the model says. Shrinking
 * replays sequences on the stack, seconds each: after `shrinkBudgetMs` past the first failure, the
 * remaining candidates are skipped, so the smallest counterexample found so far is reported.
 */
export function moneyModelProperty(
  count: ModelRunCount,
  options: { minSteps: number; maxSteps: number; shrinkBudgetMs: number },
): fc.IAsyncPropertyWithHooks<[Scenario]> {
  let firstFailureAt: number | undefined;
  return fc
    .asyncProperty(
      scenarioArb({ minLength: options.minSteps, maxLength: options.maxSteps }),
      async (scenario) => {
        fc.pre(firstFailureAt === undefined || Date.now() - firstFailureAt < options.shrinkBudgetMs);
        try {
          await runScenario(scenario, count);
        } catch (error) {
          firstFailureAt ??= Date.now();
          throw error;
        }
      },
    )
    .afterEach(async () => {
      await setFaults([]);
    });
}

interface World {
  customerIds: string[];
  productIds: string[];
  runId: string;
}

interface Sent {
  key: string;
  call: Call;
}

/** The model's idempotency records: a key's first final answer and what it was for. */
interface KeyRecord {
  fingerprint: string;
  answer: Answer;
}

interface Planned {
  call: Call;
  key?: string;
  /** A replay of a kept answer: no change, and either that answer again or a reuse refusal. */
  kept?: KeyRecord;
}

class ModelMisfit extends Error {
  override name = 'ModelMisfit';
}

export async function runScenario(scenario: Scenario, count: ModelRunCount): Promise<void> {
  await setFaults([]);
  const world: World = {
    customerIds: await Promise.all(scenario.openingCents.map((_, index) => createCustomer(`Model ${index}`))),
    productIds: await Promise.all(
      scenario.unitPricesCents.map(async (cents) => (await createProduct(cents / 100)).id),
    ),
    runId: randomUUID(),
  };
  let state = initialState();
  const opening = scenario.openingCents.flatMap((amountCents, customer) =>
    amountCents > 0 ? [{ call: { kind: 'grant', customer, amountCents } as Call }] : [],
  );
  for (const planned of opening) state = (await play(world, state, [planned], false, 'opening grant')).state;

  const records = new Map<string, KeyRecord>();
  const sent: Sent[] = [];
  let keys = 0;
  for (const [index, step] of scenario.steps.entries()) {
    const batch: Planned[] = [];
    for (const spec of step.ops) {
      if (spec.kind === 'replay') {
        const target = sent[spec.target % Math.max(1, sent.length)];
        // One request per key in a batch: two at once would be a race the model does not order.
        if (!target || batch.some((planned) => planned.key === target.key)) continue;
        const call = spec.altered ? alteredCall(target.call) : target.call;
        const kept = records.get(target.key);
        batch.push({ call, key: target.key, ...(kept ? { kept } : {}) });
        continue;
      }
      const call = resolveCall(state, spec, scenario.unitPricesCents);
      if (!call) continue;
      keys += 1;
      batch.push({ call, ...(spec.keyed ? { key: `model-${world.runId}-${keys}` } : {}) });
    }
    if (batch.length === 0) continue;

    const faulted =
      step.fault !== null && batch.some((planned) => !planned.kept && planned.call.kind === 'purchase');
    if (faulted && step.fault)
      await setFaults([{ operation: 'CreateShipment', ...FAULTS[step.fault], count: 1 }]);
    const label = `step ${index + 1}`;
    const result = await play(world, state, batch, faulted, label);
    if (faulted) await setFaults([]);
    state = result.state;

    for (const [position, planned] of batch.entries()) {
      const answer = result.answers[position] as Answer;
      if (planned.key === undefined || planned.kept) continue;
      if (isFinal(answer.status))
        records.set(planned.key, { fingerprint: fingerprint(world, planned.call), answer });
      if (!sent.some((item) => item.key === planned.key)) sent.push({ key: planned.key, call: planned.call });
    }
    count.operations += batch.length;
  }

  await expectStackToMatch(world, state);
  await expectNoBreach();
  count.sequences += 1;
}

/** Sends a batch at once and checks every answer against the model; returns the state after it. */
async function play(
  world: World,
  state: ModelState,
  batch: Planned[],
  faulted: boolean,
  label: string,
): Promise<{ state: ModelState; answers: Answer[] }> {
  const answers = await Promise.all(batch.map((planned) => send(world, planned)));
  const fresh: Observed[] = [];
  for (const [position, planned] of batch.entries()) {
    const answer = answers[position] as Answer;
    const request = `${label}, request ${position + 1} ${describePlanned(planned)}`;
    if (planned.kept) {
      const same = planned.kept.fingerprint === fingerprint(world, planned.call);
      const expected = same ? planned.kept.answer : undefined;
      if (expected && (answer.status !== expected.status || answer.text !== expected.text))
        throw new ModelMisfit(
          `${request}: a replay answered ${answer.status} ${answer.text}, the first answer was ${expected.status} ${expected.text}`,
        );
      if (!same && (answer.status !== 422 || answer.body?.error?.code !== 'IDEMPOTENCY_KEY_REUSED'))
        throw new ModelMisfit(
          `${request}: a key reused with another body answered ${answer.status} ${answer.text}`,
        );
      continue;
    }
    if (planned.call.kind === 'purchase' && answer.status === 201)
      expectPurchaseAnswer(world, planned.call, answer, request);
    fresh.push({ call: planned.call, answer });
  }
  if (fresh.length === 0) return { state, answers };
  const explained = explainStep(state, fresh, faulted);
  if ('why' in explained) {
    const answered = batch.map(
      (planned, position) =>
        `  ${describePlanned(planned)} -> ${answers[position]?.status} ${answers[position]?.text}`,
    );
    throw new ModelMisfit(
      `${label}${faulted ? ' (with a shipment fault)' : ''}: ${explained.why}\n${answered.join('\n')}\n` +
        `model before: ${summary(state)}`,
    );
  }
  return { state: explained.state, answers };
}

function expectPurchaseAnswer(
  world: World,
  call: Extract<Call, { kind: 'purchase' }>,
  answer: Answer,
  request: string,
): void {
  const body = answer.body;
  const expected = {
    customerId: world.customerIds[call.customer],
    productId: world.productIds[call.product],
    quantity: call.quantity,
    unitPriceCents: call.unitPriceCents,
    totalCents: call.unitPriceCents * call.quantity,
    refundedCents: 0,
    refundableCents: call.unitPriceCents * call.quantity,
    status: 'COMPLETED',
  };
  const actual = Object.fromEntries(Object.keys(expected).map((field) => [field, body[field]]));
  if (JSON.stringify(actual) !== JSON.stringify(expected) || typeof body.shipmentId !== 'string' || !body.id)
    throw new ModelMisfit(
      `${request}: purchase answered ${answer.text}, the model says ${JSON.stringify(expected)}`,
    );
}

const describePlanned = (planned: Planned): string =>
  `${JSON.stringify(planned.call)}${planned.key ? ` key ${planned.key.slice(-4)}` : ''}${planned.kept ? ' (replay)' : ''}`;

const summary = (state: ModelState): string =>
  JSON.stringify({
    customers: state.customers.map((customer) => ({
      availableCents: customer.availableCents,
      heldCents: customer.heldCents,
    })),
    purchases: state.purchases.map(({ id, quantity, totalCents, refundedCents, refundedUnits }) => ({
      id,
      quantity,
      totalCents,
      refundedCents,
      refundedUnits,
    })),
  });

function request(world: World, call: Call): { path: string; body: Record<string, unknown> } {
  switch (call.kind) {
    case 'grant':
    case 'deduct':
      return {
        path: `/v1/customers/${world.customerIds[call.customer]}/credit/${call.kind === 'grant' ? 'grants' : 'deductions'}`,
        body: { amountCents: call.amountCents, reason: `model ${call.kind}` },
      };
    case 'purchase':
      return {
        path: '/v1/purchases',
        body: {
          customerId: world.customerIds[call.customer],
          productId: world.productIds[call.product],
          quantity: call.quantity,
        },
      };
    case 'refund':
      return {
        path: `/v1/purchases/${call.purchaseId}/refunds`,
        body: {
          reason: 'model refund',
          ...(call.amountCents === undefined ? {} : { amountCents: call.amountCents }),
          ...(call.quantity === undefined ? {} : { quantity: call.quantity }),
        },
      };
  }
}

const fingerprint = (world: World, call: Call): string => {
  const { path, body } = request(world, call);
  return `${path}\n${JSON.stringify(body)}`;
};

/** Like api-client's `api`, but keeps the body's text, so that a replay is compared byte for byte. */
async function send(world: World, planned: Planned): Promise<Answer> {
  const { path, body } = request(world, planned.call);
  const response = await fetch(`${stackUrls().apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(await authorizationFor(MODEL_CALLER)),
      ...(planned.key === undefined ? {} : { 'idempotency-key': planned.key }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, body: parsed };
}

function expectSame(what: string, actual: unknown, expected: unknown): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new ModelMisfit(`after the sequence, ${what} is ${a}; the model says ${e}`);
}

interface PurchaseRead {
  id: string;
  quantity: number;
  totalCents: number;
  refundedCents: number;
  refundableCents: number;
  status: string;
  refunds?: { amountCents: number }[];
}

/** Every balance, ledger, purchase and refund of the sequence's customers is the model's. */
async function expectStackToMatch(world: World, state: ModelState): Promise<void> {
  for (const [index, customerId] of world.customerIds.entries()) {
    const model = state.customers[index];
    if (!model) throw new Error(`no model customer ${index}`);
    const credit = await creditOf(customerId);
    expectSame(
      `customer ${index}'s credit`,
      {
        balanceCents: credit.balanceCents,
        availableCents: credit.availableCents,
        heldCents: credit.heldCents,
      },
      { balanceCents: balanceOf(model), availableCents: model.availableCents, heldCents: 0 },
    );
    const ledger = await allTransactions(customerId);
    expectSame(
      `customer ${index}'s ledger sum`,
      ledger.reduce((sum, entry) => sum + entry.amountCents, 0),
      credit.balanceCents,
    );
    const entry = (type: string, amountCents: number, purchaseId?: string): string =>
      `${type} ${amountCents} ${purchaseId ?? ''}`;
    expectSame(
      `customer ${index}'s ledger`,
      ledger.map((item) => entry(item.type, item.amountCents, item.purchaseId)).sort(),
      model.ledger.map((item) => entry(item.type, item.amountCents, item.purchaseId)).sort(),
    );

    const purchases = await allPages<PurchaseRead>(`/v1/purchases?customerId=${customerId}`);
    const modelPurchases = state.purchases.filter((purchase) => purchase.customer === index);
    expectSame(
      `customer ${index}'s purchases`,
      purchases.map((purchase) => purchase.id).sort(),
      modelPurchases.map((purchase) => purchase.id).sort(),
    );
    for (const purchase of modelPurchases) {
      const { body } = await api<PurchaseRead>('GET', `/v1/purchases/${purchase.id}`);
      expectSame(
        `purchase ${purchase.id}`,
        {
          quantity: body.quantity,
          totalCents: body.totalCents,
          refundedCents: body.refundedCents,
          refundableCents: body.refundableCents,
          status: body.status,
          refunds: (body.refunds ?? []).map((refund) => refund.amountCents).sort((a, b) => a - b),
        },
        {
          quantity: purchase.quantity,
          totalCents: purchase.totalCents,
          refundedCents: purchase.refundedCents,
          refundableCents: purchase.totalCents - purchase.refundedCents,
          status: purchaseStatus(purchase),
          refunds: [...purchase.refunds].sort((a, b) => a - b),
        },
      );
    }
  }
}

/** `npm run reconcile`'s checks, waiting (bounded) for audit records still on their way. */
async function expectNoBreach(): Promise<void> {
  const report = await reconcileOnceSettled();
  if (report.breaches.length > 0)
    throw new ModelMisfit(`reconciliation found breaches:\n  ${report.breaches.join('\n  ')}`);
}
