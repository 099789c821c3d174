import * as z from 'zod';
import { publishReservationsAwaitingReview } from '#shared/metrics/metrics.ts';
import { getRuntime } from '#shared/runtime.ts';
import { sagaTask } from '#shared/saga/task.ts';
import { commitOrHoldForReview } from './commit-purchase.ts';
import { PurchaseHeldForReviewError } from './reservation.ts';
import { sagaStepDeps } from './saga.deps.ts';

const deps = sagaStepDeps(getRuntime());

/** Who the audit names for the saga's own changes (a purchase sent to review). */
const SAGA_ACTOR = 'purchase-saga';

/**
 * The most of its output the purchase may take: Step Functions allows a state 256 KiB, and the
 * output is the execution's. A larger purchase (its snapshots can be) goes out as its id only,
 * and the purchase function reads it.
 */
const MAX_PURCHASE_OUTPUT_BYTES = 200 * 1024;

/**
 * Saga step Commit: the hold becomes a spend, and the purchase is saved. Its output is the
 * purchase, so the caller's answer needs no read, unless the purchase is too large for a state.
 * A commit that can never be written sends the purchase to the review list (the alarm counts it).
 */
export const handler = sagaTask(
  z.object({ purchaseId: z.string(), customerId: z.string() }),
  async (input) => {
    const purchase = await commitOrHoldForReview(deps, input, SAGA_ACTOR).catch((error: unknown) => {
      if (error instanceof PurchaseHeldForReviewError) publishReservationsAwaitingReview(1);
      throw error;
    });
    const fits = Buffer.byteLength(JSON.stringify(purchase)) <= MAX_PURCHASE_OUTPUT_BYTES;
    return fits ? { purchaseId: purchase.id, purchase } : { purchaseId: purchase.id };
  },
);
