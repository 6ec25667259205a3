import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';

/** A table's header row: one column title a header, after an optional first cell. */
export const TableHead = ({ headers, start }: { headers: string[]; start?: React.ReactNode }) => (
  <Thead>
    <Tr>
      {start}
      {headers.map((header) => (
        <Th key={header}>
          <Typography variant="sigma">{header}</Typography>
        </Th>
      ))}
    </Tr>
  </Thead>
);

/**
 * The plugin's tables: column titles, one row a record (its cells drawn by `renderCells`),
 * and, when `empty` is given, that line in place of no rows. No rows yet (null): the header only.
 */
export const DataTable = <Row,>({
  headers,
  headStart,
  rows,
  rowKey,
  rowTestId,
  rowStyle,
  empty,
  renderCells,
}: {
  headers: string[];
  /** A first header cell before the titles, as the select-all box of a list with a selection. */
  headStart?: React.ReactNode;
  rows: Row[] | null | undefined;
  rowKey: (row: Row) => string | number;
  rowTestId?: string;
  rowStyle?: (row: Row) => React.CSSProperties | undefined;
  empty?: string;
  renderCells: (row: Row) => React.ReactNode;
}) => {
  const colCount = headers.length + (headStart ? 1 : 0);
  return (
    <Table colCount={colCount} rowCount={(rows?.length ?? 0) + 1}>
      <TableHead headers={headers} start={headStart} />
      <Tbody>
        {empty && rows?.length === 0 && (
          <Tr>
            <Td colSpan={colCount}>
              <Typography textColor="neutral600">{empty}</Typography>
            </Td>
          </Tr>
        )}
        {rows?.map((row) => (
          <Tr key={rowKey(row)} data-testid={rowTestId} style={rowStyle?.(row)}>
            {renderCells(row)}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
