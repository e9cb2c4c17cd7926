import { SPAN_ROW_LAYOUT, type SpanRow } from '../span-row.ts';
import { encodeRowBinary, encodeRowBinarySync, type RowStartHook } from './row-binary-encoding.ts';
import { rowBinaryStringKey, SpanRowKeysBuilder } from './span-row-keys.ts';
import type { KeyedSpanRows } from './span-rows-in-key-order.ts';

const NS_PER_SECOND = 1_000_000_000n;

/** Span rows in RowBinary with their sorting keys (for SpanKeyOrdering), a slice at a time as encodeRowBinary. */
export async function encodeKeyedSpanRows(rows: readonly SpanRow[]): Promise<KeyedSpanRows> {
  const keys = new SpanRowKeysBuilder(rows.length);
  const rowBinary = await encodeRowBinary(rows, SPAN_ROW_LAYOUT, keyRecorder(keys));
  return { rowBinary, keys: keys.finish(rowBinary.length) };
}

/** The same at once: for a request's rows. */
export function encodeKeyedSpanRowsSync(rows: readonly SpanRow[]): KeyedSpanRows {
  const keys = new SpanRowKeysBuilder(rows.length);
  const rowBinary = encodeRowBinarySync(rows, SPAN_ROW_LAYOUT, keyRecorder(keys));
  return { rowBinary, keys: keys.finish(rowBinary.length) };
}

function keyRecorder(keys: SpanRowKeysBuilder): RowStartHook<SpanRow> {
  return (row, rowStart) =>
    keys.add(
      rowStart,
      rowBinaryStringKey(row.ServiceName),
      rowBinaryStringKey(row.SpanName),
      Number(BigInt(row.Timestamp) / NS_PER_SECOND),
    );
}
