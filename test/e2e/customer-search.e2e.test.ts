import { describe, expect, it } from '@jest/globals';
import { api, customerAndProduct, mock, type Page } from '../support/api-client.ts';

/**
 * Issue 23, 2: GET /v1/search/customers finds the customers the service has read, by any part of
 * their name or email (case and accents ignored), and by a customer, purchase or shipment id.
 */

interface Hit {
  id: string;
  name: string | null;
  email: string | null;
  matchedBy: 'CUSTOMER_ID' | 'PURCHASE_ID' | 'SHIPMENT_ID' | 'NAME_OR_EMAIL';
  refreshedAt: string | null;
}
interface ApiError {
  error: { code: string; details: { path: string; message: string }[] };
}

const address = { line1: '1 Test St', city: 'Testville', postalCode: '00001', state: 'TS', country: 'US' };
/** A word no other test's customer has, so that a search finds only this test's customers. */
const marker = (): string => `Zq${Math.random().toString(36).slice(2, 10)}`;

async function externalCustomer(name: string, email: string): Promise<string> {
  const customer = await mock<{ id: string }>('POST', '/customers', {
    name,
    email,
    billingAddress: address,
    shippingAddress: address,
  });
  return customer.id;
}

const search = (q: string, extra = ''): ReturnType<typeof api<Page<Hit>>> =>
  api<Page<Hit>>('GET', `/v1/search/customers?q=${encodeURIComponent(q)}${extra}`);

describe('customer search', () => {
  it('finds a customer the service has read by a part of the name, in any case and without accents', async () => {
    const word = marker();
    const id = await externalCustomer(`Jöhn ${word} Doé`, `${word.toLowerCase()}.jd@example.com`);
    expect((await api('GET', `/v1/customers/${id}`)).status).toBe(200);

    for (const term of [
      `john ${word} doe`,
      `JOHN ${word.toUpperCase()}`,
      `${word.slice(0, 5)}`,
      'hn ' + word,
    ]) {
      const answer = await search(term);
      expect(answer.status).toBe(200);
      expect(answer.body.items).toContainEqual(
        expect.objectContaining({ id, name: `Jöhn ${word} Doé`, matchedBy: 'NAME_OR_EMAIL' }),
      );
    }
  });

  it('finds a customer by a part of the email', async () => {
    const word = marker();
    const id = await externalCustomer('Ada Lovelace', `ada.${word}@Example.org`);
    await api('GET', `/v1/customers/${id}`);

    const answer = await search(`${word.toLowerCase()}@example`);
    expect(answer.body.items.map((hit) => hit.id)).toEqual([id]);
  });

  it('does not find a customer no customer route has read yet by name', async () => {
    const word = marker();
    await externalCustomer(`Unread ${word}`, `${word}@example.com`);

    const answer = await search(word);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
  });

  it('finds the buyer by a purchase id and by a shipment id, and a customer by id', async () => {
    const { customerId, productId } = await customerAndProduct(10_000, 2);
    const purchase = await api<{ id: string; shipmentId: string }>('POST', '/v1/purchases', {
      body: { customerId, productId },
    });
    expect(purchase.status).toBe(201);

    const byPurchase = await search(purchase.body.id);
    expect(byPurchase.body.items[0]).toMatchObject({ id: customerId, matchedBy: 'PURCHASE_ID' });
    const byShipment = await search(purchase.body.shipmentId);
    expect(byShipment.body.items[0]).toMatchObject({ id: customerId, matchedBy: 'SHIPMENT_ID' });

    await api('GET', `/v1/customers/${customerId}`);
    const byId = await search(customerId);
    expect(byId.body.items[0]).toMatchObject({
      id: customerId,
      matchedBy: 'CUSTOMER_ID',
      name: 'Test Customer',
    });
  });

  it('pages the matches by name, each customer once', async () => {
    const word = marker();
    const ids: string[] = [];
    for (const name of ['Cara', 'Abe', 'Bea']) {
      const id = await externalCustomer(`${name} ${word}`, `${name.toLowerCase()}.${word}@example.com`);
      await api('GET', `/v1/customers/${id}`);
      ids.push(id);
    }

    const first = await search(word, '&limit=2');
    expect(first.body.items.map((hit) => hit.name)).toEqual([`Abe ${word}`, `Bea ${word}`]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await search(word, `&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((hit) => hit.name)).toEqual([`Cara ${word}`]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses an empty term with the field named', async () => {
    const answer = await api<ApiError>('GET', '/v1/search/customers?q=%20');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toContainEqual(expect.objectContaining({ path: 'query.q' }));
  });
});
