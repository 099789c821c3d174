/**
 * Every audited item counts its own writes: `version` is 1 when the item is created and one more at
 * each write, in that same write. The audit projector numbers an entity's records by it (a record's
 * `sequence` is the version its change made), so it stores each change with one conditional put
 * and no read; reconciliation checks that each item's trail ends at its version.
 * (A credit account's version, which its ledger entries are keyed by, is this same counter.)
 */
export const FIRST_VERSION = { version: 1 } as const;

/** A SET clause's action that counts one more write; with VERSION_NAMES and VERSION_VALUES. */
export const NEXT_VERSION = '#version = #version + :versionStep';
export const VERSION_NAMES = { '#version': 'version' } as const;
export const VERSION_VALUES = { ':versionStep': 1 } as const;
