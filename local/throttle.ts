import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { TokenVerifier } from '../functions/shared/auth/token-verifier.ts';

/**
 * A token bucket: `burst` requests at once, refilled at `ratePerSecond`. Written here rather than
 * taken from a library because it is a dozen lines and the libraries at hand count fixed windows
 * (rate-limiter-flexible) or bring timers; the clock is injected so that tests need no waiting.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token from `key`'s bucket: 0 if it had one, else the seconds until it will. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.limits.burst, at: now };
    const tokens = Math.min(
      this.limits.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limits.ratePerSecond,
    );
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.#buckets.set(key, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / this.limits.ratePerSecond));
  }
}

export interface ThrottleLimits {
  ratePerSecond: number;
  burst: number;
}

/**
 * The local API Gateway stand-in's throttle, per caller: the subject of a token that verifies, else
 * the client's address (so a forged token cannot spend someone else's bucket). A throttled request
 * gets the contract's 429 THROTTLED with Retry-After and never reaches a handler. In AWS the stage's
 * rate and burst limits do this job, for the stage as a whole and with API Gateway's own body
 * (DESIGN.md, Authentication and roles).
 */
export function throttled(
  listener: RequestListener,
  buckets: TokenBuckets,
  verifier: TokenVerifier,
): RequestListener {
  return (request, response) => {
    void callerOf(request, verifier).then((caller) => {
      const retryAfterSeconds = buckets.take(caller);
      if (retryAfterSeconds === 0) return listener(request, response);
      const requestId = randomUUID();
      request.resume();
      response
        .writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfterSeconds),
          'x-request-id': requestId,
        })
        .end(
          JSON.stringify({
            error: {
              code: 'THROTTLED',
              message: 'Too many requests from this caller; retry after the time Retry-After gives.',
              details: { retryAfterSeconds },
              requestId,
            },
          }),
        );
    });
  };
}

async function callerOf(request: IncomingMessage, verifier: TokenVerifier): Promise<string> {
  const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token !== undefined) {
    try {
      return `sub:${(await verifier.verify(token)).subject}`;
    } catch {
      // Not a caller we know: counted by address, and the route will answer 401.
    }
  }
  return `address:${request.socket.remoteAddress ?? 'unknown'}`;
}
