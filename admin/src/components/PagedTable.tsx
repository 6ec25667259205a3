import {
  Box,
  Button,
  Flex,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useT } from '../hooks/useT';
import { Card } from './Card';
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

/** A table's header row: one column title a header. */
export const TableHead = ({ headers }: { headers: string[] }) => (
  <Thead>
    <Tr>
      {headers.map((header) => (
        <Th key={header}>
          <Typography variant="sigma">{header}</Typography>
        </Th>
      ))}
    </Tr>
  </Thead>
);

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
}) => {
  const t = useT();
  const { rows } = list;
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
        </Flex>
      }
    >
      <Table colCount={headers.length} rowCount={(rows?.length ?? 0) + 1}>
        <TableHead headers={headers} />
        <Tbody>
          {rows?.length === 0 && (
            <Tr>
              <Td colSpan={headers.length}>
                <Typography textColor="neutral600">{empty}</Typography>
              </Td>
            </Tr>
          )}
          {rows?.map((row) => (
            <Tr key={rowKey(row)} data-testid={rowTestId}>
              {renderCells(row)}
            </Tr>
          ))}
        </Tbody>
      </Table>
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
