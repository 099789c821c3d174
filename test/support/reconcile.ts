import { expect } from '@jest/globals';
import type { ReconciliationReport } from '../../functions/ops/reconciliation.ts';
import { reconcileOnceSettled } from './books.ts';

/** Runs `npm run reconcile`'s checks on the test stack and fails on any breach (see books.ts). */
export async function expectBooksToBalance(
  stack?: Parameters<typeof reconcileOnceSettled>[0],
): Promise<ReconciliationReport> {
  const report = await reconcileOnceSettled(stack);
  expect(report.breaches).toEqual([]);
  return report;
}
