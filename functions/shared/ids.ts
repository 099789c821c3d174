import { monotonicFactory } from 'ulid';

export type IdGenerator = () => string;

/** ULIDs: opaque, unique, and sortable by creation time (monotonic within one process). */
export const newId: IdGenerator = monotonicFactory();
