import { UpstreamError } from '#shared/errors.ts';
import type { CustomerDirectory, ProductCatalog } from '#shared/external/external-api.client.ts';
import type { Address } from '#shared/external/external-api.schemas.ts';
import { externalTime } from '#shared/external/external-time.ts';
import { multiplyCents } from '#shared/money.ts';
import { unstorableFields } from '#shared/storable-json.ts';
import { pricedProduct } from '../../products/product.ts';
import { normalizePromoCode } from '../../promo-codes/promo-code.schemas.ts';
import {
  discountFor,
  type PromoCode,
  PromoCodeInvalidError,
  type PromoCodeReader,
} from '../../promo-codes/promo-code.ts';
import { type Quote, QuoteSchema } from '../purchase.schemas.ts';

export interface QuoteDeps {
  customers: CustomerDirectory;
  products: ProductCatalog;
  promoCodes: PromoCodeReader;
  clock: { now(): Date };
}

/** A quote, and the promo code it applies (Reserve claims a redemption of it). */
export interface PricedPurchase {
  quote: Quote;
  promo?: PromoCode | undefined;
}

/**
 * Reads the customer and the product from the external API, now (never from a cache: this decides
 * what is charged and where it ships), and prices the purchase in exact cents.
 *
 * @throws NotFoundError CUSTOMER_NOT_FOUND / PRODUCT_NOT_FOUND
 * @throws PromoCodeInvalidError when the code does not apply (read-only checks; Reserve's write
 *   checks the limits again)
 * @throws UpstreamError when a price cannot be converted to cents exactly, a snapshot cannot be
 *   stored as given (see `assertKeepable`; whether the items that keep it fit is Reserve's check),
 *   or a call fails
 * @throws UpstreamTimeoutError
 */
export async function quotePurchase(
  deps: QuoteDeps,
  request: { customerId: string; productId: string; quantity: number; promoCode?: string | undefined },
): Promise<PricedPurchase> {
  const code = request.promoCode === undefined ? undefined : normalizePromoCode(request.promoCode);
  const [customer, product, promo] = await Promise.all([
    deps.customers.getCustomer(request.customerId),
    deps.products.getProduct(request.productId),
    code === undefined ? undefined : deps.promoCodes.getPromoCode(code),
  ]);
  if (code !== undefined && promo === undefined) throw new PromoCodeInvalidError('UNKNOWN', code);
  const snapshot = pricedProduct(product);
  const unitPriceCents = snapshot.priceCents;
  const subtotalCents = multiplyCents(unitPriceCents, request.quantity);
  if (subtotalCents === undefined) {
    throw new UpstreamError('GetProduct', 'answered a price too large to charge exactly');
  }
  const discountCents =
    promo === undefined
      ? 0
      : discountFor(promo, {
          subtotalCents,
          productId: request.productId,
          now: deps.clock.now().toISOString(),
        });
  const quote: Quote = {
    product: snapshot,
    customer: {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      shippingAddress: withoutEmptyLine2(customer.shippingAddress),
      lastModifiedAt: externalTime('GetCustomer', customer.lastModifiedAt),
    },
    quantity: request.quantity,
    unitPriceCents,
    subtotalCents,
    discountCents,
    totalCents: subtotalCents - discountCents,
    ...(promo === undefined ? {} : { promoCode: promo.code }),
  };
  assertKeepable(quote);
  return { quote, promo };
}

/**
 * The quote is copied into the reservation and the purchase, and read back with QuoteSchema. What
 * the external API sent must survive both (no empty strings: DynamoDB Local refuses them), or the
 * purchase would fail after credit is held, or every read of it would. So it is checked here, before
 * anything is written, and refused as the other team's error.
 */
function assertKeepable(quote: Quote): void {
  const parsed = QuoteSchema.safeParse(quote);
  const issue = parsed.success ? unstorableFields(quote)[0] : parsed.error.issues[0];
  if (issue === undefined) return;
  const [snapshot, ...field] = issue.path.map(String);
  throw new UpstreamError(
    snapshot === 'customer' ? 'GetCustomer' : 'GetProduct',
    `answered a ${field.join('.') || snapshot} that cannot be kept in a purchase: ${issue.message}`,
  );
}

/** An empty second address line is no second line (and an empty string cannot be stored). */
function withoutEmptyLine2(address: Address): Address {
  const { line2, ...rest } = address;
  return line2 === undefined || line2 === '' ? rest : { ...rest, line2 };
}
