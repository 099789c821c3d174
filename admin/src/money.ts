import { MAX_REQUEST_AMOUNT_CENTS } from '../../functions/shared/money.ts';

/**
 * Money in the app is integer cents, as in the API. Typed dollars become cents by reading the text
 * (never `Number(text) * 100`, which drifts), and cents are formatted from their decimal text.
 */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const signedUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  signDisplay: 'exceptZero',
});

/** `1234567` → `"12345.67"`, exactly (no division). */
function decimalText(cents: number): `${number}` {
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}` as `${number}`;
}

export const formatCents = (cents: number): string => usd.format(decimalText(cents));
/** With its sign: `+$10.00`, `-$5.00`. */
export const formatSignedCents = (cents: number): string => signedUsd.format(decimalText(cents));

export type ParsedAmount = { ok: true; cents: number } | { ok: false; message: string };

const DOLLARS = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/** A positive amount in dollars (`12`, `12.5`, `$1,234.56`) as cents, within the API's bounds. */
export function parseDollars(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an amount.' };
  const match = DOLLARS.exec(trimmed);
  if (!match) return { ok: false, message: 'Enter dollars and at most two decimals, e.g. 12.50.' };
  const whole = (match[1] ?? '').replaceAll(',', '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  // 13 digits of dollars are already past the bound: stop before a number could lose precision.
  if (whole.replace(/^0+/, '').length > 12) return { ok: false, message: tooLarge };
  const cents = Number(whole) * 100 + Number(fraction);
  if (cents < 1) return { ok: false, message: 'The amount must be at least $0.01.' };
  if (cents > MAX_REQUEST_AMOUNT_CENTS) return { ok: false, message: tooLarge };
  return { ok: true, cents };
}

const tooLarge = `The amount can be at most ${formatCents(MAX_REQUEST_AMOUNT_CENTS)}.`;
