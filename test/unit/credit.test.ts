import { beforeEach, describe, expect, it } from '@jest/globals';
import { type CreditDeps, changeCredit, getCredit } from '../../functions/credit/credit.ts';
import { ConflictError, NotFoundError } from '../../functions/shared/errors.ts';
import type { ExternalCustomer } from '../../functions/shared/external/external-api.schemas.ts';
import { InMemoryCreditRepository } from '../support/fakes/in-memory-credit-repository.ts';

const CUSTOMER = 'customer-1';
const NOW = new Date('2026-11-21T12:00:00.000Z');

function makeDeps(
  repository = new InMemoryCreditRepository(),
): CreditDeps & { repository: InMemoryCreditRepository } {
  let sequence = 0;
  return {
    repository,
    customers: {
      getCustomer: async (id) => {
        if (id !== CUSTOMER) throw new NotFoundError('CUSTOMER_NOT_FOUND', 'unknown');
        return { id } as ExternalCustomer;
      },
    },
    clock: { now: () => NOW },
    newId: () => `id-${++sequence}`,
    retry: { maxAttempts: 3, wait: async () => undefined },
  };
}

const grant = (amountCents: number, operationId?: string) => ({
  customerId: CUSTOMER,
  type: 'GRANT' as const,
  amountCents,
  reason: 'goodwill',
  actor: 'rep-1',
  operationId,
});

describe('changeCredit', () => {
  let deps: ReturnType<typeof makeDeps>;
  beforeEach(() => {
    deps = makeDeps();
  });

  it('records a grant with the balance it leads to', async () => {
    const result = await changeCredit(deps, grant(1_000));

    expect(result.transaction).toMatchObject({
      type: 'GRANT',
      amountCents: 1_000,
      balanceAfterCents: 1_000,
      availableAfterCents: 1_000,
      actor: 'rep-1',
      createdAt: NOW.toISOString(),
    });
    expect(result.credit).toMatchObject({ balanceCents: 1_000, availableCents: 1_000, heldCents: 0 });
  });

  it('records a deduction as a negative amount', async () => {
    await changeCredit(deps, grant(1_000));

    const result = await changeCredit(deps, { ...grant(400), type: 'DEDUCTION' });

    expect(result.transaction.amountCents).toBe(-400);
    expect(result.credit.availableCents).toBe(600);
  });

  it('refuses a deduction larger than the available credit and writes nothing', async () => {
    await changeCredit(deps, grant(300));

    await expect(changeCredit(deps, { ...grant(301), type: 'DEDUCTION' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDIT',
    });
    expect(deps.repository.entries.get(CUSTOMER)).toHaveLength(1);
  });

  it('refuses a customer the external API does not know', async () => {
    await expect(changeCredit(deps, { ...grant(1), customerId: 'ghost' })).rejects.toMatchObject({
      code: 'CUSTOMER_NOT_FOUND',
    });
  });

  it('reads again and retries when another writer got there first', async () => {
    deps.repository.collisionsToSimulate = 2;

    const result = await changeCredit(deps, grant(50));

    expect(result.credit.balanceCents).toBe(50);
    expect(deps.repository.entries.get(CUSTOMER)).toHaveLength(1);
  });

  it('gives up with a conflict when contention outlasts the retry budget', async () => {
    deps.repository.collisionsToSimulate = 3;

    await expect(changeCredit(deps, grant(50))).rejects.toBeInstanceOf(ConflictError);
    expect(deps.repository.entries.get(CUSTOMER)).toBeUndefined();
  });

  it('applies an operation once and answers a repeat with the first transaction', async () => {
    const first = await changeCredit(deps, grant(700, 'op-1'));
    await changeCredit(deps, grant(100));

    const repeat = await changeCredit(deps, grant(700, 'op-1'));

    expect(repeat).toEqual(first);
    expect(deps.repository.entries.get(CUSTOMER)).toHaveLength(2);
  });

  it('answers a repeated deduction with its first result even once the credit is spent', async () => {
    await changeCredit(deps, grant(500));
    const first = await changeCredit(deps, { ...grant(500, 'op-2'), type: 'DEDUCTION' });

    const repeat = await changeCredit(deps, { ...grant(500, 'op-2'), type: 'DEDUCTION' });

    expect(repeat).toEqual(first);
  });

  it('refuses a grant that would take the balance past the exact-integer range', async () => {
    deps.repository.accounts.set(CUSTOMER, {
      customerId: CUSTOMER,
      availableCents: Number.MAX_SAFE_INTEGER - 10,
      heldCents: 0,
      lots: [
        {
          lotId: 'lot-1',
          category: 'PAID',
          grantedCents: Number.MAX_SAFE_INTEGER - 10,
          remainingCents: Number.MAX_SAFE_INTEGER - 10,
          heldCents: 0,
          grantedAt: NOW.toISOString(),
          transactionId: 'lot-1',
        },
      ],
      version: 1,
      entryCount: 1,
      updatedAt: NOW.toISOString(),
    });

    await expect(changeCredit(deps, grant(11))).rejects.toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
  });
});

describe('getCredit', () => {
  it('answers zeros for a known customer with no history', async () => {
    const credit = await getCredit(makeDeps(), CUSTOMER);

    expect(credit).toEqual({
      customerId: CUSTOMER,
      currency: 'USD',
      balanceCents: 0,
      availableCents: 0,
      heldCents: 0,
      lots: [],
      nextExpiry: null,
      updatedAt: null,
    });
  });
});
