import { z } from 'zod';

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
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

/**
 * Cursors are opaque to clients: base64url of the position in the collection. They hold only the
 * sort-key side of a position; the partition comes from the request, so a cursor can never move a
 * query to another customer's items.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** @returns the position, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string, fields: readonly string[]): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const entries = Object.entries(value);
    if (entries.length !== fields.length) return undefined;
    const position: Record<string, string> = {};
    for (const field of fields) {
      const fieldValue = (value as Record<string, unknown>)[field];
      if (typeof fieldValue !== 'string') return undefined;
      position[field] = fieldValue;
    }
    return position;
  } catch {
    return undefined;
  }
}
