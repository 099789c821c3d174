import * as z from 'zod';

/**
 * How deep a client's JSON may nest, counting the object itself as level 1. DynamoDB refuses an item
 * nested more than 32 levels; the audit trail stores our items one level down (`after.metadata`),
 * and the margin leaves room for the next such wrapper.
 */
export const MAX_JSON_DEPTH = 16;

/** DynamoDB numbers: 38 significant digits, magnitudes from 1e-130 to below 1e126 (or zero). */
const DYNAMODB_MIN_MAGNITUDE = 1e-130;

type Json = z.infer<ReturnType<typeof z.json>>;

/**
 * A JSON object that DynamoDB stores, and gives back, exactly as the client sent it (after
 * `JSON.parse`). Without this a valid-looking request fails in the write, a 500:
 * - integers must be safe: the SDK's marshaller refuses larger ones, and `JSON.parse` has already
 *   rounded them (9007199254740993 arrives as …992);
 * - fractions must be at least 1e-130 in magnitude (DynamoDB underflows below); a double's shortest
 *   form has at most 17 significant digits, so the 38-digit limit holds, and a fraction is always
 *   below 2^53, so the upper limit does too;
 * - keys must not be empty (DynamoDB: "Empty attribute name"), nor `__proto__` (a JavaScript object
 *   drops it on the way, silently), nor `constructor` (the SDK's marshaller reads it to tell a plain
 *   object from a Set or a Map: a 500, or a map stored as something else);
 * - strings must not be empty: DynamoDB Local, which `npm start` and the tests run, refuses them in
 *   any attribute, so they are refused everywhere to keep one contract;
 * - nesting at most MAX_JSON_DEPTH levels.
 * Each issue names the field's path.
 */
export function storableJsonObject(keySchema: z.ZodString): z.ZodType<Record<string, Json>, unknown> {
  // The body as parsed, before zod copies it: a copy has already lost a `__proto__` key.
  return z
    .unknown()
    .superRefine((value, context) => {
      for (const issue of unstorableFields(value)) context.addIssue({ code: 'custom', ...issue });
    })
    .pipe(z.record(keySchema, z.json()));
}

export interface StorageIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What in `value` DynamoDB would refuse or change, by path (the rules above). Undefined fields are
 * fine: the document client leaves them out.
 */
export function unstorableFields(value: unknown, maxDepth = MAX_JSON_DEPTH): StorageIssue[] {
  return [...unstorable(value, [], 1, maxDepth)];
}

function* unstorable(
  value: unknown,
  path: (string | number)[],
  depth: number,
  maxDepth: number,
): Generator<StorageIssue> {
  if (typeof value === 'number') {
    if (!storableNumber(value)) {
      yield {
        path,
        message:
          'must be a safe integer, or a fraction of magnitude 1e-130 or more (DynamoDB stores no other)',
      };
    }
    return;
  }
  if (typeof value === 'string') {
    if (value === '') yield { path, message: 'must not be an empty string' };
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > maxDepth) {
    yield { path, message: `nests deeper than ${maxDepth} levels` };
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) {
      yield* unstorable(element, [...path, index], depth + 1, maxDepth);
    }
    return;
  }
  for (const [key, element] of Object.entries(value)) {
    if (key === '') yield { path, message: 'has an empty key' };
    else if (key === '__proto__') yield { path, message: 'has the key "__proto__", which no object keeps' };
    else if (key === 'constructor')
      yield { path, message: 'has the key "constructor", which DynamoDB\'s SDK takes for the class' };
    else yield* unstorable(element, [...path, key], depth + 1, maxDepth);
  }
}

function storableNumber(value: number): boolean {
  if (Number.isInteger(value)) return Number.isSafeInteger(value);
  return Number.isFinite(value) && Math.abs(value) >= DYNAMODB_MIN_MAGNITUDE;
}
