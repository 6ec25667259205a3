import { Table, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';

/**
 * A column title; `hidden` for a column whose cells say what they are (a row's menu
 * button): read by screen readers, no width taken from the title.
 */
export type Header = string | { label: string; hidden: true };

const labelOf = (header: Header) => (typeof header === 'string' ? header : header.label);

/**
 * A table's header row: one column title a header, after an optional first cell. Titles
 * may wrap (the design system's table does not wrap): a long one then does not widen its
 * column beyond its cells.
 */
export const TableHead = ({ headers, start }: { headers: Header[]; start?: React.ReactNode }) => (
  <Thead>
    <Tr>
      {start}
      {headers.map((header) => (
        <Th key={labelOf(header)}>
          {typeof header === 'string' ? (
            <Typography variant="sigma" style={{ whiteSpace: 'normal' }}>
              {header}
            </Typography>
          ) : (
            <VisuallyHidden>{header.label}</VisuallyHidden>
          )}
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
  headers: Header[];
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
