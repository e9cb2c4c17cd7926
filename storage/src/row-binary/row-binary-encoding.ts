import { RowBinaryWriter } from './row-binary-writer.ts';
import type { RowLayout } from './row-layout.ts';

/** Rows in RowBinary, columns in layout order. */
export function encodeRowBinary<Row extends object>(rows: readonly Row[], layout: RowLayout<Row>): Buffer {
  // About 500 bytes per span row; starting near the final size avoids most regrowth.
  const writer = new RowBinaryWriter(Math.max(4096, rows.length * 512));
  for (const row of rows) {
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
  return writer.bytes();
}
