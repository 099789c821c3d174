/** Demo credit for the seeded customers, granted through the public API like any other grant. */
const DEMO_GRANTS = [
  { customerId: '550e8400-e29b-41d4-a716-446655440001', name: 'John Doe', amountCents: 500_000 },
  { customerId: '550e8400-e29b-41d4-a716-446655440002', name: 'Jane Smith', amountCents: 25_000 },
] as const;

/**
 * Idempotent across restarts: each grant carries a fixed Idempotency-Key, and the ledger refuses to
 * apply the same operation twice even after the key's record has expired.
 */
export async function loadDemoData(apiUrl: string): Promise<void> {
  for (const grant of DEMO_GRANTS) {
    const response = await fetch(`${apiUrl}/v1/customers/${grant.customerId}/credit/grants`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `demo-data-v1-${grant.customerId}`,
        'x-actor': 'demo-data',
      },
      body: JSON.stringify({ amountCents: grant.amountCents, reason: 'Demo credit' }),
    });
    if (response.status !== 201)
      throw new Error(`demo grant for ${grant.name} failed: HTTP ${response.status}`);
  }
}

export const DEMO_CUSTOMER_IDS = DEMO_GRANTS.map((grant) => grant.customerId);
