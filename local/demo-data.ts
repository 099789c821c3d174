import { DEFAULT_LOCK_MS } from '../functions/shared/http/idempotency.store.ts';

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
 * A killed run may leave a demo key claimed for the idempotency lease (IDEMPOTENCY_LOCK_SECONDS);
 * a little longer than that lets its claim run out, and bounds how long a start can wait for it.
 */
export const demoDataMaxWaitMs = (lockMs: number = DEFAULT_LOCK_MS): number => lockMs + 10_000;
/** Between two tries while a key is held, unless the answer's Retry-After says otherwise. */
const RETRY_INTERVAL_MS = 2_000;

export interface DemoDataOptions {
  /** Longest wait for a key that a request of an earlier run still holds. */
  maxWaitMs?: number;
  /** Progress for the person at the terminal. */
  say?: (line: string) => void;
  /** What was skipped, and why. */
  warn?: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface Step {
  what: string;
  path: string;
  idempotencyKey: string;
  body: unknown;
}

/**
 * Loads the demo data through the API. Idempotent across restarts: each change carries a fixed
 * Idempotency-Key, and the ledger (for grants) and the reservation (for purchases) refuse to apply
 * one operation twice even after the key's record has expired.
 *
 * Never throws: demo data is a convenience, so a step that cannot be done is skipped with a warning
 * and the stack still starts. A key still held by a request of an earlier run that died (409
 * REQUEST_IN_PROGRESS) is waited for, up to `maxWaitMs`.
 *
 * @returns whether every step was done
 */
export async function loadDemoData(
  apiUrl: string,
  accessToken: string,
  options: DemoDataOptions = {},
): Promise<boolean> {
  const steps: Step[] = [
    ...DEMO_GRANTS.map((grant) => ({
      what: `demo credit for ${grant.name}`,
      path: `/v1/customers/${grant.customerId}/credit/grants`,
      idempotencyKey: `demo-data-v1-${grant.customerId}`,
      body: { amountCents: grant.amountCents, reason: 'Demo credit' },
    })),
    {
      what: 'the demo purchase',
      path: '/v1/purchases',
      idempotencyKey: 'demo-data-v1-purchase',
      body: DEMO_PURCHASE,
    },
  ];
  let complete = true;
  for (const step of steps) {
    if (!(await apply(apiUrl, accessToken, step, options))) complete = false;
  }
  return complete;
}

async function apply(
  apiUrl: string,
  accessToken: string,
  step: Step,
  options: DemoDataOptions,
): Promise<boolean> {
  const {
    maxWaitMs = demoDataMaxWaitMs(),
    say = console.log,
    warn = console.warn,
    fetch: send = fetch,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now = Date.now,
  } = options;
  const deadline = now() + maxWaitMs;
  let announced = false;
  for (;;) {
    let answer: { status: number; retryAfter: string | null; error: ErrorBody | undefined };
    try {
      const response = await send(`${apiUrl}${step.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': step.idempotencyKey,
          authorization: `Bearer ${accessToken}`,
        },
        body: JSON.stringify(step.body),
      });
      answer = {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        error: errorOf(await response.text()),
      };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      warn(`demo data: ${step.what} skipped: ${String(error)}${cause}`);
      return false;
    }
    if (answer.status === 201) return true;

    const purchaseId = answer.error?.details?.purchaseId;
    if (answer.status === 409 && answer.error?.code === 'REQUEST_IN_PROGRESS') {
      if (typeof purchaseId === 'string') {
        // The key's purchase exists but never finished (its run died mid-saga): waiting won't help.
        warn(
          `demo data: ${step.what} skipped: an earlier run's purchase ${purchaseId} under its key never ` +
            'finished (the sweeper releases its hold, or leaves it for review if its shipment was under way)',
        );
        return false;
      }
      const left = deadline - now();
      if (left > 0) {
        if (!announced) {
          say(
            `demo data: ${step.what} is still held by a request of an earlier run that stopped ` +
              `(Idempotency-Key ${step.idempotencyKey}); waiting up to ${Math.ceil(left / 1000)} s for it to let go…`,
          );
          announced = true;
        }
        await sleep(Math.min(retryAfterMs(answer.retryAfter) ?? RETRY_INTERVAL_MS, left));
        continue;
      }
      warn(`demo data: ${step.what} skipped: its key was still held after ${Math.round(maxWaitMs / 1000)} s`);
      return false;
    }
    const reason = answer.error ? `${answer.error.code}: ${answer.error.message}` : 'no error body';
    warn(`demo data: ${step.what} skipped: HTTP ${answer.status} ${reason}`);
    return false;
  }
}

interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

function errorOf(text: string): ErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: ErrorBody };
    return typeof parsed.error?.code === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export const DEMO_CUSTOMER_IDS = DEMO_GRANTS.map((grant) => grant.customerId);
