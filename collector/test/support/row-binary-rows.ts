import type { RowLayout } from '@tradetrace/storage';

/**
 * Rows back from RowBinary in a storage layout: what the collector hands the engine, read the way the engine reads it
 * (LEB128 lengths, little-endian numbers, UTF-8 strings), so tests can look at rows without inserting them.
 */
export function rowsFromRowBinary<Row extends object>(bytes: Buffer, layout: RowLayout<Row>): Row[] {
  let at = 0;
  const length = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const string = (): string => {
    const size = length();
    at += size;
    return bytes.toString('utf8', at - size, at);
  };
  const int64 = (): bigint => {
    at += 8;
    return bytes.readBigInt64LE(at - 8);
  };
  const map = (): Record<string, string> => {
    const entries: [string, string][] = Array.from({ length: length() }, () => [string(), string()]);
    return Object.fromEntries(entries);
  };
  const array = <T>(item: () => T): T[] => Array.from({ length: length() }, item);
  const rows: Row[] = [];
  while (at < bytes.length) {
    const row: Record<string, unknown> = {};
    for (const column of layout) {
      switch (column.encoding) {
        case 'string':
          row[column.name] = string();
          break;
        case 'uint8':
          row[column.name] = bytes[at++];
          break;
        case 'uint64':
          row[column.name] = Number(BigInt.asUintN(64, int64()));
          break;
        case 'float64':
          at += 8;
          row[column.name] = bytes.readDoubleLE(at - 8);
          break;
        case 'nanoseconds':
          row[column.name] = int64().toString();
          break;
        case 'stringMap':
          row[column.name] = map();
          break;
        case 'stringArray':
          row[column.name] = array(string);
          break;
        case 'nanosecondsArray':
          row[column.name] = array(() => int64().toString());
          break;
        case 'stringMapArray':
          row[column.name] = array(map);
          break;
      }
    }
    rows.push(row as Row);
  }
  return rows;
}
