import { Box, Button, Flex } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useT } from '../hooks/useT';
import { Card } from './Card';
import { DataTable } from './DataTable';
import { Select } from './Fields';

/** A choice of one value of a kind, or all of them. */
export interface TableFilter<Value extends string> {
  label: string;
  /** The option that filters nothing. */
  all: string;
  values: readonly Value[];
  labelOf: (value: Value) => string;
  value: Value | 'all';
  onChange: (value: Value | 'all') => void;
  width: string;
}

/** A list from useLoadMore: the rows so far (null while the first page loads) and the next page. */
export interface PagedRows<Row> {
  rows: Row[] | null;
  next: unknown;
  loadMore: () => void;
  loadingMore: boolean;
}

/**
 * A card with a filter and a refresh button over a table, newest first, with
 * "Load more" under it: the audit trail and the request queue.
 */
export const PagedTable = <Row, Value extends string>({
  title,
  filter,
  onRefresh,
  headers,
  list,
  rowKey,
  rowTestId,
  renderCells,
  empty,
  actions,
}: {
  title: string;
  filter: TableFilter<Value>;
  onRefresh: () => void;
  headers: string[];
  list: PagedRows<Row>;
  rowKey: (row: Row) => string | number;
  rowTestId: string;
  renderCells: (row: Row) => React.ReactNode;
  empty: string;
  /** More buttons beside the refresh button (an export menu). */
  actions?: React.ReactNode;
}) => {
  const t = useT();
  const options = [
    { value: 'all', label: filter.all },
    ...filter.values.map((value) => ({ value, label: filter.labelOf(value) })),
  ];
  return (
    <Card
      title={title}
      actions={
        <Flex gap={2}>
          <Box width={filter.width}>
            <Select
              label={filter.label}
              value={filter.value}
              options={options}
              onChange={(v) => filter.onChange(v as Value | 'all')}
            />
          </Box>
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={onRefresh}>
            {t('common.refresh')}
          </Button>
          {actions}
        </Flex>
      }
    >
      <DataTable
        headers={headers}
        rows={list.rows}
        rowKey={rowKey}
        rowTestId={rowTestId}
        empty={empty}
        renderCells={renderCells}
      />
      {list.next !== null && list.next !== undefined && (
        <Flex justifyContent="flex-end">
          <Button variant="tertiary" onClick={list.loadMore} loading={list.loadingMore}>
            {t('clients.loadMore')}
          </Button>
        </Flex>
      )}
    </Card>
  );
};
