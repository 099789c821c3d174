import { UpstreamError } from '#shared/errors.ts';
import type { CachedExternalReads } from '#shared/external/cached-external-reads.ts';
import type { ExternalProduct } from '#shared/external/external-api.schemas.ts';
import { externalTime } from '#shared/external/external-time.ts';
import { dollarsToCents } from '#shared/money.ts';
import type { ProductView } from './product.schemas.ts';

export interface ProductDeps {
  products: Pick<CachedExternalReads, 'cachedProduct'>;
}

/**
 * The product as the external API has it (through the read cache), priced in exact cents by the
 * same function as the quote: a price the quote would refuse is refused here too.
 * @throws NotFoundError PRODUCT_NOT_FOUND
 * @throws UpstreamError when the price cannot be money, or the read fails
 * @throws UpstreamTimeoutError
 */
export async function getProductView(deps: ProductDeps, productId: string): Promise<ProductView> {
  return pricedProduct(await deps.products.cachedProduct(productId));
}

/**
 * An external product priced in exact cents: what the read route shows and what a purchase keeps as
 * its product snapshot.
 * @throws UpstreamError when the price is not a whole, non-negative number of cents
 */
export function pricedProduct(product: ExternalProduct): ProductView {
  const priceCents = dollarsToCents(product.price);
  if (priceCents === undefined) {
    throw new UpstreamError(
      'GetProduct',
      'answered a price that is not a whole, non-negative number of cents',
    );
  }
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents,
    lastModifiedAt: externalTime('GetProduct', product.lastModifiedAt),
  };
}
