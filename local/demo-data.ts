/** Demo credit for the seeded customers, granted through the public API like any other grant. */
const DEMO_GRANTS = [
  { customerId: '550e8400-e29b-41d4-a716-446655440001', name: 'John Doe', amountCents: 500_000 },
  { customerId: '550e8400-e29b-41d4-a716-446655440002', name: 'Jane Smith', amountCents: 25_000 },
] as const;

/** One purchase through the saga, so the lists have something to show. */
const DEMO_PURCHASE = {
  customerId: DEMO_GRANTS[0].customerId,
  productId: '660e8400-e29b-41d4-a716-446655440002', // Wireless Mouse
  quantity: 2,
} as const;

/**
 * Idempotent across restarts: each change carries a fixed Idempotency-Key, and the ledger (for
 * grants) and the reservation (for purchases) refuse to apply one operation twice even after the
 * key's record has expired.
 */
export async function loadDemoData(apiUrl: string): Promise<void> {
  for (const grant of DEMO_GRANTS) {
    await post(
      apiUrl,
      `/v1/customers/${grant.customerId}/credit/grants`,
      `demo-data-v1-${grant.customerId}`,
      {
        amountCents: grant.amountCents,
        reason: 'Demo credit',
      },
    );
  }
  await post(apiUrl, '/v1/purchases', 'demo-data-v1-purchase', DEMO_PURCHASE);
}

async function post(apiUrl: string, path: string, idempotencyKey: string, body: unknown): Promise<void> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
      'x-actor': 'demo-data',
    },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    throw new Error(`demo data: POST ${path} answered HTTP ${response.status}: ${await response.text()}`);
  }
}

export const DEMO_CUSTOMER_IDS = DEMO_GRANTS.map((grant) => grant.customerId);
