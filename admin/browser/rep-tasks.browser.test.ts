import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Purchase } from '../src/api-types.ts';
import { formatCents } from '../src/money.ts';
import {
  type BrowserStack,
  newPage,
  reloadUntil,
  screenshot,
  signIn,
  startBrowserStack,
  submitIssuerSignIn,
} from './browser.ts';

/**
 * What hurt a support rep trying the app, each as the rep meets it, in Chromium against a
 * local stack of its own.
 */

const JANE = '550e8400-e29b-41d4-a716-446655440002';
const JOHN = '550e8400-e29b-41d4-a716-446655440001';
const KEYBOARD = '660e8400-e29b-41d4-a716-446655440003';

let env: BrowserStack;

/** A purchase of `quantity` keyboards by John Doe, made as the storefront makes them. */
async function buyKeyboards(quantity: number): Promise<Purchase> {
  const token = await env.token('browser-test-storefront', 'service');
  const answer = await fetch(`${env.stack.apiUrl}/v1/purchases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: JOHN, productId: KEYBOARD, quantity }),
  });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Purchase;
}

/** Every request the page makes, to check that none leaves this machine. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request: Request) => urls.push(request.url()));
  return urls;
}

const isLocal = (url: string): boolean =>
  url.startsWith('data:') || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);

beforeAll(async () => {
  env = await startBrowserStack();
});

afterAll(async () => {
  await env?.stop();
});

describe('money forms', () => {
  it('clear themselves after a grant and ask before granting the same again', async () => {
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    await support.goto(`${env.appUrl}/customers/${JANE}`);
    const grant = support.getByRole('form', { name: 'Grant credit' });
    await grant.getByLabel('Amount (USD)').fill('25');
    await grant.getByLabel('Reason').fill('late delivery, once');
    await grant.getByRole('button', { name: 'Grant credit' }).click();
    // The message names the lot between the amount and the balance.
    await support.getByText(/^Granted \$25\.00\. Into .* lot .*New balance/).waitFor();
    expect(await grant.getByLabel('Amount (USD)').inputValue()).toBe('');
    expect(await grant.getByLabel('Reason').inputValue()).toBe('');

    await grant.getByLabel('Amount (USD)').fill('25.00');
    await grant.getByLabel('Reason').fill('late delivery, once');
    await grant.getByRole('button', { name: 'Grant credit' }).click();
    const question = support.getByRole('dialog');
    await question.waitFor();
    expect(await question.textContent()).toMatch(
      /You granted \$25\.00 for this reason \d+ s ago\. Grant again\?/,
    );
    await question.getByRole('button', { name: 'Cancel' }).click();
    await support.getByRole('row').filter({ hasText: 'late delivery, once' }).first().waitFor();
    expect(await support.getByRole('row').filter({ hasText: 'late delivery, once' }).count()).toBe(1);
    await support.context().close();
  });

  it('show the field details of a validation error', async () => {
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    await support.getByLabel('Name, email or id').fill('x'.repeat(201));
    await support.getByRole('button', { name: 'Find customer' }).click();
    const alert = support.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('VALIDATION_FAILED');
    expect(await alert.getByRole('listitem').count()).toBeGreaterThan(0);
    expect(await alert.getByRole('listitem').first().textContent()).toMatch(/query\.q/);
    await support.context().close();
  });
});

describe('customer search', () => {
  it('finds a customer by a part of the name typed without accents or capitals, and by a purchase id', async () => {
    const purchase = await buyKeyboards(1);
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    // The customer list the rep lands on has read John Doe, so the search knows his name.
    await support.getByRole('link', { name: 'John Doe' }).waitFor();
    await support.getByLabel('Name, email or id').fill('jöhn d');
    await support.getByRole('button', { name: 'Find customer' }).click();
    await support.getByRole('heading', { name: 'John Doe', level: 1 }).waitFor();

    await support.goto(`${env.appUrl}/customers`);
    await support.getByLabel('Name, email or id').fill(purchase.id);
    await support.getByRole('button', { name: 'Find customer' }).click();
    await support.getByRole('heading', { name: 'John Doe', level: 1 }).waitFor();
    await support.context().close();
  });

  it('lists several matches with what each matched', async () => {
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    await support.getByRole('link', { name: 'Jane Smith' }).waitFor();
    await support.getByLabel('Name, email or id').fill('EXAMPLE.COM');
    await support.getByRole('button', { name: 'Find customer' }).click();
    const results = support.getByRole('region', { name: 'Search results' });
    await results.getByRole('link', { name: 'Jane Smith' }).waitFor();
    expect(await results.getByRole('link', { name: 'John Doe' }).count()).toBe(1);
    expect(await results.textContent()).toContain('Name or email');
    await support.context().close();
  });
});

describe('refunds', () => {
  it('offer no Confirm when the preview says the refund is more than remains', async () => {
    const purchase = await buyKeyboards(1);
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    await support.goto(`${env.appUrl}/purchases/${purchase.id}`);
    await support.getByLabel('An amount').check();
    await support.getByLabel('Amount to refund (USD)').fill('100000');
    await support.getByLabel('Reason').fill('too much');
    await support.getByRole('button', { name: 'Review refund' }).click();
    expect(await support.getByTestId('refund-preview').textContent()).toBe(
      'The refund is more than what remains to be refunded.',
    );
    expect(await support.getByRole('button', { name: /Confirm/ }).count()).toBe(0);
    await support.context().close();
  });
});

describe('the audit trail', () => {
  it("tells a purchase's refund in words, with its reason, in the rep's time zone", async () => {
    const purchase = await buyKeyboards(3);
    const share = Math.floor(purchase.totalCents / 3);
    const support = await signIn(env.browser, env.appUrl, 'demo-support', {
      timezoneId: 'America/New_York',
    });
    await support.goto(`${env.appUrl}/purchases/${purchase.id}`);
    await support.getByLabel('Reason').fill('damaged box');
    await support.getByRole('button', { name: 'Review refund' }).click();
    await support.getByRole('button', { name: `Confirm refund of ${formatCents(share)}` }).click();
    await support.getByText(`Refunded ${formatCents(share)}.`).waitFor();

    await support.getByRole('link', { name: 'Audit trail of the purchase' }).click();
    await reloadUntil(support, `Refunded ${formatCents(share)} (1 unit) by demo-support: damaged box`);
    const trail = (await support.getByRole('main').textContent()) ?? '';
    expect(trail).not.toMatch(/refundedCents|\d{4}-\d\d-\d\dT/);
    expect(trail).toMatch(/E[SD]T/);
    expect(trail).toContain(formatCents(purchase.totalCents));
    await screenshot(support, 'audit');
    await support.context().close();
  });

  it('pages every change 20 at a time, each short enough to scan', async () => {
    // Each purchase makes several audited changes: three make more than a page.
    for (let bought = 0; bought < 3; bought += 1) await buyKeyboards(1);
    const viewer = await signIn(env.browser, env.appUrl, 'demo-viewer');
    await viewer.goto(`${env.appUrl}/audit`);
    await reloadUntil(viewer, 'Next page');
    const changes = viewer.getByRole('list', { name: 'Changes, newest first' }).locator(':scope > li');
    await changes.first().waitFor();
    expect(await changes.count()).toBe(20);
    expect(await viewer.getByRole('button', { name: 'Next page' }).isEnabled()).toBe(true);
    const height = await viewer.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(3_000);
    await viewer.context().close();
  });
});

describe('at phone width (390 px)', () => {
  it('wraps the header, keeps Sign out on screen, and keeps dates on one line', async () => {
    await buyKeyboards(1);
    const phone = { viewport: { width: 390, height: 844 } };
    const support = await signIn(env.browser, env.appUrl, 'demo-support', phone);
    const signOut = await support.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(signOut && signOut.x >= 0 && signOut.x + signOut.width <= 390).toBe(true);
    expect(await support.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(support, 'phone-customers');

    await support.goto(`${env.appUrl}/purchases`);
    const when = support.getByRole('row').nth(1).getByRole('link').first();
    await when.waitFor();
    const box = await when.boundingBox();
    expect(box?.height).toBeLessThan(30);
    expect(await support.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(support, 'phone-purchases');
    await support.context().close();
  });
});

describe('page titles', () => {
  it('name what each page shows', async () => {
    const purchase = await buyKeyboards(1);
    const viewer = await signIn(env.browser, env.appUrl, 'demo-viewer');
    await viewer.goto(`${env.appUrl}/customers/${JOHN}`);
    await viewer.getByRole('heading', { name: 'John Doe', level: 1 }).waitFor();
    await expect.poll(() => viewer.title()).toBe('John Doe · Customer');
    await viewer.goto(`${env.appUrl}/purchases/${purchase.id}`);
    await viewer.getByTestId('refundable').waitFor();
    await expect.poll(() => viewer.title()).toBe(`Purchase ${purchase.id.slice(0, 10)}… · John Doe`);
    await viewer.goto(`${env.appUrl}/promo-codes`);
    await expect.poll(() => viewer.title()).toBe('Promo codes');
    await viewer.context().close();
  });
});

describe('promo codes, as an admin', () => {
  it('are created with every field, deactivated only when confirmed, and reactivated', async () => {
    const admin = await signIn(env.browser, env.appUrl, 'demo-admin');
    await admin.goto(`${env.appUrl}/promo-codes`);
    const form = admin.getByRole('form', { name: 'Create a promo code' });
    await form.getByLabel('Code', { exact: true }).fill('spring25');
    await form.getByLabel('Percent off').fill('25');
    await form.getByLabel('Max redemptions').fill('100');
    await form.getByLabel('Per customer').fill('1');
    await form.getByLabel('Valid from').fill('2026-03-01T00:00');
    await form.getByLabel('Valid until').fill('2030-06-01T00:00');
    await form.getByLabel('Minimum subtotal (USD)').fill('20');
    await form.getByLabel('Product ids').fill(KEYBOARD);
    await form.getByRole('button', { name: 'Create promo code' }).click();
    await admin.getByText('Created SPRING25.').waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'SPRING25' });
    const cells = (await row.getByRole('cell').allTextContents()).join(' | ');
    expect(cells).toContain('25% off');
    expect(cells).toContain('0 of 100');
    expect(cells).toContain('1 per customer');
    expect(cells).toContain('min $20.00');
    expect(cells).toContain('1 product');
    expect(cells).toMatch(/Mar 1, 2026.*Jun 1, 2030/);

    await row.getByRole('button', { name: 'Deactivate SPRING25' }).click();
    const question = admin.getByRole('dialog');
    await question.getByText('Customers can no longer use SPRING25', { exact: false }).waitFor();
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.getByRole('cell', { name: 'yes', exact: true }).count()).toBe(1);
    await row.getByRole('button', { name: 'Deactivate SPRING25' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('cell', { name: 'no', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Reactivate SPRING25' }).click();
    await row.getByRole('cell', { name: 'yes', exact: true }).waitFor();

    // A mistake after a success: the error shows, and the earlier success is gone.
    await form.getByLabel('Percent off').fill('200');
    await form.getByRole('button', { name: 'Create promo code' }).click();
    await form.getByRole('alert').waitFor();
    expect(await admin.getByText('Created SPRING25.').count()).toBe(0);
    await screenshot(admin, 'promo-codes');
    await admin.context().close();
  });
});

describe('signing in and out', () => {
  it('signs out straight back to the app, passing the ID token hint and where to return', async () => {
    const support = await signIn(env.browser, env.appUrl, 'demo-support');
    const requests = recordRequests(support);
    await support.getByRole('button', { name: 'Sign out' }).click();
    await support.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(support.url()).origin).toBe(env.appUrl);
    const endSession = new URL(requests.find((url) => url.includes('/session/end')) ?? 'http://none');
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(env.appUrl);
    // Signed out at the issuer too: signing in asks who you are again.
    await support.getByRole('button', { name: 'Sign in' }).click();
    await support.locator('input[name="login"]').waitFor();
    await support.context().close();
  });

  it("lists the demo users on the issuer's page and refuses anyone else with a clear message", async () => {
    const page = await newPage(env.browser);
    await page.goto(env.appUrl);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const login of ['demo-viewer', 'demo-support', 'demo-service', 'demo-admin'])
      await page.getByText(login, { exact: true }).first().waitFor();
    await screenshot(page, 'sign-in');
    await submitIssuerSignIn(page, 'bob');
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('bob is not a demo user');
    expect(new URL(page.url()).origin).not.toBe(env.appUrl);
    await submitIssuerSignIn(page, 'demo-viewer');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.context().close();
  });

  it('makes no request off this machine, and the app and the issuer each have a favicon', async () => {
    const page = await newPage(env.browser);
    const requests = recordRequests(page);
    await page.goto(env.appUrl);
    const appIcon = await page.locator('link[rel="icon"]').getAttribute('href');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="login"]').waitFor();
    const issuerIcon = await page.locator('link[rel="icon"]').getAttribute('href');
    await submitIssuerSignIn(page, 'demo-viewer');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);

    expect(appIcon).toBeTruthy();
    expect((await fetch(new URL(appIcon ?? '', env.appUrl))).status).toBe(200);
    expect(issuerIcon).toBeTruthy();
    await page.context().close();
  });
});
