import { monotonicFactory } from 'ulid';

export type IdGenerator = () => string;

/** ULIDs: opaque, unique, and sortable by creation time (monotonic within one process). */
export const newId: IdGenerator = monotonicFactory();

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Whether a string is shaped like an id this service issues (for cursors, which clients may forge). */
export const isIssuedId = (value: string): boolean => ULID_PATTERN.test(value);
