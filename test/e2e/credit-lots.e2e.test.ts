import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  type ApiAnswer,
  allTransactions,
  api,
  createCustomer,
  createProduct,
  creditPath,
} from '../support/api-client.ts';

/**
 * Credit lots over HTTP, through the local stack (issue 21): concurrent spends over many lots, and a
 * purchase that needs more lots than a hold updates in place.
 */

type Category = 'PAID' | 'PROMOTIONAL';

interface LotView {
  lotId: string;
  category: Category;
  grantedCents: number;
  remainingCents: number;
  heldCents: number;
  expiresAt?: string;
}

interface LotCredit {
  balanceCents: number;
  availableCents: number;
  heldCents: number;
  lots: LotView[];
}

interface LotEntry {
  type: string;
  amountCents: number;
  purchaseId?: string;
  lots?: { lotId: string; amountCents: number }[];
}

const DAY_MS = 86_400_000;

/** Noon UTC `days` from today: one lot per UTC day, so that no two grants merge. */
const noonInDays = (days: number): string => {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return new Date(today + days * DAY_MS + DAY_MS / 2).toISOString();
};

async function grantLot(
  customerId: string,
  amountCents: number,
  lot: { category: Category; expiresAt?: string },
): Promise<string> {
  const answer = await api<{ transaction: LotEntry }>('POST', `${creditPath(customerId)}/grants`, {
    body: { amountCents, reason: 'lot test', ...lot },
  });
  const lotId = answer.body.transaction?.lots?.[0]?.lotId;
  if (answer.status !== 201 || lotId === undefined)
    throw new Error(`grant: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return lotId;
}

async function lotCreditOf(customerId: string): Promise<LotCredit> {
  const answer = await api<LotCredit>('GET', creditPath(customerId));
  if (answer.status !== 200) throw new Error(`GET credit: HTTP ${answer.status}`);
  return answer.body;
}

/** The fields these tests read of a purchase's or a deduction's answer. */
interface SpendAnswer {
  id?: string;
  totalCents?: number;
  transaction?: LotEntry;
  error?: { code: string };
}

/** Sends a request with its own Idempotency-Key until it is not overloaded or in progress. */
async function sendRetryingOverload(
  path: string,
  body: Record<string, unknown>,
): Promise<ApiAnswer<SpendAnswer>> {
  const headers = { 'idempotency-key': randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const answer = await api<SpendAnswer>('POST', path, { body, headers });
    const retry =
      answer.status === 503 || (answer.status === 409 && answer.body.error?.code === 'REQUEST_IN_PROGRESS');
    if (!retry || attempt === 20) return answer;
    await new Promise((resolve) =>
      setTimeout(resolve, Number(answer.headers.get('retry-after') ?? 1) * 1000),
    );
  }
}

/** Per lot id, what the entries drew from it (DEDUCTION, PURCHASE, EXPIRY) and gave to it (GRANT, REFUND). */
function lotMovements(entries: readonly LotEntry[]): Map<string, number> {
  const moved = new Map<string, number>();
  for (const entry of entries) {
    const sign = Math.sign(entry.amountCents);
    for (const part of entry.lots ?? []) {
      moved.set(part.lotId, (moved.get(part.lotId) ?? 0) + sign * part.amountCents);
    }
  }
  return moved;
}

describe('credit lots over HTTP', () => {
  it('neither overdraws a lot nor loses a cent under 20 concurrent purchases and deductions over 10 lots', async () => {
    const customerId = await createCustomer('Ten lots');
    // 10 lots of 700: eight on different days (alternating categories, granted out of expiry
    // order), and one of each category that never expires.
    const plan: { category: Category; expiresAt?: string }[] = [
      { category: 'PAID', expiresAt: noonInDays(9) },
      { category: 'PROMOTIONAL', expiresAt: noonInDays(3) },
      { category: 'PAID' },
      { category: 'PAID', expiresAt: noonInDays(2) },
      { category: 'PROMOTIONAL', expiresAt: noonInDays(40) },
      { category: 'PROMOTIONAL' },
      { category: 'PAID', expiresAt: noonInDays(5) },
      { category: 'PROMOTIONAL', expiresAt: noonInDays(1) },
      { category: 'PAID', expiresAt: noonInDays(700) },
      { category: 'PROMOTIONAL', expiresAt: noonInDays(6) },
    ];
    const granted = new Map<string, number>();
    for (const lot of plan) granted.set(await grantLot(customerId, 700, lot), 700);
    expect(granted.size).toBe(10);
    const product = await createProduct(3.33);

    // 10 purchases of 6.66 and 10 deductions of 4.50 ask for 111.60 of the 70.00 there is.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? sendRetryingOverload('/v1/purchases', { customerId, productId: product.id, quantity: 2 })
          : sendRetryingOverload(`${creditPath(customerId)}/deductions`, {
              amountCents: 450,
              reason: 'lot test deduction',
            }),
      ),
    );

    const refused = answers.filter((answer) => answer.status === 422);
    expect(refused.every((answer) => answer.body.error?.code === 'INSUFFICIENT_CREDIT')).toBe(true);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 422)).toBe(true);
    const spentCents = answers
      .filter((answer) => answer.status === 201)
      .reduce(
        (sum, answer) => sum + (answer.body.totalCents ?? -(answer.body.transaction?.amountCents ?? 0)),
        0,
      );
    expect(refused.length).toBeGreaterThan(0);

    const credit = await lotCreditOf(customerId);
    const entries = (await allTransactions(customerId)) as LotEntry[];
    // The balance is the sum of the entries, and what the successful answers spent is gone.
    expect(credit.heldCents).toBe(0);
    expect(credit.balanceCents).toBe(entries.reduce((sum, entry) => sum + entry.amountCents, 0));
    expect(credit.balanceCents).toBe(7_000 - spentCents);
    // Every entry's lot parts add up to its amount.
    for (const entry of entries) {
      expect((entry.lots ?? []).reduce((sum, part) => sum + part.amountCents, 0)).toBe(
        Math.abs(entry.amountCents),
      );
    }
    // Every lot's remainder + held is its grant less what the entries drew from it, never below 0.
    const moved = lotMovements(entries);
    const shown = new Map(credit.lots.map((lot) => [lot.lotId, lot]));
    for (const [lotId, grantCents] of granted) {
      const lot = shown.get(lotId);
      const left = (lot?.remainingCents ?? 0) + (lot?.heldCents ?? 0);
      expect({ lotId, left, drawn: grantCents - left }).toEqual({
        lotId,
        left: moved.get(lotId),
        drawn: grantCents - (moved.get(lotId) ?? 0),
      });
      expect(left).toBeGreaterThanOrEqual(0);
    }
    expect(credit.lots.every((lot) => lot.remainingCents >= 0 && lot.heldCents === 0)).toBe(true);
    // Spent in order: the lots still holding credit are the last in spending order, all full but
    // the first of them.
    const left = credit.lots.map((lot) => lot.remainingCents);
    expect(left.slice(1).every((cents) => cents === 700)).toBe(true);
    const order = [...granted.keys()].sort(bySpendingOrder(plan, granted));
    expect(credit.lots.map((lot) => lot.lotId)).toEqual(order.slice(order.length - credit.lots.length));
  });

  it('sells a purchase that draws from 150 lots, and its PURCHASE entry lists every one', async () => {
    const customerId = await createCustomer('150 lots');
    // One lot of 10 per UTC day for 150 days, every third PROMOTIONAL.
    for (let day = 1; day <= 150; day++) {
      await grantLot(customerId, 10, {
        category: day % 3 === 0 ? 'PROMOTIONAL' : 'PAID',
        expiresAt: noonInDays(day),
      });
    }
    const before = await lotCreditOf(customerId);
    expect(before.lots).toHaveLength(150);
    const product = await createProduct(14.95);

    const answer = await sendRetryingOverload('/v1/purchases', {
      customerId,
      productId: product.id,
      quantity: 1,
    });

    expect(answer.status).toBe(201);
    const entries = (await allTransactions(customerId)) as LotEntry[];
    const purchase = entries.find((entry) => entry.type === 'PURCHASE');
    expect(purchase?.purchaseId).toBe(answer.body.id);
    expect(purchase?.amountCents).toBe(-1_495);
    // Soonest-expiring first: 149 lots whole, then 5 of the last.
    expect(purchase?.lots).toEqual(
      before.lots.map((lot, index) => ({ lotId: lot.lotId, amountCents: index < 149 ? 10 : 5 })),
    );
    expect(await lotCreditOf(customerId)).toMatchObject({
      balanceCents: 5,
      availableCents: 5,
      heldCents: 0,
      lots: [expect.objectContaining({ lotId: before.lots[149]?.lotId, remainingCents: 5 })],
    });
  });
});

/** The spending order of the planned lots (ids in grant order), from the contract's rule. */
function bySpendingOrder(
  plan: readonly { category: Category; expiresAt?: string }[],
  granted: ReadonlyMap<string, number>,
): (a: string, b: string) => number {
  const ids = [...granted.keys()];
  const key = (lotId: string): [number, number, number] => {
    const index = ids.indexOf(lotId);
    const lot = plan[index];
    const expires = lot?.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(lot.expiresAt);
    return [expires, lot?.category === 'PROMOTIONAL' ? 0 : 1, index];
  };
  return (a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  };
}
