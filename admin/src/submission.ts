import { useRef, useState } from 'react';
import { ApiError } from './api.ts';

/** How many times one submission is sent again by itself when its outcome is unknown. */
const AUTOMATIC_RETRIES = 2;
const MAX_RETRY_WAIT_MS = 2_000;

export type SubmissionState<R> =
  | { status: 'idle' }
  | { status: 'pending' }
  | { status: 'done'; result: R }
  | { status: 'failed'; error: ApiError };

export interface Submission<B, R> {
  state: SubmissionState<R>;
  /** Sends `body`; ignored while a submission is in flight (a double click sends one request). */
  submit(body: B): Promise<void>;
  reset(): void;
}

const sameBody = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * One form submission = one Idempotency-Key. The key is kept while the outcome is unknown (no
 * answer, 5xx, 429, REQUEST_IN_PROGRESS), for the automatic retries and for the rep's own retry of the
 * same body, so that the service applies it at most once. A definite answer (success or a 4xx)
 * ends the submission: the next one, or an edited body, gets a new key.
 */
export function useSubmission<B, R>(
  send: (body: B, idempotencyKey: string) => Promise<R>,
  options: { newKey?: () => string; wait?: (ms: number) => Promise<void> } = {},
): Submission<B, R> {
  const [state, setState] = useState<SubmissionState<R>>({ status: 'idle' });
  const inFlight = useRef(false);
  const open = useRef<{ body: B; key: string } | undefined>(undefined);
  const newKey = options.newKey ?? (() => crypto.randomUUID());
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const submit = async (body: B): Promise<void> => {
    if (inFlight.current) return;
    inFlight.current = true;
    if (!open.current || !sameBody(open.current.body, body)) open.current = { body, key: newKey() };
    const { key } = open.current;
    setState({ status: 'pending' });
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await send(body, key);
          open.current = undefined;
          setState({ status: 'done', result });
          return;
        } catch (caught) {
          const error = caught instanceof ApiError ? caught : new ApiError(0, 'CLIENT_ERROR', String(caught));
          if (!error.retryable) open.current = undefined;
          if (!error.retryable || attempt >= AUTOMATIC_RETRIES) {
            setState({ status: 'failed', error });
            return;
          }
          await wait(Math.min((error.retryAfterSeconds ?? 0.5) * 1000, MAX_RETRY_WAIT_MS));
        }
      }
    } finally {
      inFlight.current = false;
    }
  };
  const reset = () => setState({ status: 'idle' });
  return { state, submit, reset };
}
