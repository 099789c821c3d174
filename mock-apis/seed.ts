import type { ExternalCustomer, ExternalProduct } from '../functions/shared/external/external-api.schemas.ts';

/** The records the contract's x-seed-data lists, completed with plausible details. */
const SEEDED_AT = Date.UTC(2026, 0, 1);

export function seedCustomers(): ExternalCustomer[] {
  const address = (line1: string, city: string, postalCode: string, state: string) => ({
    line1,
    city,
    postalCode,
    state,
    country: 'US',
  });
  return [
    {
      id: '550e8400-e29b-41d4-a716-446655440001',
      name: 'John Doe',
      email: 'john.doe@example.com',
      billingAddress: address('1 Main St', 'Springfield', '62701', 'IL'),
      shippingAddress: address('1 Main St', 'Springfield', '62701', 'IL'),
      createdAt: SEEDED_AT,
      lastModifiedAt: SEEDED_AT,
    },
    {
      id: '550e8400-e29b-41d4-a716-446655440002',
      name: 'Jane Smith',
      email: 'jane.smith@example.com',
      billingAddress: address('22 Oak Ave', 'Portland', '97201', 'OR'),
      shippingAddress: address('500 Harbor Rd', 'Seattle', '98101', 'WA'),
      createdAt: SEEDED_AT,
      lastModifiedAt: SEEDED_AT,
    },
  ];
}

export function seedProducts(): ExternalProduct[] {
  const product = (id: string, sku: string, name: string, description: string, price: number) => ({
    id,
    sku,
    name,
    description,
    price,
    createdAt: SEEDED_AT,
    lastModifiedAt: SEEDED_AT,
  });
  return [
    product(
      '660e8400-e29b-41d4-a716-446655440001',
      'LAPTOP-001',
      'Professional Laptop',
      '14-inch, 32 GB',
      1299.99,
    ),
    product(
      '660e8400-e29b-41d4-a716-446655440002',
      'MOUSE-001',
      'Wireless Mouse',
      'Two-button, USB-C',
      49.99,
    ),
    product(
      '660e8400-e29b-41d4-a716-446655440003',
      'KEYBOARD-001',
      'Mechanical Keyboard',
      'Tenkeyless',
      149.99,
    ),
  ];
}
