import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, screenshot, signIn, startBrowserStack } from './browser.ts';

/**
 * Credit lots (issue 21) as a support rep meets them, in Chromium against a local stack of its own.
 * A file of its own: lots are their own concept, and their stack holds no other test's grants.
 */

const JANE = '550e8400-e29b-41d4-a716-446655440002';
const ZONE = 'America/New_York';

let env: BrowserStack;

/** `days` from today, as the rep's date picker says a day (`YYYY-MM-DD`) and as the app shows it. */
function dayAhead(days: number): { value: string; shown: string } {
  const when = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return {
    value: new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(when),
    shown: new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
    }).format(when),
  };
}

beforeAll(async () => {
  env = await startBrowserStack();
});

afterAll(async () => {
  await env?.stop();
});

describe('credit lots', () => {
  it('grants with an expiry and sees the lot', async () => {
    const expiry = dayAhead(10);
    const lastMinute = new RegExp(`${expiry.shown}, 11:59 PM E[SD]T`);
    const support = await signIn(env.browser, env.appUrl, 'demo-support', { timezoneId: ZONE });
    await support.goto(`${env.appUrl}/customers/${JANE}`);
    const grant = support.getByRole('form', { name: 'Grant credit' });
    await grant.getByLabel('Amount (USD)').fill('12.34');
    await grant.getByLabel('Reason').fill('holiday promotion');
    await grant.getByLabel('Category').selectOption('PROMOTIONAL');
    await grant.getByLabel('Expires on (optional)').fill(expiry.value);
    await grant.getByRole('button', { name: 'Grant credit' }).click();
    // Success or the service's refusal, whichever shows: a refusal fails with its own words (a
    // service without lots refuses category and expiresAt as unknown fields).
    const outcome = grant.getByRole('status').or(grant.getByRole('alert'));
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(
      new RegExp(
        `^Granted \\$12\\.34\\. Into a new promotional lot that expires ${expiry.shown}, 11:59 PM E[SD]T\\. New balance`,
      ),
    );

    const lots = support.getByRole('region', { name: 'Credit lots' });
    const lot = lots.getByRole('row').filter({ hasText: 'Promotional' });
    await lot.waitFor();
    const cells = await lot.getByRole('cell').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['Promotional', '$12.34', '$12.34', '$0.00']);
    expect(cells[4]).toMatch(lastMinute);
    expect(cells[4]).toContain('within 30 days');
    // The soonest-expiring lot is listed first, before the never-expiring demo credit.
    expect(await lots.getByRole('row').nth(1).textContent()).toContain('Promotional');

    const flag = lots.getByRole('note', { name: 'Credit expiring soon' });
    expect(await flag.textContent()).toMatch(
      new RegExp(`\\$12\\.34 promotional credit on ${expiry.shown}, 11:59 PM E[SD]T`),
    );
    expect(await lots.getByTestId('next-expiry').textContent()).toMatch(
      new RegExp(`^Next to expire: \\$12\\.34 on ${expiry.shown}, 11:59 PM E[SD]T\\.$`),
    );

    const entry = support.getByRole('row').filter({ hasText: 'holiday promotion' });
    expect(await entry.getByRole('list', { name: 'Lots' }).textContent()).toMatch(
      new RegExp(`\\$12\\.34 to Promotional, expires ${expiry.shown}, 11:59 PM E[SD]T`),
    );
    await screenshot(support, 'credit-lots');
    await support.context().close();
  });
});
