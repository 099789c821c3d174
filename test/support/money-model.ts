import fc from 'fast-check';

/**
 * A pure model of the money paths (credit, purchases, refunds, idempotency records), written from
 * the contract (docs/api.md), and the generators of the sequences it is
 * checked against. Nothing here touches the network: test/support/money-model-runner.ts plays a
 * sequence against the local stack and asks this model whether each answer could be right.
 */

export const CUSTOMERS = 2;
export const PRODUCTS = 2;
export const MAX_QUANTITY = 3;

/** Faults injected on the next CreateShipment call; each is a 502 SHIPMENT_FAILED after one call. */
export const FAULTS = {
  'status-500': { kind: 'status', status: 500 },
  'status-400': { kind: 'status', status: 400 },
  reset: { kind: 'reset' },
  malformed: { kind: 'malformed' },
} as const;
export type FaultKind = keyof typeof FAULTS;

/** An operation as generated: references are resolved against the model when the step runs. */
export type OpSpec =
  | { kind: 'grant' | 'deduct'; customer: number; amountCents: number; keyed: boolean }
  | { kind: 'purchase'; customer: number; product: number; quantity: number; keyed: boolean }
  | { kind: 'refund'; purchase: number; by: 'amount' | 'quantity' | 'all'; pick: number; keyed: boolean }
  /** Resends an earlier keyed request with its key: the same body, or (altered) another one. */
  | { kind: 'replay'; target: number; altered: boolean };

/** Operations sent together: one alone, or a batch in parallel. */
export interface Step {
  ops: OpSpec[];
  fault: FaultKind | null;
}

export interface Scenario {
  unitPricesCents: number[];
  openingCents: number[];
  steps: Step[];
}

/** A request as sent: what the model needs to predict its answer. */
export type Call =
  | { kind: 'grant'; customer: number; amountCents: number }
  | { kind: 'deduct'; customer: number; amountCents: number }
  | { kind: 'purchase'; customer: number; product: number; quantity: number; unitPriceCents: number }
  | { kind: 'refund'; purchaseId: string; amountCents?: number; quantity?: number };

export type LedgerType = 'GRANT' | 'DEDUCTION' | 'PURCHASE' | 'REFUND';

export interface LedgerEntry {
  type: LedgerType;
  amountCents: number;
  purchaseId?: string;
}

export interface ModelCustomer {
  availableCents: number;
  heldCents: number;
  ledger: LedgerEntry[];
}

export interface ModelPurchase {
  id: string;
  customer: number;
  quantity: number;
  totalCents: number;
  refundedCents: number;
  /** Units refunded by quantity so far. */
  refundedUnits: number;
  refunds: number[];
}

export interface ModelState {
  customers: ModelCustomer[];
  purchases: ModelPurchase[];
}

export const initialState = (): ModelState => ({
  customers: Array.from({ length: CUSTOMERS }, () => ({ availableCents: 0, heldCents: 0, ledger: [] })),
  purchases: [],
});

export const balanceOf = (customer: ModelCustomer): number => customer.availableCents + customer.heldCents;

const shareOf = (totalCents: number, units: number, quantity: number): number =>
  Math.floor((totalCents * units) / quantity);

/**
 * The contract's rule for a refund of `units` units: the cumulative share of what was paid, so that
 * refunding every unit returns exactly the total; never more than remains; and the last units not
 * yet refunded return exactly what remains (amount and quantity refunds may be mixed).
 */
export function quantityRefundCents(purchase: ModelPurchase, units: number): number {
  const remaining = purchase.totalCents - purchase.refundedCents;
  const after = purchase.refundedUnits + units;
  if (after === purchase.quantity) return remaining;
  const share =
    shareOf(purchase.totalCents, after, purchase.quantity) -
    shareOf(purchase.totalCents, purchase.refundedUnits, purchase.quantity);
  return Math.min(remaining, share);
}

export const purchaseStatus = (purchase: Pick<ModelPurchase, 'refundedCents' | 'totalCents'>): string =>
  purchase.refundedCents === 0
    ? 'COMPLETED'
    : purchase.refundedCents === purchase.totalCents
      ? 'REFUNDED'
      : 'PARTIALLY_REFUNDED';

export type Refusal = { code: string };
export type RefundDecision = Refusal | { amountCents: number };

/** What the contract says a refund does to `purchase` now. */
export function decideRefund(
  purchase: ModelPurchase,
  call: Extract<Call, { kind: 'refund' }>,
): RefundDecision {
  const remaining = purchase.totalCents - purchase.refundedCents;
  if (remaining <= 0) return { code: 'PURCHASE_NOT_REFUNDABLE' };
  if (call.quantity !== undefined) {
    if (call.quantity > purchase.quantity - purchase.refundedUnits)
      return { code: 'REFUND_EXCEEDS_REMAINING' };
    return { amountCents: quantityRefundCents(purchase, call.quantity) };
  }
  const amountCents = call.amountCents ?? remaining;
  return amountCents > remaining ? { code: 'REFUND_EXCEEDS_REMAINING' } : { amountCents };
}

/** Turns a generated operation into a request, given the state before its step; undefined: skip. */
export function resolveCall(
  state: ModelState,
  spec: Exclude<OpSpec, { kind: 'replay' }>,
  unitPricesCents: number[],
): Call | undefined {
  switch (spec.kind) {
    case 'grant':
      return { kind: 'grant', customer: spec.customer, amountCents: spec.amountCents };
    case 'deduct':
      return { kind: 'deduct', customer: spec.customer, amountCents: spec.amountCents };
    case 'purchase':
      return {
        kind: 'purchase',
        customer: spec.customer,
        product: spec.product,
        quantity: spec.quantity,
        unitPriceCents: unitPricesCents[spec.product] ?? 0,
      };
    case 'refund': {
      // Counted from the newest.
      const purchase =
        state.purchases[state.purchases.length - 1 - (spec.purchase % Math.max(1, state.purchases.length))];
      if (!purchase) return undefined;
      // One past what remains now and then, so refusals are exercised too.
      if (spec.by === 'amount') {
        const remaining = purchase.totalCents - purchase.refundedCents;
        return { kind: 'refund', purchaseId: purchase.id, amountCents: 1 + (spec.pick % (remaining + 1)) };
      }
      if (spec.by === 'quantity') {
        const units = purchase.quantity - purchase.refundedUnits;
        return { kind: 'refund', purchaseId: purchase.id, quantity: 1 + (spec.pick % (units + 1)) };
      }
      return { kind: 'refund', purchaseId: purchase.id };
    }
  }
}

/** The same request with another body (for a key reused with a different request). */
export function alteredCall(call: Call): Call {
  if (call.kind === 'purchase') return { ...call, quantity: (call.quantity % MAX_QUANTITY) + 1 };
  if (call.kind === 'refund') {
    if (call.quantity !== undefined) return { kind: 'refund', purchaseId: call.purchaseId, amountCents: 1 };
    return { kind: 'refund', purchaseId: call.purchaseId, quantity: 1 };
  }
  return { ...call, amountCents: call.amountCents + 1 };
}

/** An answer as received: status, the body's exact text (for replays), and the body parsed. */
export interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: read field by field, and every field is checked
  body: any;
}

export interface Observed {
  call: Call;
  answer: Answer;
}

/** The contract's idempotency rule: only these answers are kept for replay; 5xx and 409 may be retried. */
export const isFinal = (status: number): boolean => status < 500 && status !== 409;

const codeOf = (answer: Answer): string | undefined => answer.body?.error?.code;

/**
 * The atomic changes an answered call stands for. A purchase reserves (available → held) and later
 * commits (held → spent) or, after a failed shipment, releases (held → available); a concurrent
 * request can see the hold in between. Every other change is one transaction.
 */
type Phase = 'apply' | 'reserve' | 'finish';

function phasesOf(observed: Observed, concurrent: boolean, faulted: boolean): Phase[] | string {
  const { call, answer } = observed;
  const code = codeOf(answer);
  // A concurrent change won and the service said so: allowed only where there was one; nothing changed.
  if (answer.status === 409 && (code === 'CONFLICT' || code === 'REQUEST_IN_PROGRESS'))
    return concurrent ? [] : `409 ${code} with no concurrent request`;
  if (call.kind === 'purchase') {
    if (answer.status === 201) return ['reserve', 'finish'];
    if (answer.status === 502 && code === 'SHIPMENT_FAILED')
      return faulted ? ['reserve', 'finish'] : '502 SHIPMENT_FAILED with no shipment fault injected';
    if (answer.status === 422 && code === 'INSUFFICIENT_CREDIT') return ['apply'];
    return `unexpected answer ${[answer.status, code].join(' ').trim()}`;
  }
  return ['apply'];
}

const expectAnswer = (answer: Answer, status: number, code?: string): string | undefined =>
  answer.status === status && (code === undefined || codeOf(answer) === code)
    ? undefined
    : `expected ${[status, code].join(' ').trim()}, got ${[answer.status, codeOf(answer)].join(' ').trim()}`;

/** Compares named fields; the first that differs is the reason. */
function differences(fields: Record<string, [unknown, unknown]>): string | undefined {
  for (const [name, [actual, expected]] of Object.entries(fields)) {
    if (actual !== expected) return `${name} is ${String(actual)}, the model says ${String(expected)}`;
  }
  return undefined;
}

/** A credit change as answered: the transaction and the account after it agree with the model. */
function creditAnswerDiffers(
  answer: Answer,
  customer: ModelCustomer,
  entry: LedgerEntry,
): string | undefined {
  return differences({
    'transaction.type': [answer.body.transaction?.type, entry.type],
    'transaction.amountCents': [answer.body.transaction?.amountCents, entry.amountCents],
    'transaction.balanceAfterCents': [answer.body.transaction?.balanceAfterCents, balanceOf(customer)],
    'transaction.availableAfterCents': [
      answer.body.transaction?.availableAfterCents,
      customer.availableCents,
    ],
    'credit.balanceCents': [answer.body.credit?.balanceCents, balanceOf(customer)],
    'credit.availableCents': [answer.body.credit?.availableCents, customer.availableCents],
    'credit.heldCents': [answer.body.credit?.heldCents, customer.heldCents],
  });
}

/** Applies one phase of an answered call to a copy of `state`; a string says why it cannot be. */
function applyPhase(state: ModelState, observed: Observed, phase: Phase): ModelState | string {
  const next = structuredClone(state);
  const { call, answer } = observed;
  if (call.kind === 'grant' || call.kind === 'deduct') {
    const customer = next.customers[call.customer] as ModelCustomer;
    if (call.kind === 'deduct' && customer.availableCents < call.amountCents)
      return expectAnswer(answer, 422, 'INSUFFICIENT_CREDIT') ?? next;
    const entry: LedgerEntry = {
      type: call.kind === 'grant' ? 'GRANT' : 'DEDUCTION',
      amountCents: call.kind === 'grant' ? call.amountCents : -call.amountCents,
    };
    customer.availableCents += entry.amountCents;
    customer.ledger.push(entry);
    return expectAnswer(answer, 201) ?? creditAnswerDiffers(answer, customer, entry) ?? next;
  }
  if (call.kind === 'purchase') {
    const customer = next.customers[call.customer] as ModelCustomer;
    const totalCents = call.unitPriceCents * call.quantity;
    if (phase === 'apply')
      return customer.availableCents < totalCents ? next : 'refused for want of credit that was available';
    if (phase === 'reserve') {
      if (customer.availableCents < totalCents) return 'reserved credit that was not available';
      customer.availableCents -= totalCents;
      customer.heldCents += totalCents;
      return next;
    }
    customer.heldCents -= totalCents;
    if (answer.status !== 201) {
      customer.availableCents += totalCents;
      return next;
    }
    customer.ledger.push({ type: 'PURCHASE', amountCents: -totalCents, purchaseId: answer.body.id });
    next.purchases.push({
      id: answer.body.id,
      customer: call.customer,
      quantity: call.quantity,
      totalCents,
      refundedCents: 0,
      refundedUnits: 0,
      refunds: [],
    });
    return next;
  }
  const purchase = next.purchases.find((candidate) => candidate.id === call.purchaseId);
  if (!purchase) return `refund of a purchase the model does not know: ${call.purchaseId}`;
  const decision = decideRefund(purchase, call);
  if ('code' in decision) return expectAnswer(answer, 422, decision.code) ?? next;
  purchase.refundedCents += decision.amountCents;
  purchase.refundedUnits += call.quantity ?? 0;
  purchase.refunds.push(decision.amountCents);
  const customer = next.customers[purchase.customer] as ModelCustomer;
  customer.availableCents += decision.amountCents;
  customer.ledger.push({ type: 'REFUND', amountCents: decision.amountCents, purchaseId: purchase.id });
  return (
    expectAnswer(answer, 201) ??
    differences({
      'refund.purchaseId': [answer.body.refund?.purchaseId, purchase.id],
      'refund.amountCents': [answer.body.refund?.amountCents, decision.amountCents],
      'refund.quantity': [answer.body.refund?.quantity, call.quantity],
      'purchase.refundedCents': [answer.body.purchase?.refundedCents, purchase.refundedCents],
      'purchase.refundableCents': [
        answer.body.purchase?.refundableCents,
        purchase.totalCents - purchase.refundedCents,
      ],
      'purchase.status': [answer.body.purchase?.status, purchaseStatus(purchase)],
    }) ??
    next
  );
}

export type Explanation = { state: ModelState } | { why: string };

/**
 * Finds an order of the step's atomic changes under which every answer is what the model says
 * (any serialization of the parallel requests will do; one request alone has one order), and
 * returns the state after it. Balances are sums, so every order that explains the answers ends in
 * the same state. A faulted step fails exactly the first shipment that was attempted.
 */
export function explainStep(state: ModelState, observed: Observed[], faulted: boolean): Explanation {
  const concurrent = observed.length > 1;
  const phases: Phase[][] = [];
  for (const [index, item] of observed.entries()) {
    const ops = phasesOf(item, concurrent, faulted);
    if (typeof ops === 'string')
      return { why: `request ${index + 1} (${JSON.stringify(item.call)}): ${ops}` };
    phases.push(ops);
  }
  const purchases = observed.filter((item) => item.call.kind === 'purchase');
  const shipped = purchases.filter((item) => item.answer.status === 201 || item.answer.status === 502);
  const failed = shipped.filter((item) => item.answer.status === 502).length;
  const expectedFailures = faulted ? Math.min(1, shipped.length) : 0;
  if (failed !== expectedFailures)
    return { why: `${failed} shipments failed; the fault injected fails ${expectedFailures}` };

  const done = phases.map(() => 0);
  let firstReason: string | undefined;
  const search = (current: ModelState): ModelState | undefined => {
    if (done.every((count, index) => count === phases[index]?.length)) return current;
    for (const [index, ops] of phases.entries()) {
      const phase = ops[done[index] as number];
      if (phase === undefined) continue;
      const next = applyPhase(current, observed[index] as Observed, phase);
      if (typeof next === 'string') {
        firstReason ??= `request ${index + 1} (${JSON.stringify(observed[index]?.call)}): ${next}`;
        continue;
      }
      done[index] = (done[index] as number) + 1;
      const end = search(next);
      done[index] = (done[index] as number) - 1;
      if (end) return end;
    }
    return undefined;
  };
  const end = search(state);
  if (end) return { state: end };
  return {
    why: concurrent
      ? `no order of the ${observed.length} parallel requests explains their answers (first misfit: ${firstReason})`
      : (firstReason ?? 'unexplained'),
  };
}

const customerArb = fc.nat({ max: CUSTOMERS - 1 });
const keyedArb = fc.boolean();

export const opArb: fc.Arbitrary<OpSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      customer: customerArb,
      amountCents: fc.integer({ min: 1, max: 5_000 }),
      keyed: keyedArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deduct' as const),
      customer: customerArb,
      amountCents: fc.integer({ min: 1, max: 4_000 }),
      keyed: keyedArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('purchase' as const),
      customer: customerArb,
      product: fc.nat({ max: PRODUCTS - 1 }),
      quantity: fc.integer({ min: 1, max: MAX_QUANTITY }),
      keyed: keyedArb,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      // Mostly the newest purchase, so that refunds of one purchase follow each other and mix.
      purchase: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.nat({ max: 50 }) },
      ),
      by: fc.oneof(
        { weight: 2, arbitrary: fc.constant('amount' as const) },
        { weight: 2, arbitrary: fc.constant('quantity' as const) },
        { weight: 1, arbitrary: fc.constant('all' as const) },
      ),
      pick: fc.nat({ max: 10_000 }),
      keyed: keyedArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      target: fc.nat({ max: 50 }),
      // Mostly the same request again; now and then the key with another body.
      altered: fc.oneof(
        { weight: 4, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
);

export const stepArb: fc.Arbitrary<Step> = fc.record({
  ops: fc.oneof(
    { weight: 3, arbitrary: fc.tuple(opArb).map((ops): OpSpec[] => ops) },
    { weight: 1, arbitrary: fc.array(opArb, { minLength: 2, maxLength: 4 }) },
  ),
  fault: fc.option(fc.constantFrom(...(Object.keys(FAULTS) as FaultKind[])), { freq: 5, nil: null }),
});

export const scenarioArb = (steps: { minLength: number; maxLength: number }): fc.Arbitrary<Scenario> =>
  fc.record({
    // Whole cents from 0.01 to 20.00 (the API quotes dollars; 3.33 and the like test rounding).
    unitPricesCents: fc.array(fc.integer({ min: 1, max: 2_000 }), {
      minLength: PRODUCTS,
      maxLength: PRODUCTS,
    }),
    openingCents: fc.array(fc.integer({ min: 0, max: 20_000 }), {
      minLength: CUSTOMERS,
      maxLength: CUSTOMERS,
    }),
    steps: fc.array(stepArb, steps),
  });

/**
 * The contract's example of mixed refunds, played first by every run: a 2 × 1.00 purchase refunded
 * 0.10 by amount, then one unit (1.00), then the last unit (the 0.90 that remains); then replays.
 */
export const MIXED_REFUNDS_EXAMPLE: Scenario = {
  unitPricesCents: [100, 333],
  openingCents: [1_000, 0],
  steps: [
    { ops: [{ kind: 'purchase', customer: 0, product: 0, quantity: 2, keyed: true }], fault: null },
    { ops: [{ kind: 'refund', purchase: 0, by: 'amount', pick: 9, keyed: true }], fault: null },
    { ops: [{ kind: 'refund', purchase: 0, by: 'quantity', pick: 0, keyed: true }], fault: null },
    { ops: [{ kind: 'refund', purchase: 0, by: 'quantity', pick: 0, keyed: true }], fault: null },
    { ops: [{ kind: 'replay', target: 3, altered: false }], fault: null },
    { ops: [{ kind: 'refund', purchase: 0, by: 'all', pick: 0, keyed: false }], fault: null },
  ],
};
