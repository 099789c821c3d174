import type { CreatePromoCodeRequest, PromoCodeView } from './api-types.ts';
import { formatCents, parseDollars } from './money.ts';

/** The create form's fields, as typed. Empty optional fields are left out of the request. */
export interface PromoCodeFields {
  code: string;
  kind: 'PERCENT' | 'FIXED';
  off: string;
  maxRedemptions: string;
  perCustomer: string;
  /** `datetime-local` values: the admin's own time zone. */
  validFrom: string;
  validUntil: string;
  minSubtotal: string;
  productIds: string;
}

export type PromoCodeRequestResult =
  | { ok: true; body: CreatePromoCodeRequest }
  | { ok: false; errors: Partial<Record<keyof PromoCodeFields, string>> };

const COUNT = /^\d{1,10}$/;
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The request the form's fields make, checked as the service checks it (promo-code.schemas.ts), so
 * that a mistake is shown beside its field before anything is sent.
 */
export function promoCodeRequestOf(fields: PromoCodeFields): PromoCodeRequestResult {
  const errors: Partial<Record<keyof PromoCodeFields, string>> = {};
  const body: Record<string, unknown> = { code: fields.code.trim(), kind: fields.kind };
  if (!/^[A-Za-z0-9_-]{3,32}$/.test(fields.code.trim()))
    errors.code = 'The code is 3 to 32 letters, digits, "_" or "-".';
  if (fields.kind === 'PERCENT') {
    const percent = Number(fields.off.trim());
    if (!/^\d+$/.test(fields.off.trim()) || percent < 1 || percent > 100)
      errors.off = 'The percentage is a whole number from 1 to 100.';
    else body.percentOff = percent;
  } else {
    const parsed = parseDollars(fields.off);
    if (parsed.ok) body.amountOffCents = parsed.cents;
    else errors.off = parsed.message;
  }
  const count = (name: 'maxRedemptions' | 'perCustomer', field: string) => {
    const text = fields[name].trim();
    if (text === '') return;
    if (!COUNT.test(text) || Number(text) < 1 || Number(text) > 1_000_000_000)
      errors[name] = 'A whole number from 1 to 1,000,000,000.';
    else body[field] = Number(text);
  };
  count('maxRedemptions', 'maxRedemptions');
  count('perCustomer', 'maxRedemptionsPerCustomer');
  const instant = (name: 'validFrom' | 'validUntil') => {
    const text = fields[name].trim();
    if (text === '') return undefined;
    const time = new Date(text);
    if (Number.isNaN(time.getTime())) errors[name] = 'Enter a date and time.';
    else body[name] = time.toISOString();
    return time.getTime();
  };
  const from = instant('validFrom');
  const until = instant('validUntil');
  if (from !== undefined && until !== undefined && !(until > from))
    errors.validUntil = 'The end must be after the start.';
  if (fields.minSubtotal.trim() !== '') {
    const parsed = parseDollars(fields.minSubtotal);
    if (parsed.ok) body.minSubtotalCents = parsed.cents;
    else errors.minSubtotal = parsed.message;
  }
  const products = fields.productIds.split(/[\s,]+/).filter(Boolean);
  if (products.some((id) => !PRODUCT_ID.test(id)))
    errors.productIds = 'Product ids are letters, digits, "-" or "_", separated by commas or spaces.';
  else if (products.length > 100) errors.productIds = 'At most 100 products.';
  else if (products.length > 0) body.productIds = [...new Set(products)];
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, body: body as CreatePromoCodeRequest };
}

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });

/** "25% off", "$5.00 off". */
export const discountOf = (code: PromoCodeView): string =>
  code.kind === 'PERCENT' ? `${code.percentOff ?? 0}% off` : `${formatCents(code.amountOffCents ?? 0)} off`;

/** What limits a code besides its total: "1 per customer, min $20.00, 2 products", or "—". */
export function limitsOf(code: PromoCodeView): string {
  const parts = [
    code.maxRedemptionsPerCustomer ? `${code.maxRedemptionsPerCustomer} per customer` : undefined,
    code.minSubtotalCents ? `min ${formatCents(code.minSubtotalCents)}` : undefined,
    code.productIds?.length
      ? `${code.productIds.length} product${code.productIds.length === 1 ? '' : 's'}`
      : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** "Mar 1, 2026 – Jun 1, 2030", "from Mar 1, 2026", "until …", or "always". */
export function validityOf(code: PromoCodeView): string {
  const day = (iso: string | undefined) => (iso ? dateFormat.format(new Date(iso)) : undefined);
  const [from, until] = [day(code.validFrom), day(code.validUntil)];
  if (from && until) return `${from} – ${until}`;
  if (from) return `from ${from}`;
  if (until) return `until ${until}`;
  return 'always';
}
