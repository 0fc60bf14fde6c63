/**
 * Cursor paging forward: `after` and the page number live in the URL, so a page can be shared.
 * Cursors only go forward; "First page" starts over. The page announces what arrived (lib/announce),
 * so the range here is not a live region of its own.
 */
export function Pager({
  page,
  pageSize,
  total,
  shown,
  nextCursor,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  shown: number;
  nextCursor: string | null | undefined;
  onPage: (after: string | null, page: number) => void;
}) {
  const from = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  return (
    <nav className="pager" aria-label="Result pages">
      <span className="pager-range">
        {shown === 0 ? 'No results' : `${from.toLocaleString('en-US')}–${(from + shown - 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`}
        {page > 1 && ` · page ${page}`}
      </span>
      <span className="pager-buttons">
        <button type="button" onClick={() => onPage(null, 1)} disabled={page <= 1}>
          First page
        </button>
        <button type="button" onClick={() => nextCursor && onPage(nextCursor, page + 1)} disabled={!nextCursor}>
          Next page
        </button>
      </span>
    </nav>
  );
}

/** A GraphQL connection as the pager reads it. */
interface PagedConnection {
  totalCount: number;
  edges: readonly unknown[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** The Pager's `total`, `shown` and `nextCursor` for one page of a connection. */
export function connectionPage(connection: PagedConnection): { total: number; shown: number; nextCursor: string | null | undefined } {
  return { total: connection.totalCount, shown: connection.edges.length, nextCursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null };
}
