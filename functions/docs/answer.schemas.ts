import * as z from 'zod';
import type { ErrorCode } from '#shared/errors.ts';
import { PERMISSIONS, ROLES } from '../auth/roles.ts';

/**
 * Answers that no route's own schema file describes: the contract's error shape (built by
 * shared/http/responses.ts), a page of a list (shared/pagination.ts's `Page`), and health.
 */

/** One field that failed validation: `body.amountCents`, `query.limit`. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });

const PROMO_CODE_REFUSALS = [
  'UNKNOWN',
  'INACTIVE',
  'NOT_STARTED',
  'EXPIRED',
  'EXHAUSTED',
  'BELOW_MINIMUM',
  'NOT_FOR_THIS_PRODUCT',
  'ALREADY_USED_BY_CUSTOMER',
] as const;

const nothing = z.object({}).describe('Nothing more to say');
const retryAfter = z.number().int().min(1).describe('The seconds the Retry-After header gives too');
const upstreamOperation = z.string().describe('The external call: GetCustomer, GetProduct or CreateShipment');

/**
 * What `details` holds for each code, as the code that throws it builds it (shared/errors.ts and the
 * `new AppError(...)` sites). Typed over every code: a new code without its details does not compile.
 * Objects are open (a later release may add a field); the fields named are always there unless optional.
 */
export const ERROR_DETAILS: Readonly<Record<ErrorCode, z.ZodType>> = {
  VALIDATION_FAILED: z.array(FieldIssueSchema).describe('Every field that failed, with why'),
  UNAUTHENTICATED: z.looseObject({ reason: z.string().describe('Why the token was refused') }),
  FORBIDDEN: z.looseObject({
    roles: z.array(z.enum(ROLES)).describe("The token's roles (none: it carries no role)"),
    lacks: z.enum(PERMISSIONS).describe('The permission this operation needs, which none of them has'),
  }),
  THROTTLED: z.looseObject({ retryAfterSeconds: retryAfter }),
  MALFORMED_JSON: nothing,
  UNSUPPORTED_MEDIA_TYPE: z.looseObject({ supported: z.array(z.string()) }),
  CUSTOMER_NOT_FOUND: z.looseObject({ customerId: z.string() }),
  PRODUCT_NOT_FOUND: z.looseObject({ productId: z.string() }),
  PURCHASE_NOT_FOUND: z.looseObject({ purchaseId: z.string() }),
  PROMO_CODE_NOT_FOUND: z.looseObject({ code: z.string() }),
  ROUTE_NOT_FOUND: z.looseObject({
    method: z.string().optional(),
    path: z.string().optional(),
    asset: z.string().optional(),
  }),
  CONFLICT: z.looseObject({
    claimed: z
      .number()
      .int()
      .optional()
      .describe('Redemptions already claimed, when maxRedemptions was set below them'),
  }),
  REQUEST_IN_PROGRESS: z.looseObject({
    purchaseId: z.string().optional().describe('The purchase the first request is making'),
  }),
  PAYLOAD_TOO_LARGE: z.looseObject({ maxBytes: z.number().int() }),
  INSUFFICIENT_CREDIT: z.looseObject({
    customerId: z.string(),
    availableCents: z.number().int().describe('The credit available when the request was refused'),
    requestedCents: z.number().int().describe('What the request needed'),
  }),
  BALANCE_LIMIT_EXCEEDED: z.looseObject({ customerId: z.string() }),
  REFUND_EXCEEDS_REMAINING: z.looseObject({
    requestedCents: z.number().int().optional(),
    refundableCents: z.number().int().optional(),
    requestedQuantity: z.number().int().optional(),
    refundableQuantity: z.number().int().optional(),
  }),
  PURCHASE_NOT_REFUNDABLE: z.looseObject({ purchaseId: z.string(), status: z.string() }),
  PROMO_CODE_INVALID: z.looseObject({
    promoCode: z.string(),
    reason: z.enum(PROMO_CODE_REFUSALS).describe('Why the code does not apply'),
    validFrom: z.string().optional(),
    validUntil: z.string().optional(),
    maxRedemptions: z.number().int().optional(),
    maxRedemptionsPerCustomer: z.number().int().optional(),
    productId: z.string().optional(),
    minSubtotalCents: z.number().int().optional(),
    subtotalCents: z.number().int().optional(),
  }),
  IDEMPOTENCY_KEY_REUSED: nothing,
  SHIPMENT_FAILED: z.looseObject({
    purchaseId: z.string().describe('The purchase id, which no purchase was saved under'),
    reason: z.string().optional(),
  }),
  UPSTREAM_ERROR: z.looseObject({ operation: upstreamOperation, reason: z.string() }),
  UPSTREAM_TIMEOUT: z.looseObject({
    operation: upstreamOperation.optional(),
    timeoutMs: z.number().int().optional(),
    purchaseId: z.string().optional().describe('The purchase that may or may not have completed'),
  }),
  SERVICE_UNAVAILABLE: z.looseObject({ retryAfterSeconds: retryAfter.optional() }),
  INTERNAL: nothing,
};

/** The contract's error answer for one code, its details typed. */
export function errorAnswerOf(code: ErrorCode): z.ZodType {
  return z.object({
    error: z.object({
      code: z.literal(code),
      message: z.string().describe('Safe to show'),
      details: ERROR_DETAILS[code],
      requestId: z.string(),
    }),
  });
}

/** The contract's error answer, its `code` one of `codes`, whatever its details. */
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
