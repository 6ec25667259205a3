import { useState } from 'react';

/** One page of a keyset-paged list: its rows and the cursor of the next page (null on the last). */
export interface CursorPage<Row, Cursor> {
  rows: Row[];
  next: Cursor | null;
}

/** A page of a list paged newest first: the rows before a cursor (null: from the newest). */
export interface PageBefore {
  before: number | null;
  limit: number;
}

/** What a first-page query hook gives: the page, and when it was last fetched. */
interface FirstPage<Row, Cursor> {
  data?: CursorPage<Row, Cursor>;
  fulfilledTimeStamp?: number;
}

/**
 * "Load more" on a cached first page. The first page comes from a query hook, so it
 * refetches by itself when a mutation invalidates it; the pages loaded after it belong
 * to the first page they were loaded for, and are dropped when that one is refetched
 * (as a reload did before: the list starts again from the top).
 */
export const useLoadMore = <Row, Cursor>(
  first: FirstPage<Row, Cursor>,
  fetchPage: (cursor: Cursor) => Promise<CursorPage<Row, Cursor>>,
  onError: (error: unknown) => void
) => {
  const [more, setMore] = useState<{ base?: number; rows: Row[]; next: Cursor | null } | null>(
    null
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const current = more && more.base === first.fulfilledTimeStamp ? more : null;
  const rows = first.data ? [...first.data.rows, ...(current?.rows ?? [])] : null;
  const next = current ? current.next : (first.data?.next ?? null);

  const loadMore = async () => {
    if (next === null) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(next);
      setMore({
        base: first.fulfilledTimeStamp,
        rows: [...(current?.rows ?? []), ...page.rows],
        next: page.next,
      });
    } catch (error) {
      onError(error);
    } finally {
      setLoadingMore(false);
    }
  };

  return { rows, next, loadMore, loadingMore };
};
