/** How one column's values are written in RowBinary. */
export type ColumnEncoding =
  | 'string'
  | 'uint8'
  | 'uint64'
  | 'float64'
  /** DateTime64(9) from unix-epoch nanoseconds in decimal. */
  | 'nanoseconds'
  | 'stringMap'
  | 'stringArray'
  | 'nanosecondsArray'
  | 'stringMapArray';

/** One column of a row type: its name (the row's key), its ClickHouse type and its encoding. */
export interface RowColumn<Row> {
  readonly name: keyof Row & string;
  readonly type: string;
  readonly encoding: ColumnEncoding;
}

/** The columns of a row type in insert order: the single description both insert formats are derived from. */
export type RowLayout<Row> = readonly RowColumn<Row>[];

/** `name type, ...` as the `file()` table function takes a structure. */
export function layoutStructure<Row>(layout: RowLayout<Row>): string {
  return layout.map((column) => `\`${column.name}\` ${column.type}`).join(', ');
}
