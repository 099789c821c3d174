/** One attribute of an audited change, as text: what it was and what it became. */
export interface DiffLine {
  field: string;
  before: string | undefined;
  after: string | undefined;
}

const show = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * The attributes that differ between before and after (all of after for a creation, all of before
 * for a deletion), sorted by name. Attributes equal on both sides are left out.
 */
export function diffRecord(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): DiffLine[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return fields
    .map((field) => ({ field, before: show(before?.[field]), after: show(after?.[field]) }))
    .filter((line) => line.before !== line.after);
}
