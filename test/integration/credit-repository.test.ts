import { beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoCreditRepository } from '../../functions/credit/credit.repository.ts';
import type { CreditEntryWrite } from '../../functions/credit/credit.ts';
import * as ledger from '../../functions/ledger/account.ts';
import { type CreditAccount, creditView, emptyAccount } from '../../functions/ledger/account.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../../functions/ledger/errors.ts';
import { freshMainTable } from '../support/tables.ts';

let repository: DynamoCreditRepository;

beforeAll(async () => {
  const { client, tableName } = await freshMainTable();
  repository = new DynamoCreditRepository(client, tableName);
});

let customerCounter = 0;
const newCustomer = (): string => `customer-${Date.now()}-${++customerCounter}`;

let ids = 0;

/** The ledger's own change (a grant, or a deduction for a negative amount), as the repository gets it. */
function write(
  customerId: string,
  before: CreditAccount | undefined,
  amountCents: number,
  operationId?: string,
): CreditEntryWrite {
  const base = before ?? emptyAccount(customerId);
  const stamp = { now: '2026-11-21T00:00:00.000Z', newId: () => `txn-${++ids}` };
  const fields = { reason: 'test', actor: 'tester' };
  const { write: change, transaction } =
    amountCents > 0
      ? ledger.grant(base, { ...fields, amountCents, category: 'PAID' }, stamp)
      : ledger.deduct(base, { ...fields, amountCents: -amountCents }, stamp);
  return { write: change, answer: { transaction, credit: creditView(change.after, stamp.now) }, operationId };
}

describe('DynamoCreditRepository against DynamoDB Local', () => {
  it('writes the balance and its ledger entry together', async () => {
    const customerId = newCustomer();

    await repository.appendEntry(write(customerId, undefined, 500));

    expect(await repository.getAccount(customerId)).toMatchObject({
      availableCents: 500,
      heldCents: 0,
      version: 1,
    });
    const page = await repository.listEntries(customerId, { limit: 10 });
    expect(page.items.map((entry) => entry.amountCents)).toEqual([500]);
  });

  it('refuses a second first write for the same account', async () => {
    const customerId = newCustomer();
    await repository.appendEntry(write(customerId, undefined, 500));

    await expect(repository.appendEntry(write(customerId, undefined, 700))).rejects.toBeInstanceOf(
      StaleAccountError,
    );
    expect((await repository.getAccount(customerId))?.availableCents).toBe(500);
  });

  it('refuses a write based on a version that has moved on, and writes no entry for it', async () => {
    const customerId = newCustomer();
    await repository.appendEntry(write(customerId, undefined, 500));
    const read = await repository.getAccount(customerId);
    await repository.appendEntry(write(customerId, read, -100));

    await expect(repository.appendEntry(write(customerId, read, -450))).rejects.toBeInstanceOf(
      StaleAccountError,
    );

    expect((await repository.getAccount(customerId))?.availableCents).toBe(400);
    expect((await repository.listEntries(customerId, { limit: 10 })).items).toHaveLength(2);
  });

  it('applies an operation once, and finds the entry it wrote', async () => {
    const customerId = newCustomer();
    await repository.appendEntry(write(customerId, undefined, 300, 'op-a'));
    const read = await repository.getAccount(customerId);

    await expect(repository.appendEntry(write(customerId, read, 300, 'op-a'))).rejects.toBeInstanceOf(
      OperationAlreadyAppliedError,
    );
    expect((await repository.findAppliedOperation(customerId, 'op-a'))?.transaction.amountCents).toBe(300);
    expect((await repository.getAccount(customerId))?.availableCents).toBe(300);
  });

  it('pages through entries newest first with an opaque cursor', async () => {
    const customerId = newCustomer();
    let account: CreditAccount | undefined;
    for (const amount of [1, 2, 3, 4, 5]) {
      await repository.appendEntry(write(customerId, account, amount));
      account = await repository.getAccount(customerId);
    }

    const first = await repository.listEntries(customerId, { limit: 2 });
    const second = await repository.listEntries(customerId, { limit: 2, cursor: first.nextCursor ?? '' });
    const third = await repository.listEntries(customerId, { limit: 2, cursor: second.nextCursor ?? '' });

    expect([...first.items, ...second.items, ...third.items].map((entry) => entry.amountCents)).toEqual([
      5, 4, 3, 2, 1,
    ]);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give out', async () => {
    await expect(
      repository.listEntries(newCustomer(), { limit: 2, cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
