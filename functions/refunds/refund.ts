import type { Clock } from '#shared/clock.ts';
import { AppError, NotFoundError } from '#shared/errors.ts';
import type { IdGenerator } from '#shared/ids.ts';
import { shareOfCents } from '#shared/money.ts';
import type { Page, PageRequest } from '#shared/pagination.ts';
import { type RetryPolicy, withOptimisticRetry } from '#shared/retry.ts';
import type { AccountReader, AccountWrite } from '../ledger/account.ts';
import * as ledger from '../ledger/account.ts';
import { OperationAlreadyAppliedError } from '../ledger/errors.ts';
import type { LotDraw } from '../ledger/lots.ts';
import { type Purchase, PurchaseSchema, type Refund } from '../purchases/purchase.schemas.ts';
import { type RefundResponse, RefundResponseSchema } from './refund.schemas.ts';

/**
 * A purchase as the refund rules need it: with the units already refunded by quantity, the lots its
 * credit came from, and what earlier refunds gave back to them (or expired).
 */
export interface RefundablePurchase {
  purchase: Purchase;
  refundedQuantity: number;
  lotDraws: LotDraw[];
  lotsReturned: LotDraw[];
}

export interface RefundWrite {
  /** The purchase as read; the refund applies only if its refunded total is still what was read. */
  before: RefundablePurchase;
  after: RefundablePurchase;
  /** The credit coming back to its lots, with its REFUND entry (and an EXPIRY entry for expired lots). */
  credit: AccountWrite;
  refund: Refund;
  operationId?: string | undefined;
}

export interface RefundRepository {
  getRefundable(purchaseId: string): Promise<RefundablePurchase | undefined>;
  /**
   * Credit back, REFUND ledger entry, purchase totals and the refund, in one transaction.
   * @throws StaleAccountError when the account or the purchase moved on since they were read
   * @throws OperationAlreadyAppliedError when `operationId` made a refund before
   */
  appendRefund(write: RefundWrite): Promise<void>;
  /** The refund an operation made, its purchase now, and the purchase's refunded total right after it. */
  findRefundByOperation(
    customerId: string,
    operationId: string,
  ): Promise<{ refund: Refund; purchase: Purchase; purchaseRefundedCentsAfter: number } | undefined>;
  listRefunds(purchaseId: string, page: PageRequest): Promise<Page<Refund>>;
}

export interface RefundDeps {
  refunds: RefundRepository;
  accounts: AccountReader;
  clock: Clock;
  newId: IdGenerator;
  retry: RetryPolicy;
}

export interface RefundCommand {
  purchaseId: string;
  amountCents?: number | undefined;
  quantity?: number | undefined;
  reason: string;
  actor: string;
  operationId?: string | undefined;
}

const notFound = (purchaseId: string): NotFoundError =>
  new NotFoundError('PURCHASE_NOT_FOUND', 'No purchase has this id.', { purchaseId });

/**
 * The cents a refund returns: the amount asked; with neither amount nor quantity, all that remains;
 * for a quantity, that many units' share of what was paid (after discount). Unit shares are
 * cumulative (`shareOfCents`), so refunding every unit by quantity returns exactly `totalCents`.
 * Mixed with refunds by amount, a quantity refund never takes more than remains, and the last units
 * not yet refunded return exactly what remains.
 * @throws AppError PURCHASE_NOT_REFUNDABLE, REFUND_EXCEEDS_REMAINING
 */
export function refundAmount(
  current: Pick<RefundablePurchase, 'purchase' | 'refundedQuantity'>,
  command: Pick<RefundCommand, 'amountCents' | 'quantity'>,
): number {
  const { purchase, refundedQuantity } = current;
  const remaining = purchase.totalCents - purchase.refundedCents;
  if (remaining <= 0) {
    throw new AppError('PURCHASE_NOT_REFUNDABLE', 'This purchase has been refunded in full.', {
      purchaseId: purchase.id,
      status: purchase.status,
    });
  }
  let amount = command.amountCents ?? remaining;
  if (command.quantity !== undefined) {
    const refundableQuantity = purchase.quantity - refundedQuantity;
    if (command.quantity > refundableQuantity) {
      throw new AppError('REFUND_EXCEEDS_REMAINING', 'More units than remain to be refunded.', {
        requestedQuantity: command.quantity,
        refundableQuantity,
      });
    }
    const unitsAfter = refundedQuantity + command.quantity;
    const share =
      shareOfCents(purchase.totalCents, unitsAfter, purchase.quantity) -
      shareOfCents(purchase.totalCents, refundedQuantity, purchase.quantity);
    amount = unitsAfter === purchase.quantity ? remaining : Math.min(share, remaining);
  }
  if (amount > remaining || amount <= 0) {
    throw new AppError('REFUND_EXCEEDS_REMAINING', 'The refund is more than what remains to be refunded.', {
      requestedCents: amount,
      refundableCents: remaining,
    });
  }
  return amount;
}

const lotAmounts = (parts: readonly LotDraw[]) =>
  parts.map(({ lotId, amountCents }) => ({ lotId, amountCents }));

/** The purchase as it was right after a refund took its refunded total to `refundedCents`. */
export function purchaseAfterRefund(purchase: Purchase, refundedCents: number, at: string): Purchase {
  const { refunds: _refunds, ...stored } = purchase;
  return PurchaseSchema.parse({
    ...stored,
    refundedCents,
    refundableCents: purchase.totalCents - refundedCents,
    status: refundedCents === purchase.totalCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
    updatedAt: at,
  });
}

/** The answer to a refund, the same whether it is given first or rebuilt for a replay. */
const refundAnswer = (refund: Refund, purchase: Purchase): RefundResponse =>
  RefundResponseSchema.parse({ refund, purchase });

/**
 * Refunds a purchase fully or partly: the credit comes back and the purchase's refunded total rises,
 * with a REFUND ledger entry linking both, in one transaction conditional on the account and the
 * purchase being as read. Concurrent refunds are decided one after the other, never beyond the total.
 *
 * @throws NotFoundError PURCHASE_NOT_FOUND; AppError PURCHASE_NOT_REFUNDABLE / REFUND_EXCEEDS_REMAINING
 * @throws ConflictError when contention outlasts the retry budget
 */
export function refundPurchase(deps: RefundDeps, command: RefundCommand): Promise<RefundResponse> {
  return withOptimisticRetry(
    deps.retry,
    'The purchase kept changing under concurrent refunds; retry the request.',
    async () => {
      const before = await deps.refunds.getRefundable(command.purchaseId);
      if (!before) throw notFound(command.purchaseId);
      const { purchase } = before;

      let amountCents: number;
      try {
        amountCents = refundAmount(before, command);
      } catch (error) {
        // An idempotent retry of a refund that went through must get its answer, not a refusal.
        const applied = await findApplied(deps, purchase.customerId, command.operationId);
        if (applied) return applied;
        throw error;
      }

      const accountBefore = await deps.accounts.getAccount(purchase.customerId);
      if (!accountBefore) throw new Error(`purchase ${purchase.id} has no credit account to refund to`);
      const now = deps.clock.now().toISOString();
      const refundId = deps.newId();
      // Back to the lots the purchase drew from, the last-drawn first; what lands in an expired lot expires.
      const credit = ledger.refund(
        accountBefore,
        {
          amountCents,
          reason: command.reason,
          actor: command.actor,
          purchaseId: purchase.id,
          refundId,
          purchaseDraws: before.lotDraws,
          alreadyReturned: before.lotsReturned,
        },
        { now, newId: deps.newId },
      );
      const refund: Refund = {
        id: refundId,
        purchaseId: purchase.id,
        amountCents,
        ...(command.quantity === undefined ? {} : { quantity: command.quantity }),
        reason: command.reason,
        actor: command.actor,
        lots: lotAmounts(credit.returned),
        expired: lotAmounts(credit.expired),
        createdAt: now,
      };
      const after: RefundablePurchase = {
        purchase: purchaseAfterRefund(purchase, purchase.refundedCents + amountCents, now),
        refundedQuantity: before.refundedQuantity + (command.quantity ?? 0),
        lotDraws: before.lotDraws,
        lotsReturned: [...before.lotsReturned, ...credit.returned, ...credit.expired],
      };

      try {
        await deps.refunds.appendRefund({
          before,
          after,
          credit: credit.write,
          refund,
          operationId: command.operationId,
        });
        return refundAnswer(refund, after.purchase);
      } catch (error) {
        if (error instanceof OperationAlreadyAppliedError) {
          const applied = await findApplied(deps, purchase.customerId, command.operationId);
          if (applied) return applied;
        }
        throw error;
      }
    },
  );
}

/** The first answer of the refund an Idempotency-Key made, rebuilt as it was then. */
async function findApplied(
  deps: RefundDeps,
  customerId: string,
  operationId: string | undefined,
): Promise<RefundResponse | undefined> {
  if (operationId === undefined) return undefined;
  const applied = await deps.refunds.findRefundByOperation(customerId, operationId);
  if (!applied) return undefined;
  const { refund, purchase, purchaseRefundedCentsAfter } = applied;
  return refundAnswer(refund, purchaseAfterRefund(purchase, purchaseRefundedCentsAfter, refund.createdAt));
}

/** @throws NotFoundError PURCHASE_NOT_FOUND */
export async function listRefunds(
  deps: Pick<RefundDeps, 'refunds'>,
  purchaseId: string,
  page: PageRequest,
): Promise<Page<Refund>> {
  const [purchase, refunds] = await Promise.all([
    deps.refunds.getRefundable(purchaseId),
    deps.refunds.listRefunds(purchaseId, page),
  ]);
  if (!purchase) throw notFound(purchaseId);
  return refunds;
}
