/**
 * The money changes this tab sent lately, so that the same one sent again (same customer, kind,
 * amount and reason) is asked about first. A second identical grant is allowed (a rep may mean it),
 * but never by a stray click: the form clears itself after success, and this catches the retyped one.
 *
 * Kept in sessionStorage: it outlives a reload and a page change, and ends with the tab, like the session.
 */

/** How long an identical change counts as a likely repeat. */
export const REPEAT_WINDOW_MS = 5 * 60_000;

const STORAGE_KEY = 'admin.recent-money-changes';

export interface MoneyChange {
  customerId: string;
  kind: 'grant' | 'deduct';
  amountCents: number;
  reason: string;
}

type Stored = { key: string; at: number }[];

/** The reason is compared as a rep would read it: case and inner spacing do not make it new. */
const keyOf = (change: MoneyChange): string =>
  JSON.stringify([
    change.customerId,
    change.kind,
    change.amountCents,
    change.reason.trim().replace(/\s+/g, ' ').toLowerCase(),
  ]);

function read(now: number): Stored {
  try {
    const parsed: unknown = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed)
      ? (parsed as Stored).filter((entry) => now - entry.at < REPEAT_WINDOW_MS)
      : [];
  } catch {
    return [];
  }
}

/** When the same change was last sent successfully within the window, or undefined. */
export function lastSent(change: MoneyChange, now: number = Date.now()): number | undefined {
  const key = keyOf(change);
  return read(now)
    .filter((entry) => entry.key === key)
    .reduce<number | undefined>((latest, entry) => Math.max(latest ?? 0, entry.at), undefined);
}

export function rememberSent(change: MoneyChange, now: number = Date.now()): void {
  const kept = read(now).filter((entry) => entry.key !== keyOf(change));
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify([...kept, { key: keyOf(change), at: now }]));
  } catch {
    // Storage full or refused: the form still clears itself, which is the first guard.
  }
}

/** "40 s", "3 min": how long ago, as the question says it. */
export function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
