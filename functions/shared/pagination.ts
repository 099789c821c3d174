import * as z from 'zod';
import { ValidationError } from './errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** `?limit=` and `?cursor=` as the contract defines them. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('How many items a page holds at most'),
  cursor: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe("The previous page's nextCursor, to read the page after it; none reads the first page"),
});

/**
 * What each field of a list's cursor may hold: the shape of the key values that list writes into
 * the cursors it gives out. A cursor is client input, so it is checked like any other: a forged one
 * must be a 400, never a key DynamoDB refuses (an empty string, a foreign partition) and so a 500.
 */
export type CursorShape<F extends string> = Readonly<Record<F, (value: string) => boolean>>;

/** A field that must match `pattern` in full (anchor it). */
export const matching =
  (pattern: RegExp) =>
  (value: string): boolean =>
    pattern.test(value);

/** A field that starts with `prefix` and has something after it. */
export const prefixed =
  (prefix: string) =>
  (value: string): boolean =>
    value.length > prefix.length && value.startsWith(prefix);

/**
 * Cursors are opaque to clients: base64url of the position in the collection. They hold only the
 * sort-key side of a position; the partition comes from the request, so a cursor can never move a
 * query to another customer's items.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * The position a cursor names: a JSON object with exactly the fields of `shape`, each a string of
 * the shape this list gives out.
 * @returns undefined when there is no cursor
 * @throws ValidationError (`query.cursor`) for a cursor this list could not have given out
 */
export function decodeCursor<F extends string>(
  cursor: string | undefined,
  shape: CursorShape<F>,
): Record<F, string> | undefined {
  if (cursor === undefined) return undefined;
  const position = readPosition(cursor, shape);
  if (position === undefined) {
    throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this list gave out' }]);
  }
  return position;
}

function readPosition<F extends string>(
  cursor: string,
  shape: CursorShape<F>,
): Record<F, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = Object.keys(shape) as F[];
  if (Object.keys(value).length !== fields.length) return undefined;
  const position = {} as Record<F, string>;
  for (const field of fields) {
    const fieldValue: unknown = Object.hasOwn(value, field)
      ? (value as Record<string, unknown>)[field]
      : undefined;
    if (typeof fieldValue !== 'string' || !shape[field](fieldValue)) return undefined;
    position[field] = fieldValue;
  }
  return position;
}
