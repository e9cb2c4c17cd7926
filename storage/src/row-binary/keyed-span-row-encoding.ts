import { SPAN_ROW_LAYOUT, type SpanRow } from '../span-row.ts';
import { appendRowBinary } from './row-binary-encoding.ts';
import { RowBinaryWriter } from './row-binary-writer.ts';
import { rowBinaryStringKey, SpanRowKeysBuilder } from './span-row-keys.ts';
import type { KeyedSpanRows } from './span-rows-in-key-order.ts';

const ROWS_PER_SLICE = 2048;
const NS_PER_SECOND = 1_000_000_000n;

/** Span rows in RowBinary with their sorting keys (for SpanKeyOrdering), a slice at a time as encodeRowBinary. */
export async function encodeKeyedSpanRows(rows: readonly SpanRow[]): Promise<KeyedSpanRows> {
  const encoding = new KeyedSpanRowEncoding(rows.length);
  for (let from = 0; from < rows.length; from += ROWS_PER_SLICE) {
    if (from > 0) await new Promise((resolve) => setImmediate(resolve));
    encoding.append(rows, from, Math.min(rows.length, from + ROWS_PER_SLICE));
  }
  return encoding.finish();
}

/** The same at once: for a request's rows. */
export function encodeKeyedSpanRowsSync(rows: readonly SpanRow[]): KeyedSpanRows {
  const encoding = new KeyedSpanRowEncoding(rows.length);
  encoding.append(rows, 0, rows.length);
  return encoding.finish();
}

class KeyedSpanRowEncoding {
  private readonly writer: RowBinaryWriter;
  private readonly keys: SpanRowKeysBuilder;

  constructor(rows: number) {
    // About 500 bytes per span row; starting near the final size avoids most regrowth.
    this.writer = new RowBinaryWriter(Math.max(4096, rows * 512));
    this.keys = new SpanRowKeysBuilder(rows);
  }

  append(rows: readonly SpanRow[], from: number, to: number): void {
    for (let r = from; r < to; r += 1) {
      const row = rows[r]!;
      this.keys.add(
        this.writer.size,
        rowBinaryStringKey(row.ServiceName),
        rowBinaryStringKey(row.SpanName),
        Number(BigInt(row.Timestamp) / NS_PER_SECOND),
      );
      appendRowBinary(this.writer, rows, SPAN_ROW_LAYOUT, r, r + 1);
    }
  }

  finish(): KeyedSpanRows {
    const rowBinary = this.writer.bytes();
    return { rowBinary, keys: this.keys.finish(rowBinary.length) };
  }
}
