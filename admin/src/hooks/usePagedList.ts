import { useLoadMore, type CursorPage } from '../api';
import { useNotifyError } from './useNotifyError';

/** A first page as RTK Query's hook gives it. */
interface FirstPage<Row, Cursor> {
  currentData?: CursorPage<Row, Cursor>;
  isError: boolean;
  fulfilledTimeStamp?: number;
}

const NO_ROWS: CursorPage<never, never> = { rows: [], next: null };

/**
 * The list of a PagedTable. currentData, not data: a new filter shows the loading
 * state, not the previous filter's rows; a first page that failed shows as empty.
 */
export const usePagedList = <Row, Cursor>(
  first: FirstPage<Row, Cursor>,
  fetchPage: (cursor: Cursor) => Promise<CursorPage<Row, Cursor>>
) => {
  const notifyError = useNotifyError();
  const data = first.currentData ?? (first.isError ? NO_ROWS : undefined);
  return useLoadMore(
    { data, fulfilledTimeStamp: first.fulfilledTimeStamp },
    fetchPage,
    notifyError
  );
};
