import * as z from 'zod';
import type { ErrorCode } from '#shared/errors.ts';

/**
 * Answers that no route's own schema file describes: the contract's error shape (built by
 * shared/http/responses.ts), a page of a list (shared/pagination.ts's `Page`), and health.
 */

/** One field that failed validation: `body.amountCents`, `query.limit`. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });

/** The contract's error answer, its `code` one of `codes`. */
export function errorAnswerSchema(codes: readonly [ErrorCode, ...ErrorCode[]]): z.ZodType {
  return z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string(),
      // VALIDATION_FAILED lists the fields; every other code has an object, often empty.
      details: z.union([z.array(FieldIssueSchema), z.record(z.string(), z.unknown())]),
      requestId: z.string(),
    }),
  });
}

/** `{ items, nextCursor }`, as every list answers. */
export function pageSchema<T extends z.ZodType>(item: T): z.ZodType {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const HealthSchema = z.object({ status: z.literal('ok') });
