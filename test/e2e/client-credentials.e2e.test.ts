import { describe, expect, it } from '@jest/globals';
import { clientCredentialsToken, createPurchaseServiceClient } from '../../clients/typescript/src/index.ts';
import { STOREFRONT_CLIENT } from '../../local/oidc-clients.ts';
import { customerAndProduct } from '../support/api-client.ts';
import { stackUrls } from '../support/stack.ts';

interface ServedDocument {
  servers: { url: string }[];
  components: {
    securitySchemes: Record<
      string,
      { flows: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }
    >;
  };
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

describe('the OAuth flows the document names', () => {
  it('give a storefront a client-credentials token, read from the document, that buys', async () => {
    const document = (await (await fetch(`${stackUrls().apiUrl}/openapi.json`)).json()) as ServedDocument;
    const flow = document.components.securitySchemes.clientCredentials?.flows.clientCredentials;
    const purchaseScopes = (document.paths['/v1/purchases']?.post?.security ?? []).flatMap(
      (requirement) => requirement.clientCredentials ?? [],
    );
    const scope = purchaseScopes.find((candidate) => candidate in (flow?.scopes ?? {}));
    if (!flow || scope === undefined)
      throw new Error('the document names no client-credentials scope that buys');
    const { customerId, productId } = await customerAndProduct(10_000, 12.5);

    const token = await clientCredentialsToken({
      tokenUrl: flow.tokenUrl,
      clientId: STOREFRONT_CLIENT.id,
      clientSecret: STOREFRONT_CLIENT.secret,
      scope,
    });
    const client = createPurchaseServiceClient({
      baseUrl: document.servers[0]?.url ?? '',
      accessToken: () => token.accessToken,
    });
    const { data, error, response } = await client.POST('/v1/purchases', {
      body: { customerId, productId },
      params: { header: { 'Idempotency-Key': `oauth-${customerId}` } },
    });

    expect(scope).toBe('purchase-api/service');
    expect(flow.tokenUrl).toBe(stackUrls().oidc.tokenEndpoint);
    expect([response.status, error]).toEqual([201, undefined]);
    expect(data).toMatchObject({ customerId, quantity: 1, totalCents: 1250 });
  });
});
