import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Purchase } from '../src/api-types.ts';
import { formatCents } from '../src/money.ts';
import { type BrowserStack, reloadUntil, screenshot, signIn, startBrowserStack } from './browser.ts';

const JANE = { id: '550e8400-e29b-41d4-a716-446655440002', email: 'jane.smith@example.com' };
const JOHN = '550e8400-e29b-41d4-a716-446655440001';
const KEYBOARD = '660e8400-e29b-41d4-a716-446655440003';

let env: BrowserStack;
let purchase: Purchase;
let support: Page;

beforeAll(async () => {
  env = await startBrowserStack();
  // A purchase of three units, made as the storefront makes them.
  const token = await env.token('browser-test-storefront', 'service');
  const answer = await fetch(`${env.stack.apiUrl}/v1/purchases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: JOHN, productId: KEYBOARD, quantity: 3 }),
  });
  expect(answer.status).toBe(201);
  purchase = (await answer.json()) as Purchase;
  support = await signIn(env.browser, env.appUrl, 'demo-support');
});

afterAll(async () => {
  await env?.stop();
});

describe('the admin app in Chromium, signed in as support', () => {
  it('finds a customer by email, grants credit, and shows the new balance and history', async () => {
    await screenshot(support, 'customers');
    await support.getByLabel('Name, email or id').fill(JANE.email);
    await support.getByRole('button', { name: 'Find customer' }).click();
    await support.getByRole('heading', { name: 'Jane Smith', level: 1 }).waitFor();
    expect(await support.getByTestId('balance').textContent()).toBe('$250.00');

    const grant = support.getByRole('form', { name: 'Grant credit' });
    await grant.getByLabel('Amount (USD)').fill('12.34');
    await grant.getByLabel('Reason').fill('browser test goodwill');
    await grant.getByRole('button', { name: 'Grant credit' }).click();
    // The message names the lot between the amount and the balance.
    await support.getByText(/^Granted \$12\.34\. Into .* lot .*\. New balance \$262\.34\.$/).waitFor();
    await support.getByTestId('balance').filter({ hasText: '$262.34' }).waitFor();
    const row = support.getByRole('row').filter({ hasText: 'browser test goodwill' });
    await row.waitFor();
    expect(await row.textContent()).toContain('+$12.34');
    expect(await row.textContent()).toContain('demo-support');
    await screenshot(support, 'customer');
  });

  it('refunds one unit, shows refundable drop, and the audit trail shows the refund', async () => {
    await support.goto(`${env.appUrl}/purchases/${purchase.id}`);
    await support
      .getByTestId('refundable')
      .filter({ hasText: formatCents(purchase.totalCents) })
      .waitFor();
    const share = Math.floor(purchase.totalCents / 3);
    expect(await support.getByTestId('refund-preview').textContent()).toBe(
      `This refund returns ${formatCents(share)}.`,
    );
    await support.getByLabel('Reason').fill('one unit damaged');
    await support.getByRole('button', { name: 'Review refund' }).click();
    await screenshot(support, 'purchase-refund');
    await support.getByRole('button', { name: `Confirm refund of ${formatCents(share)}` }).click();
    await support.getByText(`Refunded ${formatCents(share)}.`).waitFor();
    await support
      .getByTestId('refundable')
      .filter({ hasText: formatCents(purchase.totalCents - share) })
      .waitFor();

    await support.getByRole('link', { name: 'Audit trail of the purchase' }).click();
    await support.getByRole('heading', { name: `Audit trail of PURCHASE ${purchase.id}` }).waitFor();
    const told = `Refunded ${formatCents(share)} (1 unit) by demo-support: one unit damaged`;
    await reloadUntil(support, told);
    const change = support.getByRole('listitem').filter({ hasText: told }).first();
    const refunded = change
      .getByRole('row')
      .filter({ has: support.getByRole('rowheader', { name: 'Refunded', exact: true }) });
    expect(await refunded.getByRole('cell').allTextContents()).toEqual(['$0.00', formatCents(share)]);
  });
});

describe('the admin app signed in as an admin', () => {
  it('creates a promo code and deactivates it', async () => {
    const admin = await signIn(env.browser, env.appUrl, 'demo-admin');
    await admin.getByRole('link', { name: 'Promo codes' }).click();
    await admin.getByRole('heading', { name: 'Promo codes', level: 1 }).waitFor();
    await admin.getByLabel('Code', { exact: true }).fill('browser10');
    await admin.getByLabel('Percent off').fill('10');
    await admin.getByRole('button', { name: 'Create promo code' }).click();
    await admin.getByText('Created BROWSER10.').waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'BROWSER10' });
    expect(await row.getByRole('cell').allTextContents()).toContain('10% off');
    await row.getByRole('button', { name: 'Deactivate BROWSER10' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('cell', { name: 'no', exact: true }).waitFor();
    await admin.context().close();
  });
});

describe('the admin app signed in as a viewer', () => {
  it('shows no action buttons', async () => {
    const viewer = await signIn(env.browser, env.appUrl, 'demo-viewer');
    expect(await viewer.getByTestId('signed-in-as').textContent()).toContain('viewer');
    await viewer.goto(`${env.appUrl}/customers/${JANE.id}`);
    await viewer.getByRole('heading', { name: 'Jane Smith', level: 1 }).waitFor();
    await viewer.getByRole('heading', { name: 'Credit history' }).waitFor();
    expect(await viewer.getByRole('button', { name: /Grant credit|Deduct credit/ }).count()).toBe(0);
    await viewer.goto(`${env.appUrl}/purchases/${purchase.id}`);
    await viewer.getByTestId('refundable').waitFor();
    expect(await viewer.getByRole('button', { name: /refund/i }).count()).toBe(0);
    await viewer.goto(`${env.appUrl}/promo-codes`);
    await viewer.getByRole('heading', { name: 'Promo codes', level: 1 }).waitFor();
    expect(await viewer.getByRole('button', { name: /Create promo code|Deactivate/ }).count()).toBe(0);
    await viewer.context().close();
  });
});
