import { Alert, Button, Text } from '@clickhouse/click-ui';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from './api.ts';
import { useOptionalSession } from './session.tsx';
import { formatTime } from './time.ts';

/** A validation error's details: one issue per field, as the service reports them. */
function fieldIssuesOf(details: unknown): { path: string; message: string }[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((issue: unknown) => {
    const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown };
    return typeof message === 'string' ? [{ path: typeof path === 'string' ? path : '', message }] : [];
  });
}

/**
 * The browser tab's title: what the page shows, so that a rep with five customer tabs open can tell
 * them apart ("Jane Smith · Customer").
 */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** An error as the service said it, in place: its message, field details, code and request id. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const message = apiError?.message ?? (error instanceof Error ? error.message : String(error));
  const issues = fieldIssuesOf(apiError?.details);
  const session = useOptionalSession();
  return (
    <div role="alert" className="error">
      <Alert
        state="danger"
        title={title ?? 'Something went wrong'}
        text={
          <div>
            {message}
            {apiError && (
              <Text component="span" size="sm" color="muted">
                {' '}
                ({apiError.code}
                {apiError.requestId ? `, request ${apiError.requestId}` : ''})
              </Text>
            )}
            {issues.length > 0 && (
              <ul className="field-issues" aria-label="Field details">
                {issues.map((issue) => (
                  <li key={`${issue.path}:${issue.message}`}>
                    {issue.path ? <code>{issue.path}</code> : 'request'}: {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        }
        showIcon
      />
      {apiError?.status === 401 && session && (
        <Button type="secondary" label="Sign in again" onClick={session.signInAgain} />
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Loading, error and data states of one query. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) return <ErrorMessage error={query.error} title={`Could not load ${what}`} />;
  return <>{children(query.data)}</>;
}

/** Cursor pagination: the API's cursors are opaque, so going back means remembering them. */
export function useCursor(resetKey: string): {
  cursor: string | undefined;
  page: number;
  next(cursor: string): void;
  previous(): void;
} {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: resetKey,
    cursors: [undefined],
  });
  useEffect(() => {
    if (state.key !== resetKey) setState({ key: resetKey, cursors: [undefined] });
  }, [resetKey, state.key]);
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  return {
    cursor: cursors.at(-1),
    page: cursors.length,
    next: (cursor) => setState({ key: resetKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}

export function Pager({
  label,
  page,
  nextCursor,
  onNext,
  onPrevious,
}: {
  label: string;
  page: number;
  nextCursor: string | null | undefined;
  onNext(cursor: string): void;
  onPrevious(): void;
}) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav aria-label={`${label} pages`} className="pager">
      <Button type="secondary" label="Previous page" disabled={page === 1} onClick={onPrevious} />
      <Text component="span">Page {page}</Text>
      <Button
        type="secondary"
        label="Next page"
        disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
      />
    </nav>
  );
}

export const EntityLink = ({ to, children }: { to: string; children: ReactNode }) => (
  <Link to={to}>{children}</Link>
);

/** A time as a table shows it: on one line, with the exact instant for assistive tools. */
export const When = ({ iso }: { iso: string }) => (
  <time dateTime={iso} className="when">
    {formatTime(iso)}
  </time>
);

/** A plain table: ClickUI's Table is a grid of its own; a native one is read well by screen readers. */
export function DataTable({
  caption,
  headers,
  rows,
  empty,
}: {
  caption: string;
  headers: string[];
  rows: { key: string; cells: ReactNode[] }[];
  empty: string;
}) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  // Under 700 px a table scrolls sideways within its box, rather than squeezing every column.
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
