/**
 * Personal data never reaches the logs by default: a customer's name, e-mail and address are
 * replaced wherever a logged value carries them (a customer or its snapshot, an external answer,
 * an error's details), and e-mail addresses inside free text (an upstream error message) too.
 * Ids stay: they are what an operator searches by, and they name no one.
 */
export const REDACTED = '[redacted]';

/** Keys whose value is personal wherever it appears. */
const PERSONAL_KEYS = new Set(['email', 'shippingAddress', 'billingAddress', 'address', 'customerName']);
/** A customer (or its snapshot) is an object with one of these; its `name` is a person's. */
const PERSON_MARKERS = ['email', 'shippingAddress', 'billingAddress'];
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** A `JSON.stringify` replacer (the logger's `jsonReplacerFn`). */
export function redactPersonalData(key: string, value: unknown): unknown {
  if (PERSONAL_KEYS.has(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return value.replace(EMAIL_IN_TEXT, REDACTED);
  if (isPerson(value)) return { ...value, name: REDACTED };
  return value;
}

function isPerson(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Error)
    return false;
  return 'name' in value && PERSON_MARKERS.some((marker) => marker in value);
}
