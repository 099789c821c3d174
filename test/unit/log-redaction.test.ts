import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../functions/shared/errors.ts';
import { REDACTED } from '../../functions/shared/log-redaction.ts';
import { LOGGER_OPTIONS } from '../../functions/shared/logger.ts';
import { toTaskError } from '../../functions/shared/saga/task-errors.ts';

/** A logger built as the service's is, that shows the replacer it writes every line with. */
class InspectableLogger extends Logger {
  replacer(): (key: string, value: unknown) => unknown {
    return this.getJsonReplacer();
  }
}
const replacer = new InspectableLogger(LOGGER_OPTIONS).replacer();
/** What the service's logger would write for these fields. */
const logged = (fields: unknown): unknown => JSON.parse(JSON.stringify(fields, replacer));

const customer = {
  id: 'cust-1',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  shippingAddress: { line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  lastModifiedAt: '2026-01-01T00:00:00Z',
};

describe("the logger's redaction of personal data", () => {
  it("redacts the external API's customer record, billing address included", () => {
    const external = { ...customer, billingAddress: customer.shippingAddress };

    expect(JSON.stringify(logged({ external }))).not.toMatch(/Ada|ada@|James/);
  });

  it("redacts a customer's name, e-mail and address and keeps its id", () => {
    expect(logged({ customer })).toEqual({
      customer: { ...customer, name: REDACTED, email: REDACTED, shippingAddress: REDACTED },
    });
  });

  it("redacts the customer snapshot of a purchase, and keeps the product's name", () => {
    const purchase = { id: 'p-1', product: { id: 'prod-1', name: 'Mug', priceCents: 1299 }, customer };

    const written = logged({ purchase }) as { purchase: { product: { name: string }; customer: object } };

    expect(written.purchase.product.name).toBe('Mug');
    expect(JSON.stringify(written)).not.toMatch(/Ada|ada@|James/);
  });

  it('redacts an e-mail address inside free text, such as an upstream error message', () => {
    const error = new Error('CreateShipment answered 422: address of ada@example.com is incomplete');

    const written = JSON.stringify(logged({ error }));

    expect(written).not.toContain('ada@example.com');
    expect(written).toContain('CreateShipment answered 422');
  });

  it("keeps an error's name and an entity's own fields that only look personal", () => {
    const written = logged({
      error: new TypeError('boom'),
      code: 'SHIPMENT_FAILED',
      customerId: 'cust-1',
    }) as {
      error: { name: string };
      customerId: string;
    };

    expect(written.error.name).toBe('TypeError');
    expect(written.customerId).toBe('cust-1');
  });
});

describe("a saga task's error, as the state machine logs it", () => {
  it("carries no customer's name, e-mail or address in the execution's Cause", () => {
    const error = new AppError('UPSTREAM_ERROR', 'CreateShipment refused ada@example.com', {
      operation: 'CreateShipment',
      customer,
    });

    const cause = toTaskError(error).message;

    expect(cause).not.toMatch(/Ada|ada@example\.com|James/);
    expect(JSON.parse(cause)).toMatchObject({
      code: 'UPSTREAM_ERROR',
      details: { operation: 'CreateShipment' },
    });
  });
});
