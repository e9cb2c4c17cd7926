import { RowBinaryWriter } from './row-binary-writer.ts';
import type { RowLayout } from './row-layout.ts';

const ROWS_PER_SLICE = 2048;

/** Called with each row and the byte at which its RowBinary begins, before it is written. */
export type RowStartHook<Row> = (row: Row, rowStart: number) => void;

/**
 * Rows in RowBinary, columns in layout order; a slice of rows at a time with a turn of the event loop in between: a
 * 100,000-row batch takes a few hundred milliseconds to encode, which would hold up every request answered meanwhile.
 */
export async function encodeRowBinary<Row extends object>(
  rows: readonly Row[],
  layout: RowLayout<Row>,
  onRowStart?: RowStartHook<Row>,
): Promise<Buffer> {
  const writer = writerFor(rows.length);
  for (let from = 0; from < rows.length; from += ROWS_PER_SLICE) {
    if (from > 0) await new Promise((resolve) => setImmediate(resolve));
    appendRowBinary(writer, rows, layout, from, Math.min(rows.length, from + ROWS_PER_SLICE), onRowStart);
  }
  return writer.bytes();
}

/** Rows in RowBinary at once: for a request's rows, which take a few milliseconds. */
export function encodeRowBinarySync<Row extends object>(
  rows: readonly Row[],
  layout: RowLayout<Row>,
  onRowStart?: RowStartHook<Row>,
): Buffer {
  const writer = writerFor(rows.length);
  appendRowBinary(writer, rows, layout, 0, rows.length, onRowStart);
  return writer.bytes();
}

/** About 500 bytes per span row; starting near the final size avoids most regrowth. */
function writerFor(rows: number): RowBinaryWriter {
  return new RowBinaryWriter(Math.max(4096, rows * 512));
}

function appendRowBinary<Row extends object>(
  writer: RowBinaryWriter,
  rows: readonly Row[],
  layout: RowLayout<Row>,
  from: number,
  to: number,
  onRowStart: RowStartHook<Row> | undefined,
): void {
  for (let r = from; r < to; r += 1) {
    const row = rows[r]!;
    onRowStart?.(row, writer.size);
    for (const column of layout) {
      const value = row[column.name] as unknown;
      switch (column.encoding) {
        case 'string':
          writer.string(value as string);
          break;
        case 'uint8':
          writer.uint8(value as number);
          break;
        case 'uint64':
          writer.uint64(value as number);
          break;
        case 'float64':
          writer.float64(value as number);
          break;
        case 'nanoseconds':
          writer.int64FromDecimal(value as string);
          break;
        case 'stringMap':
          writer.stringMap(value as Record<string, string>);
          break;
        case 'stringArray':
          writer.length((value as string[]).length);
          for (const item of value as string[]) writer.string(item);
          break;
        case 'nanosecondsArray':
          writer.length((value as string[]).length);
          for (const item of value as string[]) writer.int64FromDecimal(item);
          break;
        case 'stringMapArray':
          writer.length((value as Record<string, string>[]).length);
          for (const item of value as Record<string, string>[]) writer.stringMap(item);
          break;
      }
    }
  }
}
