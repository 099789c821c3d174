import type { CreditChangeResponse, CreditTransaction } from '../../../functions/credit/credit.schemas.ts';
import type { CreditEntryWrite, CreditRepository } from '../../../functions/credit/credit.ts';
import type { CreditAccount } from '../../../functions/ledger/account.ts';
import { OperationAlreadyAppliedError, StaleAccountError } from '../../../functions/ledger/errors.ts';
import type { Page, PageRequest } from '../../../functions/shared/pagination.ts';

/**
 * A fast stand-in for unit tests that keeps the real repository's promises: a write applies only
 * if the account is still at the version read, and an operation applies once.
 * Integration tests run the DynamoDB repository itself.
 */
export class InMemoryCreditRepository implements CreditRepository {
  readonly accounts = new Map<string, CreditAccount>();
  readonly entries = new Map<string, CreditTransaction[]>();
  readonly operations = new Map<string, CreditChangeResponse>();
  /** Makes the next N writes fail as if another writer had got there first. */
  collisionsToSimulate = 0;

  async getAccount(customerId: string): Promise<CreditAccount | undefined> {
    const account = this.accounts.get(customerId);
    return account && { ...account };
  }

  async appendEntry({ write, answer, operationId }: CreditEntryWrite): Promise<void> {
    const { before, after, entries } = write;
    const operationKey = `${after.customerId}/${operationId}`;
    if (operationId !== undefined && this.operations.has(operationKey)) {
      throw new OperationAlreadyAppliedError('applied');
    }
    const current = this.accounts.get(after.customerId)?.version ?? 0;
    if (this.collisionsToSimulate > 0) {
      this.collisionsToSimulate -= 1;
      throw new StaleAccountError('simulated collision');
    }
    if (current !== before.version) throw new StaleAccountError('stale');
    this.accounts.set(after.customerId, { ...after });
    this.entries.set(after.customerId, [...(this.entries.get(after.customerId) ?? []), ...entries]);
    if (operationId !== undefined) this.operations.set(operationKey, answer);
  }

  async findAppliedOperation(
    customerId: string,
    operationId: string,
  ): Promise<CreditChangeResponse | undefined> {
    return this.operations.get(`${customerId}/${operationId}`);
  }

  async listEntries(customerId: string, page: PageRequest): Promise<Page<CreditTransaction>> {
    const items = [...(this.entries.get(customerId) ?? [])].reverse().slice(0, page.limit);
    return { items, nextCursor: null };
  }
}
